"""Incremental rebuilds: exactly the pages that show a change are rewritten, and the result
equals a clean build."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from testkit import BUNDLED_CONTENT, DATABASES, TODAY, edit, tree

from techcompare.build import BuildOptions, SiteBuilder, build_site
from techcompare.checking import check_content
from techcompare.theme import default_templates_dir


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The databases fixture plus DuckDB, which shares the `databases` category with both
    others, so generated comparisons exist too."""
    content = tmp_path / "content"
    shutil.copytree(DATABASES, content)
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    duckdb = sqlite.replace("name: SQLite", "name: DuckDB").replace(
        "categories: [databases, embedded]", "categories: [databases]"
    )
    (content / "technologies/duckdb.yaml").write_text(duckdb)
    return content


# A base URL with a host, so that builds write the sitemap and the feed too.
BASE_URL = "https://db.example.org/"


def builder(content: Path, out: Path, base_url: str | None = None) -> SiteBuilder:
    site = SiteBuilder(BuildOptions(content, out, base_url=base_url, today=TODAY, jobs=1))
    site.build()
    return site


def html_pages(written: list[str]) -> set[str]:
    return {path for path in written if path.endswith(".html")}


def assert_same_as_clean_build(
    content: Path, out: Path, tmp_path: Path, base_url: str | None = None
) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build_site(BuildOptions(content, clean, base_url=base_url, today=TODAY, jobs=1))
    incremental, fresh = tree(out), tree(clean)
    assert incremental.keys() == fresh.keys()
    assert [p for p in fresh if incremental[p] != fresh[p]] == []


def test_an_overview_edit_rewrites_exactly_the_pages_that_show_it(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    site = builder(content, out)
    path = content / "technologies/postgresql.yaml"
    edit(path, "It supports transactions", "It supports nested transactions")

    report = site.rebuild([path])

    assert html_pages(report.written) == {
        "compare/postgresql-vs-sqlite/index.html",  # written: shows the overview
        "compare/duckdb-vs-postgresql/index.html",  # generated from data: shows it too
        "technologies/postgresql/index.html",
    }
    assert_same_as_clean_build(content, out, tmp_path)


def test_a_rename_rewrites_every_page_that_lists_the_technology(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    site = builder(content, out)
    before = tree(out)
    path = content / "technologies/sqlite.yaml"
    edit(path, "name: SQLite", "name: SQLite 3")

    report = site.rebuild([path])

    expected = {
        "index.html",
        "categories/databases/index.html",
        "categories/embedded/index.html",
        "compare/postgresql-vs-sqlite/index.html",
        "compare/duckdb-vs-sqlite/index.html",
        "technologies/sqlite/index.html",
        "technologies/postgresql/index.html",  # its picker lists SQLite
        "technologies/duckdb/index.html",  # its picker and generated list name SQLite
    }
    assert html_pages(report.written) == expected
    untouched = {p for p in before if p.endswith(".html")} - expected
    after = tree(out)
    assert untouched and all(after[p] == before[p] for p in untouched)
    assert_same_as_clean_build(content, out, tmp_path)


def test_a_comparison_edit_rewrites_its_page_and_the_listings_it_appears_in(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    site = builder(content, out)
    path = content / "comparisons/postgresql-vs-sqlite.yaml"
    edit(path, "Writers decide.", "Writers decide, readers follow.")

    report = site.rebuild([path])

    # The bottom line shows only on the comparison's own page.
    assert html_pages(report.written) == {"compare/postgresql-vs-sqlite/index.html"}
    assert_same_as_clean_build(content, out, tmp_path)


def test_a_new_technology_adds_its_pages_and_a_removed_one_takes_them_away(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    site = builder(content, out)
    path = content / "technologies/duckdb.yaml"
    path.unlink()

    report = site.rebuild([path])

    assert "technologies/duckdb/index.html" in report.written
    assert not (out / "technologies/duckdb").exists()
    assert not (out / "compare/duckdb-vs-sqlite").exists()
    assert_same_as_clean_build(content, out, tmp_path)


def test_a_summary_edit_rewrites_its_page_and_its_cards_only(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    site = builder(content, out, BASE_URL)
    before = tree(out)
    path = content / "technologies/sqlite.yaml"
    edit(path, "A self-contained SQL database engine", "A self-contained, serverless SQL engine")

    report = site.rebuild([path])

    # Comparison pages do not show a technology's summary; its own page and cards do.
    assert html_pages(report.written) == {
        "index.html",
        "categories/databases/index.html",
        "categories/embedded/index.html",
        "technologies/sqlite/index.html",
    }
    assert report.rendered == 4
    after = tree(out)
    assert after["api/site.json"] != before["api/site.json"]
    assert after["sitemap.xml"] == before["sitemap.xml"]
    assert_same_as_clean_build(content, out, tmp_path, BASE_URL)


def test_site_files_and_the_export_follow_every_kind_of_edit(content: Path, tmp_path: Path) -> None:
    """Each edit changes something the sitemap, the feed or /api/site.json says; after each
    rebuild the folder equals a clean build, so nothing kept between builds went stale."""
    out = tmp_path / "site"
    site = builder(content, out, BASE_URL)
    edits = [
        ("comparisons/postgresql-vs-sqlite.yaml", "updated: 2025-01-12", "updated: 2025-02-01"),
        ("comparisons/postgresql-vs-sqlite.yaml", "A server database against", "A server versus"),
        ("technologies/postgresql.yaml", "reviewed_on: 2025-01-10", "reviewed_on: 2025-03-01"),
        ("metrics.yaml", "unit: rows/s", "unit: inserts/s"),
        ("site.yaml", "title: DB Compare", "title: Database Compare"),
        ("technologies/duckdb.yaml", "categories: [databases]", "categories: [embedded]"),
    ]
    for name, old, new in edits:
        path = content / name
        edit(path, old, new)
        site.rebuild([path])
        assert_same_as_clean_build(content, out, tmp_path, BASE_URL)


def test_a_written_comparison_taking_a_generated_address_renumbers_it_everywhere(
    content: Path, tmp_path: Path
) -> None:
    """A new comparison of DuckDB and PostgreSQL that its editor names `duckdb-vs-sqlite`
    takes that address from the generated DuckDB–SQLite page, which becomes
    `duckdb-vs-sqlite-2`: SQLite's page, which the new comparison does not name, links to
    the renumbered page too."""
    out = tmp_path / "site"
    site = builder(content, out)
    written = (content / "comparisons/postgresql-vs-sqlite.yaml").read_text()
    path = content / "comparisons/duckdb-vs-sqlite.yaml"
    path.write_text(written.replace("sqlite", "duckdb"))

    report = site.rebuild([path])

    assert "technologies/sqlite/index.html" in report.written
    assert (out / "compare/duckdb-vs-sqlite-2/index.html").exists()
    assert_same_as_clean_build(content, out, tmp_path)


def test_with_templates_of_ones_own_any_field_may_show_on_any_page(
    content: Path, tmp_path: Path
) -> None:
    """The bundled comparison template does not show a technology's summary, so an edit of
    the summary alone leaves comparison pages be; a template of one's own may show it."""
    templates = tmp_path / "templates"
    templates.mkdir()
    page = (default_templates_dir() / "comparison.html").read_text()
    marker = "{% block main %}"
    assert marker in page
    (templates / "comparison.html").write_text(
        page.replace(
            marker, marker + "{% for t in techs %}<p>{{ t.model.summary }}</p>{% endfor %}"
        )
    )
    out = tmp_path / "site"
    options = BuildOptions(content, out, templates=templates, today=TODAY, jobs=1)
    site = SiteBuilder(options)
    site.build()
    path = content / "technologies/sqlite.yaml"
    edit(path, "A self-contained SQL database engine", "A self-contained, serverless SQL engine")

    report = site.rebuild([path])

    assert "compare/postgresql-vs-sqlite/index.html" in report.written
    clean = tmp_path / "clean"
    build_site(dataclasses.replace(options, out=clean))
    assert tree(out) == tree(clean)


def test_a_rebuild_reviews_a_comparison_again_when_its_technologies_change(
    tmp_path: Path,
) -> None:
    """The metric-gap warnings of a comparison are kept between rebuilds only while it and
    the metrics its technologies report are unchanged."""
    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, content)
    site = builder(content, tmp_path / "site")
    before = [str(w) for w in site.build().warnings]
    assert any("`developers` is reported by" in w for w in before)
    graphql = content / "technologies" / "graphql.yaml"
    text = graphql.read_text(encoding="utf-8")
    start = text.index("    - metric: developers\n")
    graphql.write_text(text[:start] + text[text.index("    - metric: npm-weekly", start) :])

    after = [str(w) for w in site.rebuild([graphql]).warnings]

    assert not any("`developers` is reported by" in w for w in after)
    _, problems = check_content(content, TODAY)
    assert after == [str(w) for w in problems.warnings]
