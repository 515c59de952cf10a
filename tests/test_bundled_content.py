"""The bundled content (`content/`): it builds, and its comparison page shows what it should.

Expected strings come from the content through the models and `format_figure`, never from
copies of the HTML, so the tests follow the content as editors change it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from testkit import BUNDLED_CONTENT, COMPARISON_SECTIONS, Element, build, read_page

from techcompare.build import load_site
from techcompare.figures import format_figure
from techcompare.models import Figure, Technology
from techcompare.resolve import Site

SLUG = "graphql-vs-grpc-vs-websockets"
COMPARE = f"compare/{SLUG}/index.html"
TECHS = ("graphql", "grpc", "websockets")
MAX_PAGE_BYTES = 100_000


@pytest.fixture(scope="module")
def site() -> Site:
    site, _ = load_site(BUNDLED_CONTENT)
    return site


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bundled") / "site"
    build(BUNDLED_CONTENT, target, today=None, base_url="/")
    return target


@pytest.fixture(scope="module")
def page(out: Path) -> Element:
    return read_page(out, COMPARE)


def figures_of(tech: Technology) -> list[Figure]:
    found = list(tech.benchmarks)
    if tech.community:
        found += tech.community.figures
    if tech.pricing and tech.pricing.total_cost:
        found.append(tech.pricing.total_cost)
    return found


def row_text(page: Element, metric: str, name: str) -> str:
    """Text of the data-table row of one technology in one metric's block."""
    block = page.by_id(f"metric-{metric}")
    for row in block.find("table", cls="data-table").find("tbody").find_all("tr"):
        if row.find("th").text().strip() == name:
            return row.text()
    raise AssertionError(f"no row for {name} in the {metric} table")


def test_the_comparison_names_the_three_technologies(site: Site) -> None:
    assert site.comparisons[SLUG].technologies == list(TECHS)


def test_comparison_page_has_every_section(page: Element) -> None:
    for section in COMPARISON_SECTIONS:
        assert page.by_id(section).tag == "section", section


def test_each_technology_has_a_column_in_the_quick_table(site: Site, page: Element) -> None:
    headers = page.by_id("quick-comparison").find("thead").find_all("th", scope="col")
    assert [th.text().strip() for th in headers] == [site.technologies[t].name for t in TECHS]
    for slug in TECHS:
        assert site.technologies[slug].name in page.by_id("overview").text()


def test_key_grpc_figures_are_on_the_page(site: Site, page: Element) -> None:
    grpc = site.technologies["grpc"]
    key = {"throughput", "stackoverflow-questions"}
    shown = {f.metric for f in figures_of(grpc)} & key
    assert shown == key, "gRPC should report its throughput and Stack Overflow questions"
    for figure in figures_of(grpc):
        if figure.metric in key:
            text = format_figure(figure, site.metrics[figure.metric])
            assert text in row_text(page, figure.metric, grpc.name), text


def test_every_figure_is_on_the_comparison_page(site: Site, page: Element) -> None:
    for slug in TECHS:
        tech = site.technologies[slug]
        for figure in figures_of(tech):
            text = format_figure(figure, site.metrics[figure.metric])
            assert text in row_text(page, figure.metric, tech.name), (slug, figure.metric)


def test_every_figure_has_a_source_and_a_date(site: Site) -> None:
    for slug, tech in site.technologies.items():
        for figure in figures_of(tech):
            assert figure.source, (slug, figure.metric, figure.subject)
            assert figure.as_of, (slug, figure.metric, figure.subject)


def test_github_stars_are_real_counts(site: Site) -> None:
    # The reference page showed "5.0" and "0.0" stars; every repository here has thousands.
    stars = [
        (slug, figure)
        for slug, tech in site.technologies.items()
        for figure in figures_of(tech)
        if figure.metric == "github-stars"
    ]
    assert stars
    for slug, figure in stars:
        assert figure.low > 1000, slug


OTHER_LANGUAGES = re.compile(r"(?<![\w+#])(C\+\+|Rust|Java)(?![\w+#])")


def test_decision_guide_stays_on_the_compared_technologies(site: Site) -> None:
    # The reference page's decision guide talked about C++, Rust and Java.
    guide = site.comparisons[SLUG].decision_guide
    assert set(guide) == set(TECHS)
    for slug, decisions in guide.items():
        for decision in decisions:
            for text in (decision.when, decision.because or ""):
                assert not OTHER_LANGUAGES.search(text), (slug, text)


def test_decision_guide_is_on_the_page(site: Site, page: Element) -> None:
    headings = [h.text() for h in page.by_id("decision").find_all("h3")]
    assert headings == [f"Choose {site.technologies[t].name} if" for t in TECHS]


def test_comparison_page_is_under_100_kb(out: Path) -> None:
    size = (out / COMPARE).stat().st_size
    assert size < MAX_PAGE_BYTES, f"{size:,} bytes"


def test_every_chart_axis_names_its_unit(site: Site, page: Element, out: Path) -> None:
    charts = page.find_all("div", cls="chart")
    assert len(charts) >= 3
    specs = json.loads((out / COMPARE).parent.joinpath("charts.json").read_text())
    assert {c.attrs["data-chart"] for c in charts} == set(specs)
    for container in charts:
        spec_id = container.attrs["data-chart"]
        metric = site.metrics[spec_id]
        spec = specs[spec_id]
        assert metric.unit in spec["layout"]["xaxis"]["title"]["text"], spec_id
        assert spec["data"], spec_id


def test_technology_pages_link_back_to_the_comparison(site: Site, out: Path) -> None:
    for slug in TECHS:
        tech_page = read_page(out, f"technologies/{slug}/index.html")
        assert tech_page.find("h1").text().strip() == site.technologies[slug].name
        hrefs = {a.attrs.get("href") for a in tech_page.find_all("a")}
        assert f"/compare/{SLUG}/" in hrefs, slug


def test_home_page_lists_the_comparison_and_the_technologies(site: Site, out: Path) -> None:
    home = read_page(out, "index.html")
    hrefs = {a.attrs.get("href") for a in home.find_all("a")}
    assert f"/compare/{SLUG}/" in hrefs
    for slug in TECHS:
        assert f"/technologies/{slug}/" in hrefs
    assert site.comparisons[SLUG].title in home.text()
