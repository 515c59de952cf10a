"""`techcompare build` with its cache: exactly the pages that show a change are rewritten,
the site equals a clean build's, and anything the cache cannot vouch for means a full build.
"""

from __future__ import annotations

import os
import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest
from testkit import (
    TODAY,
    bundle_holding,
    bundles,
    copy_site,
    edit,
    fields_sets,
    in_bundle,
    neighbours,
    tree,
)

from techcompare import build_cache, search_index
from techcompare.api_export import StoredPiece
from techcompare.build import BuildOptions, BuildReport, SiteBuilder, build_site
from techcompare.build_cache import build_with_cache, cache_path
from techcompare.output import MARKER
from techcompare.problems import ContentError
from techcompare.theme import default_templates_dir

BASE_URL = "https://db.example.org/"
AN_HOUR = 3600 * 10**9


def age(*paths: Path) -> None:
    """Date the files (a folder and everything under it) an hour back, as files edited a
    while before the build: their stamps are trusted (see `build_cache.RACY_SECONDS`)."""
    for path in paths:
        for file in [path] if path.is_file() else [*path.rglob("*"), path]:
            info = file.stat()
            os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns - AN_HOUR))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    content = copy_site(tmp_path)
    age(content)
    return content


def options(content: Path, out: Path, **changes: object) -> BuildOptions:
    settings: dict[str, object] = {"base_url": BASE_URL, "today": TODAY, "jobs": 1, **changes}
    return BuildOptions(content, out, **settings)  # type: ignore[arg-type]


def cached_build(content: Path, out: Path, **changes: object) -> BuildReport:
    return build_with_cache(options(content, out, **changes))


def inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def assert_same_as_clean_build(content: Path, out: Path, tmp_path: Path, **changes: object) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build_site(options(content, clean, **changes))
    cached, fresh = tree(out), tree(clean)
    assert cached.keys() == fresh.keys()
    assert [path for path in fresh if cached[path] != fresh[path]] == []


def test_an_edit_rewrites_exactly_the_pages_that_show_it(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = cached_build(content, out)
    assert not first.incremental and first.rendered == first.pages
    assert cache_path(out) == tmp_path / ".site.cache" and cache_path(out).is_file()
    before, linked = tree(out), inodes(out)
    path = content / "technologies/postgresql.yaml"
    edit(path, "It supports transactions", "It supports nested transactions")
    age(path)

    report = cached_build(content, out)

    assert report.incremental and report.pages == first.pages
    pages = {p for p in report.written if p.endswith(".html")}
    assert pages == {
        "compare/postgresql-vs-sqlite/index.html",
        "technologies/postgresql/index.html",
    }
    assert report.rendered == 2
    after = tree(out)
    # Only the files named were rewritten (besides data for scripts, /api/, and the search
    # index, made again); any other is the very same file, a hard link to the previous
    # build's ...
    assert after["api/site.json"] != before["api/site.json"]
    rest = [p for p in after if not p.startswith(("pagefind/", "api/", MARKER))]
    rest = [p for p in rest if p not in report.written]
    assert [p for p in after if p not in before and not p.startswith("pagefind/")] == []
    assert rest and all(after[p] == before[p] and inodes(out)[p] == linked[p] for p in rest)
    # ... and the site is the one a clean build makes, search index included.
    assert_same_as_clean_build(content, out, tmp_path)


def test_an_edit_indexes_again_only_the_search_shard_of_the_page_it_changes(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five indexed pages in shards of one: four bundles (two pages share a shard). The
    # postgresql comparison leaves the overview out of the index, so the edit changes one.
    monkeypatch.setattr(search_index, "SHARD_PAGES", 1)
    out = tmp_path / "site"
    cached_build(content, out)
    linked = inodes(out)
    path = content / "technologies/postgresql.yaml"
    edit(path, "It supports transactions", "It supports nested transactions")
    age(path)

    cached_build(content, out)

    after = inodes(out)
    assert len(bundles(out / "pagefind")) == 4
    shard = bundle_holding(out / "pagefind", "technologies/postgresql/index.html")
    index = [p.removeprefix("pagefind/") for p in after if p.startswith("pagefind/")]
    new = {p for p in index if linked.get(f"pagefind/{p}") != after[f"pagefind/{p}"]}
    # The page's bundle is new (its entry, fragments and word index); the other bundles are
    # the very same files, and the site is the one a clean build makes.
    assert f"{shard}pagefind-entry.json" in new
    assert any(p.startswith(f"{shard}fragment/") for p in new)
    assert {p for p in new if not in_bundle(p, shard)} == {"shards.json"}
    assert_same_as_clean_build(content, out, tmp_path)


def test_with_nothing_changed_nothing_is_rendered(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = cached_build(content, out)
    before, cache = inodes(out), cache_path(out).stat()

    report = cached_build(content, out)

    # Nothing is even read but the cache's header: the site and the cache stay as they are.
    assert report.incremental and report.rendered == 0 and report.written == []
    assert report.pages == first.pages and report.warnings == first.warnings
    assert inodes(out) == before
    assert cache_path(out).stat().st_mtime_ns == cache.st_mtime_ns
    before = {p: i for p, i in inodes(out).items() if p != MARKER}

    touched = content / "technologies/sqlite.yaml"
    os.utime(touched)  # read again, found the same: still nothing to render
    assert cached_build(content, out).rendered == 0
    assert {p: i for p, i in inodes(out).items() if p != MARKER} == before


def test_with_nothing_changed_the_warnings_are_reported_again(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    later = date(2026, 6, 1)  # the fixture's reviews are more than a year old by then
    first = cached_build(content, out, today=later)
    assert first.warnings

    again = cached_build(content, out, today=later)

    assert again.rendered == 0 and again.warnings == first.warnings
    site = tree(out)
    with pytest.raises(ContentError) as failed:
        cached_build(content, out, today=later, strict=True)
    assert failed.value.problems == first.warnings and tree(out) == site


def test_a_stray_file_added_fails_the_build_as_a_clean_build_would(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    cached_build(content, out)
    site = tree(out)
    stray = content / "technologies/duckdb.yml"  # not read, reported
    stray.write_text((content / "technologies/sqlite.yaml").read_text())
    age(stray)

    with pytest.raises(ContentError) as failed:
        cached_build(content, out)

    assert any("rename to `.yaml`" in problem.message for problem in failed.value.problems)
    assert tree(out) == site


def test_a_file_changed_just_before_the_build_is_read_again(tmp_path: Path) -> None:
    """A file written within the racy window may change again with the same stamp (size,
    modification time and inode): the next build reads it again. The other files are as
    recent (as after content is copied in) but their bytes are the same: nothing made from
    them is made again."""
    content = copy_site(tmp_path)
    for file in content.rglob("*.yaml"):
        os.utime(file)  # written just now
    out = tmp_path / "site"
    cached_build(content, out)

    path = content / "technologies/postgresql.yaml"
    stamp = path.stat()
    text = path.read_text(encoding="utf-8")
    same_size = text.replace("It supports transactions", "It supports TRANSACTIONS")
    assert len(same_size) == len(text) and same_size != text
    with open(path, "r+", encoding="utf-8") as file:  # in place: the same inode
        file.write(same_size)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_ino == stamp.st_ino

    report = cached_build(content, out)

    assert "TRANSACTIONS" in (out / "technologies/postgresql/index.html").read_text()
    assert "technologies/postgresql/index.html" in report.written
    assert report.incremental and report.rendered == 2  # the other files' bytes are the same
    assert_same_as_clean_build(content, out, tmp_path)


def test_added_and_removed_files_add_and_remove_their_pages(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new technology shows on most pages of this small site: render them one by one all the
    # same, as on a large site, where the same change is a small share of the pages.
    monkeypatch.setattr(build_cache, "FULL_BUILD_SHARE", 1.0)
    out = tmp_path / "site"
    cached_build(content, out)
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    duckdb = sqlite.replace("name: SQLite", "name: DuckDB")
    (content / "technologies/duckdb.yaml").write_text(duckdb)
    age(content / "technologies/duckdb.yaml")

    added = cached_build(content, out)

    assert added.incremental and "technologies/duckdb/index.html" in added.written
    assert_same_as_clean_build(content, out, tmp_path)

    (content / "technologies/duckdb.yaml").unlink()
    removed = cached_build(content, out)

    assert removed.incremental and not (out / "technologies/duckdb").exists()
    assert_same_as_clean_build(content, out, tmp_path)


def test_bad_content_fails_and_leaves_the_site_and_its_cache_as_they_were(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    cached_build(content, out)
    site, cache = tree(out), cache_path(out).read_bytes()
    path = content / "technologies/sqlite.yaml"
    edit(path, "kind: Embedded", "colour: blue\nkind: Embedded")

    with pytest.raises(ContentError):
        cached_build(content, out)

    assert tree(out) == site and cache_path(out).read_bytes() == cache
    edit(path, "colour: blue\n", "")
    age(path)
    fixed = cached_build(content, out)
    assert fixed.incremental
    assert neighbours(out) == [".site.cache"]


def test_a_failed_render_leaves_the_site_as_it_was(content: Path, tmp_path: Path) -> None:
    """Templates that fail only for some content: the cached build fails half-way through
    the pages it renders again, and the previous site stays whole."""
    templates = tmp_path / "templates"
    templates.mkdir()
    page = (default_templates_dir() / "technology.html").read_text()
    marker = "{% block main %}"
    assert marker in page
    boom = "{% if 'BOOM' in tech.model.summary %}{{ no_such_variable.attribute }}{% endif %}"
    (templates / "technology.html").write_text(page.replace(marker, marker + boom))
    out = tmp_path / "site"
    cached_build(content, out, templates=templates)
    site = tree(out)
    path = content / "technologies/sqlite.yaml"
    edit(path, "A self-contained SQL database engine", "BOOM")
    age(path)

    with pytest.raises(Exception, match="no_such_variable"):
        cached_build(content, out, templates=templates)

    assert tree(out) == site
    assert [p.name for p in tmp_path.iterdir() if ".site." in p.name] == [".site.cache"]


@pytest.mark.parametrize(
    "change",
    ["template", "base_url", "today", "tampered output", "removed output", "broken cache"],
)
def test_anything_the_cache_cannot_vouch_for_means_a_full_build(
    change: str, content: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "footer-note.txt").write_text("one\n")
    out = tmp_path / "site"
    cached_build(content, out, templates=templates)
    settings: dict[str, object] = {"templates": templates}
    if change == "template":
        (templates / "footer-note.txt").write_text("two\n")
    elif change == "base_url":
        settings["base_url"] = "https://other.example.org/"
    elif change == "today":
        settings["today"] = TODAY.replace(day=2)
    elif change == "tampered output":
        (out / "technologies/sqlite/index.html").write_text("defaced")
    elif change == "removed output":
        shutil.rmtree(out)
    elif change == "broken cache":
        cache_path(out).write_bytes(cache_path(out).read_bytes()[:1000])

    report = cached_build(content, out, **settings)

    assert not report.incremental and report.rendered == report.pages
    assert_same_as_clean_build(content, out, tmp_path, **settings)
    assert cached_build(content, out, **settings).incremental  # and the cache is good again


def test_the_cli_uses_the_cache_unless_told_not_to(content: Path, tmp_path: Path) -> None:
    from test_build import techcompare

    arguments = ["build", "--content", "content", "--out", "site"]
    first = techcompare(*arguments, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "rendered again" not in first.stdout
    assert (tmp_path / ".site.cache").is_file()
    path = content / "technologies/postgresql.yaml"
    edit(path, "It supports transactions", "It supports nested transactions")
    age(path)

    second = techcompare(*arguments, cwd=tmp_path)

    assert second.returncode == 0, second.stderr
    assert "(2 rendered again, " in second.stdout
    (tmp_path / ".site.cache").unlink()
    third = techcompare(*arguments, "--no-cache", cwd=tmp_path)
    assert third.returncode == 0 and "rendered again" not in third.stdout
    assert not (tmp_path / ".site.cache").exists()


def test_an_edit_shown_on_most_pages_builds_them_all_at_once(content: Path, tmp_path: Path) -> None:
    """Re-rendering pages one by one pays only for a few: an edit most pages show (the site's
    title) is a full build, with a worker per core, and as good a cache afterwards."""
    out = tmp_path / "site"
    cached_build(content, out)
    path = content / "site.yaml"
    edit(path, "title: DB Compare", "title: Database Compare")
    age(path)

    report = cached_build(content, out)

    assert not report.incremental and report.rendered == report.pages
    assert "Database Compare" in (out / "index.html").read_text()
    assert_same_as_clean_build(content, out, tmp_path)
    assert cached_build(content, out).incremental


def test_the_models_come_before_the_pickle_and_the_exports_pieces_after_it(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    cached_build(content, out)
    path = cache_path(out)
    with open(path, "rb") as file:
        pickle.load(file)  # the header
        start = file.tell()
        size = int.from_bytes(file.read(build_cache.MODELS_SIZE_BYTES), "little")
        first = pickle.load(file)  # each model is a pickle of its own
        file.seek(start)
        builder = build_cache._read_builder(file, options(content, out))
    assert builder is not None and builder.site is not None
    site = builder.site
    assert first == next(iter(site.technologies.values()))
    assert size > 0
    # Read apart, each model is still one object wherever the builder holds it.
    sources = {entry[1].path.stem: entry[1] for entry in builder.load_cache.entries.values()}
    for slug, tech in site.technologies.items():
        assert sources[slug].model is tech
        assert builder.export_cache.technologies[slug][0] is tech
    for slug, comparison in site.comparisons.items():
        assert sources[slug].model is comparison
        assert builder.export_cache.comparisons[slug][0] is comparison
    # Read apart, models given the same fields still share one fields set (models.py).
    # (Comparisons are kept packed: packed.py.)
    sets = fields_sets(list(site.technologies.values()))
    assert len({id(s) for s in sets}) == len({frozenset(s) for s in sets}) < len(sets)
    # And the builder's pickle refers to them: their text is in the file once, in the models;
    # a packed comparison's bytes are kept after the pickle, read only when it is unpacked.
    answers = [faq.answer for c in site.comparisons.values() for faq in c.unpack().faq]
    assert answers
    pickled = path.read_bytes()[start : store_base(builder)]
    kept = b"".join(bytes(comparison.data) for comparison in site.comparisons.values())
    assert all(pickled.count(answer.encode()) == 0 for answer in answers)
    assert all(kept.count(answer.encode()) == 1 for answer in answers)
    cache = builder.export_cache
    pieces = [entry[-1] for entry in cache.comparisons.values()]
    pieces += [piece for entry in cache.technologies.values() for piece in entry[-2:]]
    exported = (out / "api/site.json").read_bytes() + (out / "api/picker.json").read_bytes()
    assert pieces and all(bytes(piece) in exported for piece in pieces)
    pieces += [comparison.data for comparison in site.comparisons.values()]  # type: ignore[misc]
    assert all(isinstance(piece, StoredPiece) for piece in pieces)
    # One store, reading the file after the pickle, which the pieces fill to its end.
    assert len({id(piece.store) for piece in pieces}) == 1  # type: ignore[union-attr]
    store = pieces[0].store  # type: ignore[union-attr]
    assert store.base + sum(len(piece) for piece in pieces) == path.stat().st_size
    # The next cache is written from them while this one is replaced, and is as good.
    edit(content / "technologies/postgresql.yaml", "It supports", "It really supports")
    age(content / "technologies/postgresql.yaml")
    assert cached_build(content, out).incremental
    assert_same_as_clean_build(content, out, tmp_path)


def store_base(builder: SiteBuilder) -> int:
    """Where the export's pieces start in the cache file the builder was read from."""
    entry = next(iter(builder.export_cache.comparisons.values()))
    assert isinstance(entry[-1], StoredPiece)
    return entry[-1].store.base


def test_a_cache_whose_pieces_are_cut_short_means_a_full_build(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    cached_build(content, out)
    path = cache_path(out)
    path.write_bytes(path.read_bytes()[:-10])
    edit(content / "technologies/postgresql.yaml", "It supports", "It really supports")
    age(content / "technologies/postgresql.yaml")

    report = cached_build(content, out)

    assert not report.incremental and report.rendered == report.pages
    assert_same_as_clean_build(content, out, tmp_path)
