"""Stage 5: rendered HTML of the fixture site: sections, tables, charts, escaping, assets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape
from testkit import (
    COMPARISON_SECTIONS,
    Element,
    build,
    copy_site,
    edit,
    parse_html,
    read_page,
)

import techcompare.build
from techcompare.assets import plotly_js_path
from techcompare.render import compact_markup, escape_text, make_environment

COMPARE = "compare/postgresql-vs-sqlite/index.html"
TECH_NAMES = ["PostgreSQL", "SQLite"]
# Script elements that hold data, never code.
DATA_SCRIPTS = ("application/json", "application/ld+json")
CHARTED_METRICS = ["insert-rate", "startup-time", "github-stars", "monthly-cost"]


@pytest.fixture(scope="module")
def compare(databases_site: Path) -> Element:
    return read_page(databases_site, COMPARE)


def charts_in(page: Element, specs_file: Path) -> dict[str, tuple[Element, dict]]:
    """Each chart container's spec (from the page's charts.json) by metric, with the container."""
    specs = json.loads(specs_file.read_text())
    found = {}
    for container in page.find_all("div", cls="chart"):
        metric = container.attrs["data-chart"]
        found[metric] = (container, specs[metric])
    assert set(found) == set(specs), "every spec has a container and every container a spec"
    return found


def charts_of(site: Path) -> dict[str, tuple[Element, dict]]:
    return charts_in(read_page(site, COMPARE), (site / COMPARE).parent / "charts.json")


# --- structure ----------------------------------------------------------------------------


def test_comparison_page_has_every_section(compare: Element) -> None:
    for section in COMPARISON_SECTIONS:
        element = compare.by_id(section)
        assert element.tag == "section", section
        assert element.find("h2").text().strip(), section


def test_section_navigation_links_every_section_in_order(compare: Element) -> None:
    toc = compare.find("nav", cls="toc")
    hrefs = [a.attrs["href"] for a in toc.find_all("a")]
    assert hrefs == [f"#{s}" for s in COMPARISON_SECTIONS]
    ids = [e.id for e in compare.iter() if e.tag == "section" and e.id in COMPARISON_SECTIONS]
    assert ids == list(COMPARISON_SECTIONS)


def test_page_ids_are_unique(compare: Element) -> None:
    ids = [e.id for e in compare.iter() if e.id]
    assert len(ids) == len(set(ids))


def test_quick_table_has_a_column_per_technology(compare: Element) -> None:
    table = compare.by_id("quick-comparison").find("table")
    headers = [th.text().strip() for th in table.find("thead").find_all("th", scope="col")]
    assert headers == TECH_NAMES
    rows = table.find("tbody").find_all("tr")
    assert len(rows) >= 6
    for row in rows:
        assert len(row.find_all("th", scope="row")) == 1
        cells = row.find_all("td")
        assert [td.attrs["data-label"] for td in cells] == TECH_NAMES


def test_quick_table_marks_the_best_values(compare: Element) -> None:
    rows = {
        row.find("th").text(): row.find_all("td")
        for row in compare.by_id("quick-comparison").find("tbody").find_all("tr")
    }
    score = next(cells for label, cells in rows.items() if label.startswith("Performance score"))
    assert ["best" in td.classes for td in score] == [True, False]  # 8/10 against 7/10
    effort = next(cells for label, cells in rows.items() if label.startswith("Building complexity"))
    assert ["best" in td.classes for td in effort] == [False, True]  # medium against low


def test_each_chart_has_a_parsing_spec_and_a_data_table(databases_site: Path) -> None:
    charts = charts_of(databases_site)
    assert sorted(charts) == sorted(CHARTED_METRICS)
    for spec_id, (container, spec) in charts.items():
        assert spec["data"], spec_id
        assert spec["layout"]["xaxis"]["title"]["text"]
        figure = container.ancestor("figure")
        table = figure.find("table", cls="data-table")
        names = [th.text().strip() for th in table.find("tbody").find_all("th", scope="row")]
        assert names == TECH_NAMES, spec_id


def test_data_tables_show_the_figures_with_sources(compare: Element) -> None:
    figure = compare.by_id("metric-insert-rate")
    text = figure.find("table").text()
    assert "8,000–15,000 rows/s" in text
    assert "20,000–50,000+ rows/s" in text
    # Each figure cites its source by number; the numbered list at the end holds the URL.
    refs = [a.attrs["href"] for a in figure.find_all("a")]
    assert refs == ["#source-1", "#source-2"]
    listed = [compare.by_id(ref.removeprefix("#")).find("a").attrs["href"] for ref in refs]
    assert listed == [
        "https://www.postgresql.org/docs/current/populate.html",
        "https://sqlite.org/speed.html",
    ]
    assert [a.attrs.get("title") for a in figure.find_all("a")] == listed
    dates = [t.attrs["datetime"] for t in figure.find_all("time")]
    assert dates == ["2025-01-10", "2025-01-10"]


def test_chart_axes_carry_the_metric_unit(databases_site: Path) -> None:
    units = {"insert-rate": "rows/s", "startup-time": "ms", "github-stars": "stars"}
    charts = charts_of(databases_site)
    for slug, unit in units.items():
        _, spec = charts[slug]
        assert spec["layout"]["xaxis"]["title"]["text"].startswith(unit)
    # Start-up times of 1 ms and 900 ms need a log axis; insert rates do not.
    assert charts["startup-time"][1]["layout"]["xaxis"]["type"] == "log"
    assert charts["insert-rate"][1]["layout"]["xaxis"]["type"] == "linear"


def test_code_sample_is_highlighted(compare: Element) -> None:
    code = compare.by_id("code").find("pre", cls="code").find("code")
    spans = code.find_all("span")
    assert spans, "no highlighting spans"
    keywords = {s.text() for s in spans if "k" in s.classes}
    assert {"CREATE", "TABLE"} <= keywords
    assert code.text().startswith("CREATE TABLE orders")


def test_markdown_bold_becomes_strong(compare: Element) -> None:
    card = compare.by_id("overview").find("section", cls="tech-card")
    assert [s.text() for s in card.find_all("strong")] == ["server"]
    assert "**" not in card.text()


def test_decision_guide_reads_choose_x_if(compare: Element) -> None:
    decision = compare.by_id("decision")
    headings = [h.text() for h in decision.find_all("h3")]
    assert headings == ["Choose PostgreSQL if", "Choose SQLite if"]
    assert "many processes write at once" in decision.text()


def test_html_lang_comes_from_site_settings(databases_site: Path) -> None:
    for page in ("index.html", COMPARE, "technologies/sqlite/index.html", "404.html"):
        assert read_page(databases_site, page).find("html").attrs["lang"] == "en-GB"


def test_technology_page_links_back_to_its_comparison(databases_site: Path) -> None:
    page = read_page(databases_site, "technologies/sqlite/index.html")
    assert page.find("h1").text() == "SQLite"
    hrefs = [a.attrs.get("href") for a in page.find_all("a")]
    assert "/compare/postgresql-vs-sqlite/" in hrefs


def test_home_page_lists_comparisons_and_technologies(databases_site: Path) -> None:
    page = read_page(databases_site, "index.html")
    hrefs = [a.attrs.get("href") for a in page.find_all("a")]
    assert "/compare/postgresql-vs-sqlite/" in hrefs
    assert "/technologies/postgresql/" in hrefs
    assert "/technologies/sqlite/" in hrefs


# --- assets -------------------------------------------------------------------------------


def asset_references(site: Path, page: str) -> set[str]:
    """Every attribute value of the page that points into assets/ (src, href, data-*)."""
    return {
        value
        for element in read_page(site, page).iter()
        for value in element.attrs.values()
        if "/assets/" in value
    }


def test_plotly_is_copied_once_fingerprinted(databases_site: Path) -> None:
    bundles = sorted((databases_site / "assets").glob("plotly*"))
    assert len(bundles) == 1
    assert re.fullmatch(r"plotly\.[0-9a-f]{8,}\.min\.js", bundles[0].name)
    assert bundles[0].read_bytes() == plotly_js_path().read_bytes()


def test_plotly_is_referenced_only_by_pages_with_charts(databases_site: Path) -> None:
    (bundle,) = (databases_site / "assets").glob("plotly*")
    assert f"/assets/{bundle.name}" in asset_references(databases_site, COMPARE)
    for page in (
        "index.html",
        "404.html",
        "technologies/postgresql/index.html",
        "technologies/sqlite/index.html",
    ):
        assert not [r for r in asset_references(databases_site, page) if "plotly" in r], page
        assert "plotly" not in (databases_site / page).read_text().lower(), page


def test_pages_never_load_scripts_from_elsewhere(databases_site: Path) -> None:
    for path in databases_site.rglob("*.html"):
        page = parse_html(path.read_text())
        for script in page.find_all("script"):
            src = script.attrs.get("src")
            if src is None:
                assert script.attrs.get("type") in DATA_SCRIPTS, path
                json.loads(script.raw_text())
            else:
                assert src.startswith("/assets/"), (path, src)
                assert (databases_site / src.lstrip("/")).is_file(), src


def test_stylesheet_is_fingerprinted_and_present(databases_site: Path) -> None:
    page = read_page(databases_site, COMPARE)
    (sheet,) = [link for link in page.find_all("link") if link.attrs.get("rel") == "stylesheet"]
    href = sheet.attrs["href"]
    assert re.fullmatch(r"/assets/site\.[0-9a-f]{8,}\.css", href)
    assert (databases_site / href.lstrip("/")).is_file()


def test_site_without_charts_ships_no_plotly(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    edit(
        content / "site.yaml",
        "featured: [postgresql-vs-sqlite]",
        "featured: [postgresql-vs-sqlite]\nfeatures:\n  charts: false",
    )
    out = tmp_path / "site"
    build(content, out)
    assert not list((out / "assets").glob("plotly*"))
    page = read_page(out, COMPARE)
    assert not page.find_all("div", cls="chart")
    assert not [r for r in asset_references(out, COMPARE) if "plotly" in r]
    # The data tables stay.
    assert page.by_id("metric-insert-rate").find("table", cls="data-table")


def test_language_and_base_url_from_settings(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    edit(content / "site.yaml", "language: en-GB", "language: fr\nbase_url: /docs/")
    out = tmp_path / "site"
    build(content, out)
    page = read_page(out, COMPARE)
    assert page.find("html").attrs["lang"] == "fr"
    internal = [
        a.attrs["href"] for a in page.find_all("a") if a.attrs.get("href", "").startswith("/")
    ]
    assert internal
    assert all(href.startswith("/docs/") for href in internal), internal
    sources = [s.attrs["src"] for s in page.find_all("script") if "src" in s.attrs]
    assert sources
    assert all(src.startswith("/docs/assets/") for src in sources)


# --- hostile content ----------------------------------------------------------------------

XSS = "<script>alert(1)</script>"
HOSTILE_TITLE = "PG </title><script>alert(1)</script> vs SQLite"
HOSTILE_NAME = "Post</script><!--gres"
HOSTILE_LABEL = "Insert </script><!-- rate"
HOSTILE_UNIT = "rows</script>/s"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with markup and script in Markdown and plain-text fields."""
    root = tmp_path_factory.mktemp("hostile")
    content = copy_site(root)
    tech = content / "technologies/postgresql.yaml"
    edit(
        tech,
        "  - text: Mature MVCC engine with serialisable transactions.",
        f'  - text: "Mature {XSS} <img src=x onerror=alert(2)> [bad](javascript:alert(3)) '
        '[ok](https://ok.example/)"',
    )
    edit(tech, "    note: With synchronous commit off.", f'    note: "Note {XSS}"')
    edit(tech, "  - name: Example Corp", f'  - name: "Corp {XSS}"')
    edit(tech, "name: PostgreSQL\n", f'name: "{HOSTILE_NAME}"\n')
    edit(
        tech,
        "  PostgreSQL runs as a **server** that many clients share.",
        f"  Runs as a **server** {XSS} <b>raw</b> <iframe src=x></iframe>\n"
        "  [a](javascript:alert(4)) <javascript:alert(5)> [b](JaVaScRiPt:alert(6))\n"
        "  [c](java&#x09;script:alert(7)) [d](data:text/html,hi) [e](vbscript:x)\n"
        "  [f](//evil.example/) [g](https://good.example/)",
    )
    comparison = content / "comparisons/postgresql-vs-sqlite.yaml"
    edit(comparison, "title: PostgreSQL vs SQLite", f'title: "{HOSTILE_TITLE}"')
    edit(
        comparison,
        "    - when: many processes write at once",
        f'    - when: "many processes write at once {XSS}"',
    )
    edit(
        comparison,
        "  - question: Can SQLite serve a website?",
        f'  - question: "Can SQLite serve a website? {XSS}"',
    )
    edit(
        content / "metrics.yaml",
        "    label: Insert rate\n    unit: rows/s",
        f'    label: "{HOSTILE_LABEL}"\n    unit: "{HOSTILE_UNIT}"',
    )
    out = root / "site"
    build(content, out)
    return out


HOSTILE_PAGES = [
    COMPARE,
    "index.html",
    "technologies/postgresql/index.html",
    "technologies/sqlite/index.html",
]


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_no_markup_from_content_becomes_elements(hostile_site: Path, page: str) -> None:
    html = (hostile_site / page).read_text()
    for element in parse_html(html).iter():
        assert element.tag not in ("img", "iframe", "b"), element.tag
        assert not [name for name in element.attrs if name.startswith("on")], element.attrs
        if element.tag == "script":
            if "src" in element.attrs:
                assert element.attrs["src"].startswith("/assets/")
            else:
                assert element.attrs.get("type") in DATA_SCRIPTS
                json.loads(element.raw_text())


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_links_are_only_web_and_site_links(hostile_site: Path, page: str) -> None:
    for a in read_page(hostile_site, page).find_all("a"):
        href = a.attrs.get("href", "")
        assert re.match(r"^(https?://|/(?!/)|#)", href), href


def test_markdown_fields_show_markup_as_text(hostile_site: Path) -> None:
    page = read_page(hostile_site, "technologies/postgresql/index.html")
    overview = page.find("div", cls="prose").text()
    assert XSS in overview
    assert "<b>raw</b>" in overview
    assert "[a](javascript:alert(4))" in overview
    links = [a.attrs["href"] for a in page.find("div", cls="prose").find_all("a")]
    assert links == ["https://good.example/"]
    pros = page.find("ul", cls="pros").find("li")
    assert XSS in pros.text()
    # The Markdown link stays; the claim's own source follows it, and nothing else links.
    assert [a.attrs["href"] for a in pros.find_all("a")] == [
        "https://ok.example/",
        "https://www.postgresql.org/docs/current/mvcc.html",
    ]


def test_plain_fields_show_markup_as_text(hostile_site: Path) -> None:
    compare = read_page(hostile_site, COMPARE)
    assert compare.find("h1").text() == HOSTILE_TITLE
    assert compare.find("title").text().startswith(HOSTILE_TITLE)
    assert f"Corp {XSS}" in compare.by_id("community").text()
    assert f"Note {XSS}" in compare.by_id("metric-insert-rate").text()
    assert XSS in compare.by_id("decision").text()
    assert XSS in compare.by_id("faq").text()
    assert HOSTILE_LABEL in compare.by_id("metric-insert-rate").find("h3").text()
    home = read_page(hostile_site, "index.html")
    assert HOSTILE_TITLE in home.text()


def test_script_end_tag_in_names_and_units_stays_inside_the_json(hostile_site: Path) -> None:
    compare = read_page(hostile_site, COMPARE)
    charts = charts_of(hostile_site)
    assert len(charts) == len(CHARTED_METRICS)
    _, spec = charts["insert-rate"]
    assert spec["layout"]["xaxis"]["title"]["text"].startswith(HOSTILE_UNIT)
    names = {trace["name"] for _, spec in charts.values() for trace in spec["data"]}
    assert HOSTILE_NAME in names
    rows = {y for trace in spec["data"] for y in trace["y"] if y is not None}
    # Plotly reads tags in labels, so the label carries the name HTML-escaped.
    escaped = HOSTILE_NAME.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in rows
    # The quick table still has both technologies: nothing after the JSON was swallowed.
    headers = compare.by_id("quick-comparison").find("thead").find_all("th", scope="col")
    assert [th.text() for th in headers] == [HOSTILE_NAME, "SQLite"]
    assert compare.by_id("related").find("h2")


def test_templates_are_compacted_without_changing_what_a_browser_shows() -> None:
    source = (
        '<section class="a">\n  <h2 id="x">Title</h2>\n\n'
        "  {% for item in items %}\n  <p>{{ item }}</p>\n  {% endfor %}\n"
        '  <span class="one">a</span>\n  <span>b</span>\n'
        "  <pre>\n    kept\n      as is</pre>\n"
        "  <script>\n  let s = `two\n    lines`;\n  </script>\n"
        '  <a href="{{ url }}" title="two words">x</a>\n</section>\n'
    )
    compact = compact_markup(source)
    assert compact.startswith("<section class=a><h2 id=x>Title</h2>{% for item in items %}")
    # Whitespace between inline elements is a space on the page: one line break stays.
    assert "<span class=one>a</span>\n<span>b</span>" in compact
    assert "<pre>\n    kept\n      as is</pre>" in compact
    assert "let s = `two\n    lines`;\n  </script>" in compact
    # Values with spaces or Jinja expressions keep their quotes, and so does a value that
    # Jinja may write more of.
    assert '<a href="{{ url }}" title="two words">x</a></section>' in compact
    assert compact_markup('<td class="a"{% if b %}b{% endif %}>') == (
        '<td class="a"{% if b %}b{% endif %}>'
    )


def test_rendered_pages_carry_no_template_indentation(databases_site: Path) -> None:
    html = (databases_site / COMPARE).read_text()
    outside_code = re.sub(r"<pre.*?</pre>", "", html, flags=re.DOTALL)
    assert "\n " not in outside_code
    assert "<section id=overview aria-labelledby=h-overview>" in outside_code


# --- escaping ----------------------------------------------------------------------------


class _Html:
    def __html__(self) -> str:
        return "<em>as is</em>"


_MARKUP_TEXT = st.text(alphabet=st.sampled_from("<>&'\"a é\u2028")) | st.text()


@given(_MARKUP_TEXT | st.integers() | st.floats() | st.none() | _MARKUP_TEXT.map(Markup))
def test_escape_text_writes_what_markupsafe_escape_writes(value: object) -> None:
    assert escape_text(value) == str(escape(value))
    assert type(escape_text(value)) in (str, Markup)


def test_escape_text_keeps_html_objects_and_escapes_str_subclasses() -> None:
    assert escape_text(_Html()) == "<em>as is</em>"

    class Name(str):
        pass

    assert escape_text(Name("<a & 'b'>")) == "&lt;a &amp; &#39;b&#39;&gt;"


def test_pages_are_the_same_as_with_jinjas_own_escaping(
    hostile_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates compile to code printing through `escape_text`; with Jinja's own code
    generator (markupsafe's `escape`) every file of the hostile site comes out the same."""
    content = hostile_site.parent / "content"

    def jinja_escaping(template_dirs: list[Path]) -> object:
        environment = make_environment(template_dirs)
        environment.code_generator_class = CodeGenerator
        return environment

    monkeypatch.setattr(techcompare.build, "make_environment", jinja_escaping)
    plain = tmp_path / "site"
    build(content, plain)
    files = sorted(p.relative_to(hostile_site) for p in hostile_site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert any(str(f).endswith(".html") for f in files)
    for name in files:
        assert (hostile_site / name).read_bytes() == (plain / name).read_bytes(), name
