"""Post-processing: the Pagefind search index, the search box on every page, the search page."""

from __future__ import annotations

import gzip
import json
import shutil
import stat
from pathlib import Path

import pytest
from testkit import (
    DATABASES,
    TODAY,
    Element,
    build,
    bundle_holding,
    bundle_records,
    bundles,
    copy_site,
    edit,
    in_bundle,
    parse_html,
    tree,
)

from techcompare import search_index
from techcompare.build import BuildOptions, SiteBuilder
from techcompare.search_index import SearchIndexError, refresh_search_index

SEARCH_PAGE = "search/index.html"
# Pages the index covers, with the type shown beside each result.
INDEXED = {
    "compare/postgresql-vs-sqlite/index.html": "Comparison",
    "technologies/postgresql/index.html": "Technology",
    "technologies/sqlite/index.html": "Technology",
    "categories/databases/index.html": "Category",
    "categories/embedded/index.html": "Category",
}
NOT_INDEXED = ("index.html", "404.html", SEARCH_PAGE)


def pages(site: Path) -> dict[str, Element]:
    return {
        path.relative_to(site).as_posix(): parse_html(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def search_forms(page: Element) -> list[Element]:
    return [f for f in page.find_all("form") if f.attrs.get("role") == "search"]


def csp(page: Element) -> str:
    return page.find("meta", http_equiv="Content-Security-Policy").attrs["content"]


def script_src(page: Element) -> str:
    return next(d for d in csp(page).split(";") if d.strip().startswith("script-src")).strip()


def indexed_records(site: Path) -> list[dict[str, object]]:
    """What the index holds for each page (Pagefind's fragments: gzip, a marker, JSON)."""
    records = []
    for fragment in sorted((site / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd"), f"unexpected fragment format in {fragment}"
        records.append(json.loads(data.removeprefix(b"pagefind_dcd")))
    return records


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The databases fixture site, copied and built once for this module."""
    tmp = tmp_path_factory.mktemp("search")
    out = tmp / "site"
    build(copy_site(tmp), out)
    return out


def copy_tree(site: Path, target: Path) -> Path:
    shutil.copytree(site, target)
    return target


def disable_search(content: Path) -> None:
    edit(
        content / "site.yaml",
        "featured: [postgresql-vs-sqlite]",
        "featured: [postgresql-vs-sqlite]\nfeatures:\n  search: false",
    )


# --- the index ----------------------------------------------------------------------------


def test_build_writes_a_pagefind_index_with_its_browser_code(site: Path) -> None:
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert list((bundle / "index").glob("*.pf_index")), "no index chunk"
    assert list(bundle.glob("*.pf_meta")), "no index metadata"
    assert list(bundle.glob("wasm.*.pagefind")), "no search engine (WebAssembly)"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    page_counts = [language["page_count"] for language in entry["languages"].values()]
    assert sum(page_counts) == len(INDEXED)


def test_the_index_covers_the_main_content_of_comparison_technology_and_category_pages(
    site: Path,
) -> None:
    records = {str(r["url"]): r for r in indexed_records(site)}
    expected = {"/" + path.removesuffix("index.html") for path in INDEXED}
    assert set(records) == expected, "home, 404 and search pages stay out of the index"
    for path, kind in INDEXED.items():
        record = records["/" + path.removesuffix("index.html")]
        title = parse_html((site / path).read_text()).find("h1").text().strip()
        assert record["meta"] == {"title": title, "type": kind}, path
        assert record["filters"] == {}, "filters would make the index differ from run to run"
    sqlite = str(records["/technologies/sqlite/"]["content"])
    assert "self-contained" in sqlite, "the page's prose is indexed"
    for left_out in ("Skip to content", "Built with techcompare", "On this page"):
        for url, record in records.items():
            assert left_out not in str(record["content"]), f"{left_out!r} indexed on {url}"
    comparison = str(records["/compare/postgresql-vs-sqlite/"]["content"])
    assert "as of" not in comparison.lower(), "figure citations stay out of the index"


def test_a_comparison_is_indexed_by_its_own_prose_not_by_what_repeats_its_technologies(
    site: Path,
) -> None:
    records = {str(r["url"]): str(r["content"]) for r in indexed_records(site)}
    comparison = records["/compare/postgresql-vs-sqlite/"]
    for own in ("Insert rates depend", "Both are mature", "costs nothing to run"):
        assert own in comparison, f"{own!r}: the comparison's own prose is indexed"
    repeated = {
        "Throughput depends mostly on disk": "/technologies/postgresql/",  # performance summary
        "Deployed on billions of devices": "/technologies/sqlite/",  # community table
        "Paid support contracts": "/technologies/sqlite/",  # pricing table
    }
    for text, technology in repeated.items():
        assert text not in comparison, f"{text!r} is left to the technology's page"
        assert text in records[technology], f"{text!r} is found on {technology}"


def test_pages_are_indexed_by_their_own_text_not_by_what_they_list_or_repeat(
    site: Path,
) -> None:
    """A comparison's summary is found on its own page, not also on every page that links
    to it; a category by its name and description, not by the cards of what it holds."""
    records = {str(r["url"]): str(r["content"]) for r in indexed_records(site)}
    comparison_summary = "A server database against an embedded one."
    sqlite_summary = "A self-contained SQL database engine in a single file."
    assert comparison_summary in records["/compare/postgresql-vs-sqlite/"]
    assert sqlite_summary in records["/technologies/sqlite/"]
    listing = ("/technologies/postgresql/", "/technologies/sqlite/", "/categories/databases/")
    for url in listing:
        assert comparison_summary not in records[url], f"{url}: its list of comparisons"
    category = records["/categories/databases/"]
    assert "Databases" in category and "Places to keep your data." in category
    assert sqlite_summary not in category, "the category's technology cards"
    # Breadcrumbs, the picker, related links and sentences every page repeats.
    repeated = (
        "All categories",
        "Compare side by side",
        "Pick two to four",
        "Related comparisons",
        "The other popular server",
        "Whichever you choose",
    )
    for url, content in records.items():
        for text in repeated:
            assert text not in content, f"{text!r} indexed on {url}"


def test_pages_mark_what_pagefind_indexes(site: Path) -> None:
    for path, page in pages(site).items():
        main = page.find("main")
        header = page.find("header", cls="site-header")
        footer = page.find("footer", cls="site-footer")
        assert "data-pagefind-ignore" in header.attrs, path
        assert "data-pagefind-ignore" in footer.attrs, path
        if path in INDEXED:
            assert "data-pagefind-body" in main.attrs, path
            assert main.attrs["data-pagefind-meta"] == f"type:{INDEXED[path]}", path
        else:
            assert path in NOT_INDEXED, f"{path}: decide whether it belongs in the index"
            assert "data-pagefind-body" not in main.attrs, path


def test_two_index_runs_give_identical_files(site: Path, tmp_path: Path) -> None:
    again = copy_tree(site, tmp_path / "again")
    shutil.rmtree(again / "pagefind")
    search_index.write_search_index(again)
    first = {p: d for p, d in tree(site).items() if p.startswith("pagefind/")}
    second = {p: d for p, d in tree(again).items() if p.startswith("pagefind/")}
    assert first == second


def test_a_site_that_fits_in_one_shard_has_one_bundle(site: Path) -> None:
    assert json.loads((site / "pagefind" / "shards.json").read_text()) == {"merge": []}
    assert not list((site / "pagefind").glob("shard-*"))


# --- an index in shards -------------------------------------------------------------------


def sharded_copy(site: Path, target: Path, jobs: int = 2, shard_pages: int = 1) -> Path:
    copy = copy_tree(site, target)
    shutil.rmtree(copy / "pagefind")
    search_index.write_search_index(copy, jobs=jobs, shard_pages=shard_pages)
    return copy


def test_a_larger_site_is_indexed_in_shards_dealt_out_by_path(site: Path, tmp_path: Path) -> None:
    copy = sharded_copy(site, tmp_path / "site")
    bundle = copy / "pagefind"
    # Five indexed pages in shards of one: five shards by the hash of each page's path, of
    # which this site fills four (two of its pages share one), in order of shard.
    by_shard: dict[int, list[str]] = {}
    for path in sorted(INDEXED):
        url = "/" + path.removesuffix("index.html")
        by_shard.setdefault(search_index.shard_of(path, 5), []).append(url)
    expected = [by_shard[number] for number in sorted(by_shard)]
    assert len(expected) == 4
    assert json.loads((bundle / "shards.json").read_text()) == {
        "merge": ["shard-1/", "shard-2/", "shard-3/"]
    }
    shards = bundles(bundle)
    urls = [[str(r["url"]) for r in bundle_records(shard)] for shard in shards]
    assert [sorted(u) for u in urls] == expected
    for shard, shard_urls in zip(shards, urls, strict=True):
        entry = json.loads((shard / "pagefind-entry.json").read_text())
        assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(shard_urls)
    # The browser code comes from the first bundle; the others hold their index only.
    assert (bundle / "pagefind.js").is_file() and list(bundle.glob("wasm.*.pagefind"))
    for merged in shards[1:]:
        names = {item.name for item in merged.iterdir()}
        assert names == {"pagefind-entry.json", "index", "fragment"} | {
            meta.name for meta in merged.glob("*.pf_meta")
        }, merged
    leftovers = [p.name for p in copy.iterdir() if p.name.startswith(".pagefind")]
    assert leftovers == [], "the shards' working folders are removed"
    assert tree(copy).keys() - {p for p in tree(copy) if p.startswith("pagefind/")} == {
        p for p in tree(site) if not p.startswith("pagefind/")
    }


@pytest.mark.parametrize("jobs", [1, 2])
def test_two_sharded_index_runs_give_identical_files(
    site: Path, tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "PARALLEL_MIN_COPIES", 1)  # copies made in workers too
    first = tree(sharded_copy(site, tmp_path / "first", jobs=2) / "pagefind")
    second = tree(sharded_copy(site, tmp_path / "second", jobs=jobs) / "pagefind")
    assert any(path.startswith("shard-3/") for path in first)
    assert first == second


def test_pages_without_any_body_marker_are_all_indexed_in_shards(tmp_path: Path) -> None:
    """Pagefind indexes every page when none marks its body; shards must not change that."""
    site = tmp_path / "site"
    for number in range(5):
        page = site / f"page-{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!doctype html><html lang="en"><head><title>Page {number}</title></head>'
            f"<body><main><h1>Page {number}</h1><p>Words of page {number}.</p></main></body>"
            "</html>"
        )
    search_index.write_search_index(site, jobs=2, shard_pages=2)
    shards = bundles(site / "pagefind")
    assert len(shards) > 1
    urls = sorted(str(r["url"]) for shard in shards for r in bundle_records(shard))
    assert urls == [f"/page-{number}/" for number in range(5)]


def test_a_failing_shard_fails_the_index_and_leaves_no_working_files(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = copy_tree(site, tmp_path / "site")
    shutil.rmtree(copy / "pagefind")
    before = tree(copy)
    binary = fake_pagefind(tmp_path, "echo 'Error: shard on fire' >&2; exit 3")
    monkeypatch.setattr(search_index, "_pagefind_binary", lambda: binary)
    with pytest.raises(SearchIndexError, match="shard on fire"):
        search_index.write_search_index(copy, jobs=2, shard_pages=2)
    assert tree(copy) == before
    assert not [p for p in copy.iterdir() if p.name.startswith(".pagefind")]


# --- the search box and the search page ---------------------------------------------------


def test_every_page_has_a_search_form_that_works_without_javascript(site: Path) -> None:
    for path, page in pages(site).items():
        forms = search_forms(page)
        assert len(forms) == 1, f"{path}: {len(forms)} search forms"
        form = forms[0]
        assert form.attrs["action"] == "/search/", path
        assert form.attrs.get("method", "get") == "get", path
        field = form.find("input", name="q")
        assert field.attrs["type"] == "search", path
        label = form.find("label")
        assert label.attrs["for"] == field.id and label.text().strip(), path
        assert form.attrs.get("aria-label") or form.attrs.get("aria-labelledby"), path


def test_the_search_page_loads_the_search_code_and_only_it_may_run_webassembly(
    site: Path,
) -> None:
    everything = pages(site)
    search = everything[SEARCH_PAGE]
    assert search.find("h1").text() == "Search"
    assert search.find("meta", name="robots").attrs["content"] == "noindex"
    form = search.find("form", cls="search-form")
    assert form.attrs["data-pagefind"] == "/pagefind/"
    scripts = [s.attrs["src"] for s in search.find_all("script") if "src" in s.attrs]
    search_js = [s for s in scripts if s.startswith("/assets/search.")]
    assert len(search_js) == 1 and (site / search_js[0].lstrip("/")).is_file()
    assert script_src(search) == "script-src 'self' 'wasm-unsafe-eval'"
    for path, page in everything.items():
        if path == SEARCH_PAGE:
            continue
        assert script_src(page) == "script-src 'self'", path
        sources = [s.attrs.get("src", "") for s in page.find_all("script")]
        assert not any("search." in s or "pagefind" in s for s in sources), path


def test_a_sub_path_base_url_reaches_the_form_and_the_bundle(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(DATABASES, out, base_url="https://example.org/sub/")
    home = parse_html((out / "index.html").read_text())
    assert search_forms(home)[0].attrs["action"] == "/sub/search/"
    search = parse_html((out / SEARCH_PAGE).read_text())
    form = search.find("form", cls="search-form")
    assert form.attrs["action"] == "/sub/search/"
    assert form.attrs["data-pagefind"] == "/sub/pagefind/"
    assert form.attrs["data-base-url"] == "/sub/"


def test_search_switched_off_leaves_out_the_index_the_page_and_the_box(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    disable_search(content)
    out = tmp_path / "site"
    build(content, out)
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    for path, page in pages(out).items():
        assert not search_forms(page), path
        assert "wasm-unsafe-eval" not in csp(page), path
    for path, data in tree(out).items():
        if path.endswith(".html"):
            assert b"data-pagefind" not in data, path


# --- failures and rebuilds ----------------------------------------------------------------


def fake_pagefind(tmp_path: Path, script: str) -> Path:
    binary = tmp_path / "fake-pagefind"
    binary.write_text(f"#!/bin/sh\n{script}\n")
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    return binary


def test_a_failing_indexer_fails_the_build_and_leaves_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build(DATABASES, out)
    before = tree(out)
    binary = fake_pagefind(tmp_path, "echo 'Error: disk on fire' >&2; exit 3")
    monkeypatch.setattr(search_index, "_pagefind_binary", lambda: binary)
    with pytest.raises(SearchIndexError, match="disk on fire") as caught:
        build(DATABASES, out)
    assert "exit code 3" in str(caught.value)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-pagefind", "site"]


def test_a_missing_pagefind_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import pagefind.service

    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    with pytest.raises(SearchIndexError, match=r"pagefind\[bin\]"):
        search_index._pagefind_binary()


def test_rebuild_refreshes_the_index(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    builder = SiteBuilder(BuildOptions(content=content, out=out, today=TODAY))
    builder.build()
    path = content / "technologies/sqlite.yaml"
    edit(path, "summary: A self-contained", "summary: A zeppelin-grade, self-contained")
    builder.rebuild([path])
    contents = " ".join(str(r["content"]) for r in indexed_records(out))
    assert "zeppelin-grade" in contents
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".pagefind")) == []


def test_a_refresh_of_a_sharded_index_indexes_in_shards_again(site: Path, tmp_path: Path) -> None:
    copy = sharded_copy(site, tmp_path / "site")
    page = copy / "technologies/sqlite/index.html"
    page.write_text(page.read_text().replace("self-contained", "zeppelin-grade"))
    assert refresh_search_index(copy, enabled=True, jobs=2, shard_pages=1).changed is True
    shards = bundles(copy / "pagefind")
    assert len(shards) == 4
    contents = " ".join(str(r["content"]) for shard in shards for r in bundle_records(shard))
    assert "zeppelin-grade" in contents
    assert [p.name for p in copy.iterdir() if p.name.startswith(".pagefind")] == []


def file_ids(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def edited_sqlite_page(copy: Path) -> str:
    """Change a word of the sqlite page; return its path in the site."""
    page = "technologies/sqlite/index.html"
    path = copy / page
    path.write_text(path.read_text().replace("self-contained", "zeppelin-grade"))
    return page


def test_a_refresh_indexes_again_only_the_shard_whose_page_changed(
    site: Path, tmp_path: Path
) -> None:
    copy = copy_tree(site, tmp_path / "site")
    shutil.rmtree(copy / "pagefind")
    record = search_index.write_search_index(copy, jobs=2, shard_pages=1)
    assert len(bundles(copy / "pagefind")) == 4
    before = file_ids(copy / "pagefind")
    page = edited_sqlite_page(copy)
    shard = bundle_holding(copy / "pagefind", page)
    assert shard, "the sqlite page is in a merged bundle"

    refresh = refresh_search_index(
        copy, enabled=True, jobs=2, shard_pages=1, record=record, changed=[page]
    )

    assert refresh.changed is True and refresh.record is not None
    after = file_ids(copy / "pagefind")
    kept = {path for path in after if before.get(path) == after[path]}
    # The other shards (the first one's browser code included) are the very same files ...
    assert {path for path in after if not path.startswith(shard)} - kept == {"shards.json"}
    # ... the sqlite page's shard is new, and holds the edit.
    assert not any(path.startswith(shard) for path in kept)
    contents = " ".join(str(r["content"]) for r in bundle_records(copy / "pagefind" / shard))
    assert "zeppelin-grade" in contents
    # The index is the one indexing the whole site again gives, and so is its record.
    clean = copy_tree(copy, tmp_path / "clean")
    shutil.rmtree(clean / "pagefind")
    assert refresh.record == search_index.write_search_index(clean, jobs=2, shard_pages=1)
    assert tree(copy / "pagefind") == tree(clean / "pagefind")


def test_a_page_rewritten_to_the_same_search_copy_keeps_every_shard(
    site: Path, tmp_path: Path
) -> None:
    """Only what the index reads counts: a change to a part it leaves out keeps the index."""
    copy = copy_tree(site, tmp_path / "site")
    shutil.rmtree(copy / "pagefind")
    record = search_index.write_search_index(copy, jobs=2, shard_pages=2)
    before = file_ids(copy / "pagefind")
    page = "technologies/sqlite/index.html"
    html = (copy / page).read_text()
    sources = "<section id=sources aria-labelledby=h-sources>"
    assert sources in html
    (copy / page).write_text(html.replace(sources, sources + "<p>zeppelin</p>", 1))
    refresh = refresh_search_index(
        copy, enabled=True, jobs=2, shard_pages=2, record=record, changed=[page]
    )
    after = file_ids(copy / "pagefind")
    assert {path for path in after if before.get(path) != after[path]} == {"shards.json"}
    assert refresh.record == record


def test_pages_changed_while_the_index_was_kept_are_indexed_by_the_next_refresh(
    site: Path, tmp_path: Path
) -> None:
    copy = copy_tree(site, tmp_path / "site")
    shutil.rmtree(copy / "pagefind")
    record = search_index.write_search_index(copy, jobs=2, shard_pages=2)
    page = edited_sqlite_page(copy)
    kept = refresh_search_index(
        copy, enabled=True, limit_bytes=1, jobs=2, shard_pages=2, record=record, changed=[page]
    )
    assert kept.changed is False and kept.record is not None and page in kept.record.stale
    # The next refresh has nothing new to say of the sqlite page; the record remembers it.
    refresh = refresh_search_index(
        copy, enabled=True, jobs=2, shard_pages=2, record=kept.record, changed=[]
    )
    assert refresh.changed is True
    index = copy / "pagefind"
    records = bundle_records(index / bundle_holding(index, page))
    assert "zeppelin-grade" in " ".join(str(r["content"]) for r in records)


def test_a_page_added_indexes_again_only_the_shard_it_joins(site: Path, tmp_path: Path) -> None:
    """A page's shard depends on its own path only: adding a page changes its shard alone
    (when the number of shards stays the same: three for five or six pages of two a shard)."""
    copy = copy_tree(site, tmp_path / "site")
    shutil.rmtree(copy / "pagefind")
    record = search_index.write_search_index(copy, jobs=2, shard_pages=2)
    before = file_ids(copy / "pagefind")
    added = copy / "technologies/aardvark/index.html"
    added.parent.mkdir()
    added.write_text((copy / "technologies/sqlite/index.html").read_text())
    page = added.relative_to(copy).as_posix()
    refresh = refresh_search_index(
        copy, enabled=True, jobs=2, shard_pages=2, record=record, changed=[page]
    )
    assert refresh.record is not None and refresh.record.shards != record.shards
    joined = [shard for shard in refresh.record.shards if page in shard]
    others = [shard for shard in refresh.record.shards if page not in shard]
    assert len(joined) == 1 and others and all(shard in record.shards for shard in others)
    # The bundles of the shards the page did not join are the very same files.
    index = copy / "pagefind"
    after = file_ids(index)
    for shard in others:
        folder = bundle_holding(index, shard[0])
        held = [path for path in after if in_bundle(path, folder)]
        assert held and all(before.get(path) == after[path] for path in held), folder
    clean = copy_tree(copy, tmp_path / "clean")
    shutil.rmtree(clean / "pagefind")
    search_index.write_search_index(clean, jobs=2, shard_pages=2)
    assert tree(copy / "pagefind") == tree(clean / "pagefind")


def test_refreshing_with_search_off_removes_the_index(site: Path, tmp_path: Path) -> None:
    copy = copy_tree(site, tmp_path / "site")
    refresh_search_index(copy, enabled=False)
    assert not (copy / "pagefind").exists()


def test_a_large_site_keeps_its_index_until_the_next_full_build(site: Path, tmp_path: Path) -> None:
    copy = copy_tree(site, tmp_path / "site")
    before = tree(copy / "pagefind")
    (copy / "technologies/sqlite/index.html").write_text("<html><body><main>gone</main>")
    assert refresh_search_index(copy, enabled=True, limit_bytes=1).changed is False
    assert tree(copy / "pagefind") == before


def test_the_pages_to_index_again_are_what_is_weighed(site: Path, tmp_path: Path) -> None:
    """With no record of the index, every indexed page is indexed again, and weighed."""
    copy = copy_tree(site, tmp_path / "site")
    page = copy / "technologies/sqlite/index.html"
    page.write_text(page.read_text().replace("self-contained", "zeppelin-grade"))
    pages = [p.relative_to(copy).as_posix() for p in copy.rglob("*.html")]
    weight = sum((copy / page).stat().st_size for page in INDEXED)
    before = tree(copy / "pagefind")
    assert refresh_search_index(copy, enabled=True, limit_bytes=weight - 1, pages=pages) == (
        False,
        None,
    )
    assert tree(copy / "pagefind") == before
    refresh = refresh_search_index(copy, enabled=True, limit_bytes=weight, pages=pages)
    assert refresh.changed is True and refresh.record is not None
    assert sorted(refresh.record.digests) == sorted(INDEXED)
    assert tree(copy / "pagefind") != before


def test_search_copies_give_the_index_the_pages_give(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind reads copies of the pages without the parts it leaves out; the parts cut are
    only those, so the index is the one the whole pages give, file for file."""
    from_copies = tree(sharded_copy(site, tmp_path / "copies") / "pagefind")
    monkeypatch.setattr(search_index, "search_copy", lambda html: html)
    from_pages = tree(sharded_copy(site, tmp_path / "pages") / "pagefind")
    assert from_copies == from_pages


def test_a_search_copy_empties_what_the_selectors_leave_out(site: Path) -> None:
    html = (site / "compare/postgresql-vs-sqlite/index.html").read_bytes()
    copy = search_index.search_copy(html)
    assert len(copy) < len(html) / 2
    page, trimmed = parse_html(html.decode()), parse_html(copy.decode())
    emptied = [trimmed.by_id(i) for i in ("overview", "pros-cons", "use-cases", "code", "sources")]
    emptied += trimmed.find_all(cls="metric") + trimmed.find_all(cls="side-table")
    emptied += trimmed.find_all("nav", cls="toc")
    assert len(trimmed.find_all(cls="metric")) == len(page.find_all(cls="metric")) > 0
    for element in emptied:
        assert element.children == [], element.attrs
    # What the index keeps is all there, as it is in the page.
    for kept in ("quick-comparison", "side-by-side", "decision", "recommendation", "faq"):
        assert trimmed.by_id(kept).text() == page.by_id(kept).text(), kept
    assert trimmed.find("main", data_pagefind_body="")


def test_a_search_copy_of_a_technology_page_empties_its_sources_and_what_it_lists(
    site: Path,
) -> None:
    html = (site / "technologies/sqlite/index.html").read_bytes()
    page, trimmed = parse_html(html.decode()), parse_html(search_index.search_copy(html).decode())
    assert page.by_id("sources").children and trimmed.by_id("sources").children == []
    # What the template marks for Pagefind to ignore: categories, comparisons, the picker.
    ignored = trimmed.find("main").find_all(data_pagefind_ignore="")
    assert len(ignored) == len(page.find("main").find_all(data_pagefind_ignore="")) == 3
    assert page.by_id("picker").children and trimmed.by_id("picker").children == []
    for element in ignored:
        assert element.children == [], element.attrs
    # The figures cut from comparison pages stay whole on the technology's own page.
    assert page.find_all(cls="metric")
    assert [f.text() for f in trimmed.find_all(cls="metric")] == [
        f.text() for f in page.find_all(cls="metric")
    ]
