"""Properties that hold for any content, checked with generated content (hypothesis).

1. Whatever a YAML file holds, reading and checking it ends in the project's own errors: a
   `YamlError` from the reader, `Problem`s from loading, never another exception. Documents
   are generated three ways: random nested structures, the fixture files with random edits to
   their text (bytes, tabs, YAML syntax), and the fixture files with random values.
2. Whatever text goes into the text fields of a valid site, the build gives a site or a
   `ContentError`, and nothing from the text becomes markup: no new elements or attributes,
   no `javascript:` links, JSON in `<script>` still parses, the Atom feed is still XML, and
   the text itself never appears unescaped.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from testkit import DATABASES, TODAY, Element, parse_html

from techcompare import build as build_module
from techcompare.build import BuildOptions, build_site
from techcompare.checking import check_content
from techcompare.problems import ContentError
from techcompare.render import make_environment
from techcompare.yaml_source import YamlError, parse_yaml, read_yaml_file

# No example database (nothing written into the repository) and no "explain" phase (it
# imports modules whose deprecation warnings `-W error` would turn into errors).
FAST = settings(
    max_examples=50,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FILES = (
    "site.yaml",
    "metrics.yaml",
    "technologies/postgresql.yaml",
    "technologies/sqlite.yaml",
    "comparisons/postgresql-vs-sqlite.yaml",
)

HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>",
    "</script>",
    "</SCRIPT >",
    "<!--",
    "-->",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    '"',
    "'",
    "`",
    "]]>",
    "<![CDATA[",
    "{{ 7*7 }}",
    "{% raw %}",
    "\\u003c",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\\",
    "*",
    "_",
    "# ",
    "- ",
    "> ",
    "|",
    "\t",
    "\n",
    "\r\n",
    "ｇｒｐｃ",
    "NO",
    "012",
    ".nan",
    "2025-01-01",
    "~",
    ": ",
    " #",
    "&a",
    "*a",
    "!!python/object",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=4),
    ),
    min_size=1,
    max_size=6,
).map("".join)


def problems_are_well_formed(problems: Any) -> None:
    """Every problem is one line naming a file, a line and a column."""
    for problem in problems.items:
        text = str(problem)
        assert len(text.splitlines()) == 1, text
        assert problem.line >= 1 and problem.column >= 1, text


@contextlib.contextmanager
def fixture_copy() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(DATABASES, content)
        yield content


def fixture_data(name: str) -> Any:
    return read_yaml_file(DATABASES / name).data


# --- 1. any YAML ends in our own errors ---------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.dates(),
    hostile_text,
)
KNOWN_KEYS = sorted(
    {key for name in FILES for key in fixture_data(name)}
    | {"text", "metric", "value", "min", "max", "as_of", "slug", "name", "label", "unit"}
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), hostile_text)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def check_as(name: str, raw: bytes) -> bool:
    """Read `raw` as the fixture file `name`, then check the whole site with it in place;
    whether the site has no errors."""
    with fixture_copy() as content:
        path = content / name
        path.write_bytes(raw)
        with contextlib.suppress(YamlError):
            read_yaml_file(path)
        site, problems = check_content(content, today=TODAY)
        problems_are_well_formed(problems)
        return site is not None and not problems.errors


@FAST
@given(
    document=st.one_of(st.dictionaries(keys, documents, max_size=8), documents),
    name=st.sampled_from(FILES),
    flow=st.booleans(),
    indent=st.sampled_from([2, 4]),
)
def test_random_documents_end_in_our_own_errors(
    document: Any, name: str, flow: bool, indent: int
) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, indent=indent, allow_unicode=True)
    with contextlib.suppress(YamlError):
        parse_yaml(text)
    check_as(name, text.encode("utf-8"))


EDITS = [
    b"\t",
    b"\t\t",
    b"  ",
    b"\n",
    b"\r\n",
    b"\r",
    b": ",
    b"- ",
    b"? ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"'",
    b'"',
    b"&a ",
    b"*a",
    b"!!str ",
    b"!!python/object:os.system ",
    b"|",
    b"|-\n",
    b">",
    b"#",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"\xef\xbb\xbf",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\x00",
    b"\x1b",
    b"\xff",
    b"\xc3",
    b"\\",
    b'"\\ud800"',
    b"9" * 5000,
]


@FAST
@given(
    name=st.sampled_from(FILES),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(EDITS), st.booleans()), min_size=1, max_size=6
    ),
)
def test_edited_fixture_files_end_in_our_own_errors(
    name: str, edits: list[tuple[float, bytes, bool]]
) -> None:
    raw = (DATABASES / name).read_bytes()
    for where, edit, at_line_start in edits:
        index = int(where * len(raw))
        if at_line_start:
            index = raw.rfind(b"\n", 0, index) + 1
        raw = raw[:index] + edit + raw[index:]
    check_as(name, raw)


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaf_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaf_paths(item, (*path, index))]
    return [path]


def replace(value: Any, path: tuple[Any, ...], new: Any) -> None:
    for part in path[:-1]:
        value = value[part]
    value[path[-1]] = new


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def values_like(old: Any) -> st.SearchStrategy[Any]:
    """Values of the same kind as `old` (to get past validation and into the build), or
    anything at all."""
    if isinstance(old, bool):
        alike: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(old, int | float):
        alike = st.one_of(st.integers(-(10**15), 10**15), st.floats(allow_nan=False))
    elif isinstance(old, str) and ISO_DATE.match(old):
        alike = st.dates().map(str)
    elif isinstance(old, str):
        alike = hostile_text.filter(str.strip)
    else:
        alike = scalars
    return st.one_of(alike, alike, alike, scalars, documents)


@FAST
@given(data=st.data(), name=st.sampled_from(FILES))
def test_fixture_files_with_random_values_end_in_our_own_errors(
    data: st.DataObject, name: str, fast_builds: None
) -> None:
    """... and when the result is valid, it builds."""
    document = fixture_data(name)
    paths = leaf_paths(document)
    for path in data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=2)):
        old = document
        for part in path:
            old = old[part]
        replace(document, path, data.draw(values_like(old)))
    raw = yaml.safe_dump(document, allow_unicode=True).encode()
    site = check_as(name, raw)
    event("valid" if site else "refused")
    if site:
        with fixture_copy() as content:
            (content / name).write_bytes(raw)
            build_site(BuildOptions(content=content, out=content.parent / "site", today=TODAY))


# --- 2. text from content never becomes markup --------------------------------------------

# Fields that hold names, slugs, addresses, dates or choices rather than text.
NOT_TEXT = {
    "as_of",
    "base_url",
    "better",
    "categories",
    "category",
    "comparison",
    "complexity",
    "featured",
    "group",
    "homepage",
    "language",
    "license",
    "metric",
    "published",
    "repository",
    "reviewed_on",
    "slug",
    "source",
    "sources",
    "technologies",
    "updated",
    "url",
}
# What Markdown fields may add to a page: formatting, lists, tables, code, web links.
MARKDOWN_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
SAFE_LINK = re.compile(r"^(https?://|mailto:|#|/(?!/)|\.{0,2}/|[a-z0-9][^:]*$)", re.IGNORECASE)
JSON_SCRIPTS = {"application/json", "application/ld+json"}
ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
# Inside JSON, `"` is `\"`; `assert_inert` checks that JSON stays inside its element.
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.DOTALL | re.IGNORECASE)
# A highlighted code sample splits text into tokens: `0<` is `<span class=mi>0</span>&lt;`.
TOKEN = re.compile(r"<span class=[\w-]+>([^<]*)</span>")


def outside_scripts_and_entities(html: str) -> str:
    return ENTITY.sub("\0", TOKEN.sub(r"\1", SCRIPT.sub("<script></script>", html)))


def with_text(text: str) -> dict[str, Any]:
    """The fixture files, every text field set to `text`, as data by file name."""
    files = {name: fixture_data(name) for name in FILES}
    for document in files.values():
        for path in leaf_paths(document):
            field = next((p for p in reversed(path) if isinstance(p, str)), "")
            holder = document
            for part in path[:-1]:
                holder = holder[part]
            if isinstance(holder[path[-1]], str) and field not in NOT_TEXT:
                replace(document, path, text)
    # A host in the base URL, so that the build writes the Atom feed.
    files["site.yaml"]["base_url"] = "https://example.org/"
    return files


@pytest.fixture(scope="module")
def fast_builds() -> Iterator[None]:
    """Builds for many examples: templates compiled once (a build otherwise compiles them
    anew), no search index (Pagefind reads the pages, it does not write them)."""
    cached = functools.cache(lambda dirs: make_environment(list(dirs)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "make_environment", lambda dirs: cached(tuple(dirs)))
        patch.setattr(build_module, "write_search_index", lambda site_dir, **options: None)
        yield


def build_with_text(text: str, folder: Path) -> Path | None:
    """Build the fixture site with `text` in every text field (assets not minified); None when
    the content is refused."""
    content = folder / "content"
    for name, document in with_text(text).items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(yaml.safe_dump(document, allow_unicode=True))
    out = folder / "site"
    try:
        build_site(BuildOptions(content=content, out=out, today=TODAY, minify=False))
    except ContentError as exc:
        assert exc.problems
        return None
    return out


def shape(page: Element) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.tag, tuple(sorted(e.attrs))) for e in page.iter()]


@dataclass(frozen=True)
class PlainPage:
    parsed: Element
    html: str


class PlainPages(dict[str, PlainPage]):
    """Pages by path, with a short repr for hypothesis's reports."""

    def __repr__(self) -> str:
        return f"PlainPages({len(self)} pages)"


@pytest.fixture(scope="module")
def plain_pages(fast_builds: None, tmp_path_factory: pytest.TempPathFactory) -> PlainPages:
    """The pages of the fixture site with plain text in every text field."""
    out = build_with_text("Plain words", tmp_path_factory.mktemp("plain"))
    assert out is not None
    pages = PlainPages()
    for path in out.rglob("*.html"):
        html = path.read_text()
        pages[path.relative_to(out).as_posix()] = PlainPage(parse_html(html), html)
    return pages


def assert_inert(page_name: str, html: str, plain: Element) -> None:
    """Nothing in `html` was made from `text`: same scripts, no new kinds of elements or
    attributes beyond what Markdown makes, only safe links, JSON that parses."""
    page = parse_html(html)
    plain_shapes = set(shape(plain))
    for element in page.iter():
        if (element.tag, tuple(sorted(element.attrs))) in plain_shapes:
            continue
        assert element.tag in MARKDOWN_TAGS, f"{page_name}: <{element.tag} {element.attrs}>"
        assert set(element.attrs) <= {"href", "class", "id", "title", "start", "style"}, (
            f"{page_name}: <{element.tag} {element.attrs}>"
        )
    for element in page.iter():
        assert not [a for a in element.attrs if a.startswith("on")], (page_name, element.attrs)
        if element.tag == "a" and "href" in element.attrs:
            assert SAFE_LINK.match(element.attrs["href"]), (page_name, element.attrs["href"])
    scripts = page.find_all("script")
    assert len(scripts) == len(plain.find_all("script")), page_name
    for script in scripts:
        if script.attrs.get("type") in JSON_SCRIPTS:
            source = script.raw_text()
            json.loads(source)
            assert "<!--" not in source and "</script" not in source.lower(), page_name


# Short enough for every text field (a metric's unit takes 30 characters at most).
field_text = hostile_text.map(lambda text: text[:28]).filter(lambda text: text.strip())


@settings(FAST, max_examples=40)
@given(text=field_text)
def test_text_in_every_field_never_becomes_markup(
    text: str, fast_builds: None, plain_pages: PlainPages
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = build_with_text(text, Path(folder))
        event("refused" if out is None else "built")
        if out is None:
            return
        pages = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.html")}
        assert pages.keys() == plain_pages.keys()
        # A `"` needs no escape in element text (code samples keep it as it is); in an
        # attribute it would end the value and change the page's shape, which is checked.
        dangerous = "<" in text or ("&" in text and not ENTITY.search(text))
        for name, html in pages.items():
            plain = plain_pages[name]
            assert_inert(name, html, plain.parsed)
            # Outside JSON, the raw text appears only escaped, entities aside (`&amp;` begins
            # with `&a`), unless the page holds it anyway (`</script>`). An entity written in
            # Markdown stays an entity, so text holding one is not looked for.
            if dangerous and text not in outside_scripts_and_entities(plain.html):
                unescaped = text in outside_scripts_and_entities(html)
                assert not unescaped, f"{name} holds {text!r} unescaped"
        # The feed is still XML, with the text in its titles; the JSON files still parse.
        feed = ElementTree.fromstring((out / "feed.xml").read_bytes())
        titles = {lines(e.text or "") for e in feed.iter() if e.tag.endswith("title")}
        assert lines(text.strip()) in titles
        for path in out.rglob("*.json"):
            json.loads(path.read_bytes())


def lines(text: str) -> str:
    """Line ends as an XML parser gives them back."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@FAST
@given(st.text(max_size=40), st.sampled_from(["plain", "single", "literal", "folded"]))
def test_only_escapes_can_give_a_value_what_yaml_refuses_raw(text: str, style: str) -> None:
    """The reader looks for unprintable characters in double-quoted scalars only
    (yaml_source.py): any other scalar holds only characters the parser let through."""
    indented = "".join(f"  {line}\n" for line in text.splitlines() or [""])
    document = {
        "plain": f"a: {text}\n",
        "single": "a: '" + text.replace("'", "''") + "'\n",
        "literal": "a: |\n" + indented,
        "folded": "a: >\n" + indented,
    }[style]
    try:
        value = parse_yaml(document).data
    except YamlError:
        return
    event("parsed")
    found = [v for v in (value.values() if isinstance(value, dict) else [value])]
    assert not any(isinstance(v, str) and UNPRINTABLE.search(v) for v in found), document
