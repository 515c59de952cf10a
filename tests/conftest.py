"""Shared helpers for the pipeline tests: fixture sites, content edits, builds, HTML parsing.

Test modules import these helpers as `testkit` (see the end of this file). Fixture sites
live in `tests/sites/`. Tests never edit them in place: they copy one into
`tmp_path` (`copy_site`) and change the copy's YAML text (`edit`), so each test says exactly
which mistake it makes.
"""

from __future__ import annotations

import gzip
import html
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pydantic import BaseModel

from techcompare.build import BuildOptions, BuildReport, build_site
from techcompare.loading import LoadedContent, load_content
from techcompare.problems import Problem
from techcompare.resolve import Site, resolve_site

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SITES = TESTS / "sites"
DATABASES = SITES / "databases"
BUNDLED_CONTENT = REPO / "content"

# A fixed "today" after every as-of date in the fixture sites, so results never depend on
# the day the suite runs.
TODAY = date(2025, 6, 1)

# Every section a comparison page can show, in page order.
COMPARISON_SECTIONS = (
    "quick-comparison",
    "overview",
    "pros-cons",
    "use-cases",
    "performance",
    "community",
    "pricing",
    "industry-metrics",
    "code",
    "side-by-side",
    "decision",
    "recommendation",
    "faq",
    "related",
    "sources",
)


# --- content ------------------------------------------------------------------------------


def copy_site(tmp_path: Path, name: str = "databases", folder: str = "content") -> Path:
    """Copy the fixture site `tests/sites/<name>` to `tmp_path/<folder>` and return it."""
    target = tmp_path / folder
    shutil.copytree(SITES / name, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file with `new` (fails when not exactly one)."""
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    assert count == 1, f"expected `{old}` once in {path}, found it {count} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def locate(path: Path, needle: str) -> tuple[int, int]:
    """1-based (line, column) where `needle` first occurs in the file."""
    text = path.read_text(encoding="utf-8")
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def shown(content: Path, relative: str) -> str:
    """A content file as problems name it, for a `content` fixture (the working directory is
    the content folder's parent, so either way of naming files gives the same path)."""
    return f"{content.name}/{relative}"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the `databases` fixture site at `tmp_path/content`; the working
    directory is `tmp_path`, so problems name files `content/...`."""
    monkeypatch.chdir(tmp_path)
    return copy_site(tmp_path)


def load_and_resolve(content: Path, today: date = TODAY) -> tuple[LoadedContent, Site | None]:
    """Run the first two stages, as a build does, and return both results."""
    loaded = load_content(content)
    return loaded, resolve_site(loaded, today=today)


def errors_of(content: Path, today: date = TODAY) -> list[Problem]:
    loaded, _ = load_and_resolve(content, today)
    return loaded.problems.errors


def only_problem(problems: list[Problem], field_path: str) -> Problem:
    """The single problem reported for `field_path`, with a readable failure otherwise."""
    found = [p for p in problems if p.field == field_path]
    listing = "\n".join(str(p) for p in problems)
    assert len(found) == 1, f"expected one problem at `{field_path}`, got:\n{listing}"
    return found[0]


# --- builds -------------------------------------------------------------------------------


def build(
    content: Path,
    out: Path,
    *,
    today: date | None = TODAY,
    base_url: str | None = None,
    templates: Path | None = None,
) -> BuildReport:
    """Build `content` into `out`, as of the fixed `TODAY` unless told otherwise."""
    options = BuildOptions(
        content=content, out=out, today=today, base_url=base_url, templates=templates
    )
    return build_site(options)


def neighbours(out: Path) -> list[str]:
    """Names beside the output folder, other than the content and the output itself, once
    the previous output (`.site.trash-…`, deleted by a detached process) is gone."""
    deadline = time.monotonic() + 30
    while any(".trash-" in p.name for p in out.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in out.parent.iterdir() if p.name not in ("content", out.name))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def databases_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `databases` fixture site built once for the session (treat it as read-only)."""
    out = tmp_path_factory.mktemp("databases-build") / "site"
    build(DATABASES, out)
    return out


# --- HTML ---------------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    """A parsed HTML element: enough of a DOM to find things and read their text."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        """The text inside, entities decoded, as a browser would show it (roughly)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def raw_text(self) -> str:
        """Direct text children only (the source of a `<script>`, for instance)."""
        return "".join(c for c in self.children if isinstance(c, str))

    def iter(self) -> list[Element]:
        out: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                out.append(child)
                out += child.iter()
        return out

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        """Descendants matching the tag, a class and exact attribute values."""
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> with class={cls!r} {attrs} in <{self.tag}>"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        found = [e for e in self.iter() if e.id == element_id]
        assert len(found) == 1, f"expected one element with id `{element_id}`, found {len(found)}"
        return found[0]

    def ancestor(self, tag: str) -> Element:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"<{self.tag}> has no <{tag}> ancestor"
        return node


# Elements whose content is text up to their end tag, character references decoded, as in
# browsers (the standard library parser treats only script and style as raw text).
RCDATA = {"title", "textarea"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element
        if tag in RCDATA:
            self.set_cdata_mode(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        if self.current.tag in RCDATA:
            data = html.unescape(data)
        self.current.children.append(data)


def parse_html(text: str) -> Element:
    """Parse an HTML document into an `Element` tree (standard library only)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def read_page(site: Path, path: str) -> Element:
    return parse_html((site / path).read_text(encoding="utf-8"))


def fields_sets(models: list[BaseModel]) -> list[set[str]]:
    """The `model_fields_set` of every model in `models`, nested ones included."""
    found, todo = [], list(models)
    while todo:
        item = todo.pop()
        if isinstance(item, BaseModel):
            found.append(item.model_fields_set)
            todo += item.__dict__.values()
        elif isinstance(item, (list, tuple, dict)):
            todo += item.values() if isinstance(item, dict) else item
    return found


def bundles(index: Path) -> list[Path]:
    """The bundles of a search index (`pagefind/`), in order: the first, then those it
    merges."""
    merged = json.loads((index / "shards.json").read_text())["merge"]
    return [index, *(index / name for name in merged)]


def bundle_records(bundle: Path) -> list[dict[str, object]]:
    """What one bundle of a search index holds for each page: its fragments."""
    records = []
    for fragment in sorted((bundle / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        records.append(json.loads(data))
    return records


def bundle_holding(index: Path, page: str) -> str:
    """The folder of the bundle of `index` that holds `page` (by path in the site), relative
    to `index`: "" for the first bundle, "shard-<n>/" for the others."""
    url = "/" + page.removesuffix("index.html")
    for number, bundle in enumerate(bundles(index)):
        if any(record["url"] == url for record in bundle_records(bundle)):
            return "" if number == 0 else f"shard-{number}/"
    raise AssertionError(f"no bundle of {index} holds {page}")


def in_bundle(path: str, folder: str) -> bool:
    """Whether the file at `path` in an index is part of the bundle in `folder` (see
    `bundle_holding`): the first bundle's files are those outside the merged ones."""
    if folder:
        return path.startswith(folder)
    return not path.startswith("shard-") and path != "shards.json"


# The module name `conftest` is not unique: once tests/browser/ has a conftest.py of its own,
# pytest replaces sys.modules["conftest"] with it, so test modules import from this alias.
sys.modules.setdefault("testkit", sys.modules[__name__])
