"""Stage 4: page data computed in Python (figures as text, best values, charts, safe JSON)."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
from typing import Any

import pytest
from testkit import COMPARISON_SECTIONS, DATABASES, load_and_resolve

from techcompare import views
from techcompare.charts import PALETTE, Series, range_chart
from techcompare.figures import format_figure, format_number
from techcompare.highlight import highlight_code
from techcompare.models import Figure, Level, Metric, MetricGroup
from techcompare.packed import PackedComparison
from techcompare.pages import build_pages, section_list
from techcompare.render import script_json
from techcompare.resolve import Site
from techcompare.views import highlight_samples, metric_blocks, quick_rows, tech_view


def metric(unit: str = "requests/s", better: str = "higher", group: str = "performance") -> Metric:
    return Metric.model_validate(
        {
            "label": "Throughput",
            "unit": unit,
            "measures": "Calls.",
            "better": better,
            "group": group,
        }
    )


def figure(**fields: Any) -> Figure:
    return Figure.model_validate({"metric": "throughput", **fields})


@pytest.fixture(scope="module")
def site() -> Site:
    loaded, site = load_and_resolve(DATABASES)
    assert site is not None, "\n".join(map(str, loaded.problems.items))
    return site


# --- figures as text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"value": 15000}, "15,000 requests/s"),
        ({"value": 1234567}, "1,234,567 requests/s"),
        ({"value": 2.0}, "2 requests/s"),
        ({"value": 0}, "0 requests/s"),
        ({"value": 0.05}, "0.05 requests/s"),
        ({"value": 2.5}, "2.5 requests/s"),
        ({"value": 1234.6}, "1,235 requests/s"),
        ({"min": 5000, "max": 15000}, "5,000–15,000 requests/s"),
        ({"min": 0.5, "max": 2}, "0.5–2 requests/s"),
        ({"value": 900, "approximate": True}, "~900 requests/s"),
        ({"value": 1000000, "or_more": True}, "1,000,000+ requests/s"),
        ({"min": 5000, "max": 15000, "approximate": True}, "~5,000–15,000 requests/s"),
        (
            {"min": 20000, "max": 50000, "approximate": True, "or_more": True},
            "~20,000–50,000+ requests/s",
        ),
    ],
)
def test_format_figure(fields: dict[str, Any], text: str) -> None:
    assert format_figure(figure(**fields), metric()) == text


def test_format_figure_uses_the_metric_unit() -> None:
    assert format_figure(figure(min=1, max=3), metric(unit="ms")) == "1–3 ms"


def test_format_figure_range_uses_an_en_dash() -> None:
    text = format_figure(figure(min=1, max=3), metric())
    assert "\u2013" in text
    assert "-" not in text


@pytest.mark.parametrize(
    ("number", "text"), [(-5, "-5"), (1e6, "1,000,000"), (0.125, "0.125"), (99.5, "99.5")]
)
def test_format_number(number: float, text: str) -> None:
    assert format_number(number) == text


# --- the quick-comparison table -----------------------------------------------------------


def quick_table(site: Site, **columns: dict[str, Any]) -> dict[str, list[Any]]:
    """Quick rows of the fixture comparison with some quick-comparison fields replaced
    (`model_copy` does not validate: give enum members, not their text)."""
    comparison = site.comparisons["postgresql-vs-sqlite"]
    quick = {
        slug: row.model_copy(update=columns.get(slug, {}))
        for slug, row in comparison.quick_comparison.items()
    }
    changed = comparison.model_copy(update={"quick_comparison": quick})
    techs = [tech_view(site, slug) for slug in changed.technologies]
    return {row.label: row.cells for row in quick_rows(changed, techs)}


def best(cells: list[Any]) -> list[bool]:
    return [cell.best for cell in cells]


def test_quick_rows_have_a_cell_per_technology_in_order(site: Site) -> None:
    table = quick_table(site)
    assert all(len(cells) == 2 for cells in table.values())
    assert [c.text for c in table["Best for"]] == [
        site.technologies["postgresql"].best_for,
        site.technologies["sqlite"].best_for,
    ]
    assert [c.text for c in table["Pricing model"]] == ["Open source", "Public domain"]


def test_highest_performance_score_is_best(site: Site) -> None:
    table = quick_table(site, postgresql={"performance_score": 6}, sqlite={"performance_score": 9})
    assert [c.text for c in table["Performance score"]] == ["6/10", "9/10"]
    assert best(table["Performance score"]) == [False, True]


def test_lowest_complexity_is_best(site: Site) -> None:
    low, high = quick_table(site)["Building complexity"]
    assert (low.text, high.text) == ("Medium", "Low")
    assert (low.best, high.best) == (False, True)
    table = quick_table(
        site, postgresql={"complexity": Level.low}, sqlite={"complexity": Level.high}
    )
    assert [c.text for c in table["Building complexity"]] == ["Low", "High"]
    assert best(table["Building complexity"]) == [True, False]


def test_ties_mark_nothing_best(site: Site) -> None:
    table = quick_table(
        site,
        postgresql={"performance_score": 7, "complexity": Level.medium},
        sqlite={"performance_score": 7, "complexity": Level.medium},
    )
    assert best(table["Performance score"]) == [False, False]
    assert best(table["Building complexity"]) == [False, False]


def test_descriptive_rows_mark_nothing_best(site: Site) -> None:
    table = quick_table(site)
    for label in ("Best for", "Community size", "Adoption", "Pricing model"):
        assert best(table[label]) == [False, False], label


def test_best_for_override_in_the_comparison(site: Site) -> None:
    table = quick_table(site, sqlite={"best_for": "Desktop apps."})
    assert table["Best for"][1].text == "Desktop apps."


# --- metric blocks ------------------------------------------------------------------------


def without_figure(site: Site, tech: str, metric_slug: str) -> Site:
    model = site.technologies[tech]
    benchmarks = [f for f in model.benchmarks if f.metric != metric_slug]
    changed = model.model_copy(update={"benchmarks": benchmarks})
    return dataclasses.replace(site, technologies={**site.technologies, tech: changed})


def blocks_for(site: Site, group: MetricGroup) -> dict[str, Any]:
    techs = [tech_view(site, slug) for slug in ("postgresql", "sqlite")]
    colors = {"postgresql": PALETTE[0], "sqlite": PALETTE[1]}
    return {block.slug: block for block in metric_blocks(site, techs, group, colors)}


def reporting(block: Any) -> list[str]:
    return [tech.slug for tech, views in block.rows if views]


def test_metric_blocks_chart_a_metric_reported_by_two_technologies(site: Site) -> None:
    blocks = blocks_for(site, MetricGroup.performance)
    assert list(blocks) == ["insert-rate", "startup-time"]
    for block in blocks.values():
        assert block.chart is not None
        assert reporting(block) == ["postgresql", "sqlite"]


def test_metric_blocks_only_tabulate_a_metric_reported_once(site: Site) -> None:
    blocks = blocks_for(without_figure(site, "sqlite", "startup-time"), MetricGroup.performance)
    assert blocks["startup-time"].chart is None
    assert reporting(blocks["startup-time"]) == ["postgresql"]
    assert blocks["insert-rate"].chart is not None


def test_metric_blocks_leave_out_metrics_nobody_reports(site: Site) -> None:
    thinner = without_figure(
        without_figure(site, "sqlite", "startup-time"), "postgresql", "startup-time"
    )
    assert list(blocks_for(thinner, MetricGroup.performance)) == ["insert-rate"]


def test_metric_blocks_follow_the_group(site: Site) -> None:
    assert list(blocks_for(site, MetricGroup.community)) == ["github-stars"]
    assert list(blocks_for(site, MetricGroup.cost)) == ["monthly-cost"]


def test_charts_switched_off_in_site_settings(site: Site) -> None:
    features = site.settings.features.model_copy(update={"charts": False})
    settings = site.settings.model_copy(update={"features": features})
    blocks = blocks_for(dataclasses.replace(site, settings=settings), MetricGroup.performance)
    assert blocks
    assert all(block.chart is None for block in blocks.values())


def test_figure_views_carry_text_source_and_date(site: Site) -> None:
    view = tech_view(site, "sqlite")
    ((_, insert_rate),) = view.figures["insert-rate"]
    assert insert_rate.text == "20,000–50,000+ rows/s"
    assert insert_rate.source == "https://sqlite.org/speed.html"
    assert insert_rate.as_of == "2025-01-10"
    assert str(insert_rate.note) == "Inside one transaction."


def test_highlighting_is_kept_for_unchanged_samples_and_done_for_new_ones(site: Site) -> None:
    known = highlight_samples(site, {}, jobs=1)
    tech = site.technologies["postgresql"]
    (sample,) = tech.code_samples
    old_key = (sample.code, sample.language)
    assert known[old_key] == highlight_code(*old_key)
    edited = tech.model_copy(
        update={"code_samples": [sample.model_copy(update={"code": sample.code + "-- more\n"})]}
    )
    changed = dataclasses.replace(site, technologies={**site.technologies, "postgresql": edited})

    again = highlight_samples(changed, known, jobs=1)

    assert old_key not in again  # a sample gone is dropped
    (new_key,) = again.keys() - known.keys()
    assert "more" in again[new_key]
    assert all(again[key] is known[key] for key in again.keys() & known.keys())
    assert tech_view(changed, "postgresql", again).code_samples[0].html is again[new_key]


def test_highlighting_in_worker_processes_equals_serial(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PARALLEL_MIN_SAMPLES", 1)
    serial = highlight_samples(site, {}, jobs=1)
    assert serial
    assert highlight_samples(site, {}, jobs=2) == serial


# --- charts -------------------------------------------------------------------------------


def segments(chart: dict[str, Any]) -> list[tuple[str, list[float]]]:
    """Each drawn range or dot of a chart as (row label, x values), whatever the trace layout:
    a trace may hold one figure, or several separated by None."""
    found: list[tuple[str, list[float]]] = []
    for trace in chart["data"]:
        xs: list[float] = []
        label = None
        for x, y in zip(trace["x"], trace["y"], strict=True):
            if x is None:
                if xs:
                    found.append((label, xs))
                xs, label = [], None
                continue
            xs.append(x)
            label = y
        if xs:
            found.append((label, xs))
    return found


def test_range_chart_draws_every_figure_once() -> None:
    chart = range_chart(
        metric(),
        [
            Series("Alpha", "#111111", (figure(min=10, max=20), figure(value=30, subject="batch"))),
            Series("Beta", "#222222", (figure(value=25),)),
        ],
    )
    assert sorted(segments(chart)) == [
        ("Alpha", [10, 20]),
        ("Alpha (batch)", [30]),
        ("Beta", [25]),
    ]
    colors = {trace["line"]["color"] for trace in chart["data"]}
    assert colors == {"#111111", "#222222"}


def test_range_chart_axis_title_has_the_unit_and_direction() -> None:
    higher = range_chart(metric(unit="requests/s"), [Series("A", "#000", (figure(value=1),))])
    assert higher["layout"]["xaxis"]["title"]["text"] == "requests/s (higher is better)"
    lower = range_chart(
        metric(unit="ms", better="lower"), [Series("A", "#000", (figure(value=1),))]
    )
    assert lower["layout"]["xaxis"]["title"]["text"] == "ms (lower is better)"
    neither = range_chart(
        metric(unit="stars", better="neither"), [Series("A", "#000", (figure(value=1),))]
    )
    assert neither["layout"]["xaxis"]["title"]["text"] == "stars"


@pytest.mark.parametrize(
    ("values", "axis"),
    [
        ((1, 99), "linear"),
        ((1, 100), "log"),
        ((5, 50000), "log"),
        ((0, 50000), "linear"),  # zero has no place on a log axis
        ((8000, 50000), "linear"),
    ],
)
def test_range_chart_uses_a_log_axis_for_wide_spreads(
    values: tuple[float, float], axis: str
) -> None:
    low, high = values
    chart = range_chart(
        metric(),
        [Series("A", "#000", (figure(value=low),)), Series("B", "#111", (figure(value=high),))],
    )
    assert chart["layout"]["xaxis"]["type"] == axis


def test_range_chart_spread_counts_range_ends() -> None:
    chart = range_chart(
        metric(),
        [Series("A", "#000", (figure(min=2, max=500),)), Series("B", "#111", (figure(value=50),))],
    )
    assert chart["layout"]["xaxis"]["type"] == "log"


def test_range_chart_is_plain_json() -> None:
    chart = range_chart(metric(), [Series("A", "#000", (figure(min=1.5, max=3),))])
    assert json.loads(json.dumps(chart, allow_nan=False)) == chart


# --- embedded JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT >",
        "<!-- comment",
        "<script>",
        "a & b > c",
        "line\u2028separator\u2029",
    ],
)
def test_script_json_keeps_markup_inert(hostile: str) -> None:
    value = {"name": hostile, "list": [hostile], hostile: 1}
    text = str(script_json(value))
    assert "<" not in text
    assert ">" not in text
    assert "\u2028" not in text
    assert "\u2029" not in text
    assert json.loads(text) == value


def test_script_json_refuses_nan_and_infinity() -> None:
    with pytest.raises(ValueError):
        script_json({"x": math.nan})
    with pytest.raises(ValueError):
        script_json([math.inf])


def test_script_json_is_stable() -> None:
    assert str(script_json({"b": 1, "a": [1, 2]})) == '{"a":[1,2],"b":1}'


# --- pages --------------------------------------------------------------------------------


def test_build_pages_lists_every_page_once(site: Site) -> None:
    pages = build_pages(site)
    paths = [page.path for page in pages]
    assert len(paths) == len(set(paths))
    assert {
        "index.html",
        "404.html",
        "compare/postgresql-vs-sqlite/index.html",
        "technologies/postgresql/index.html",
        "technologies/sqlite/index.html",
    } <= set(paths)
    charts = {page.path for page in pages if page.has_charts}
    assert "compare/postgresql-vs-sqlite/index.html" in charts
    assert not charts & {"index.html", "404.html", "technologies/sqlite/index.html"}


def comparison_sections(site: Site) -> list[str]:
    (page,) = [p for p in build_pages(site) if p.template == "comparison.html"]
    return [anchor for anchor, _ in section_list(page.context)]


def test_fixture_comparison_has_every_section(site: Site) -> None:
    assert comparison_sections(site) == list(COMPARISON_SECTIONS)


def test_sections_without_content_are_left_out(site: Site) -> None:
    comparison = (
        site.comparisons["postgresql-vs-sqlite"]
        .unpack()
        .model_copy(update={"faq": [], "related": [], "industry_metrics": [], "decision_guide": {}})
    )
    thinner = dataclasses.replace(
        site, comparisons={"postgresql-vs-sqlite": PackedComparison.of(comparison)}
    )
    assert comparison_sections(thinner) == [
        s
        for s in COMPARISON_SECTIONS
        if s not in ("faq", "related", "industry-metrics", "decision")
    ]


# Samples that try each way a token can fall: spans across line breaks (a docstring, a block
# comment), blank lines, markup characters and quotes, tabs, no final line break, a language
# whose tokens are nested types (several classes in a span), and CRLF line ends.
TRICKY_SAMPLES = [
    ("python", 'def f(a, b="<&>"):\n    """Doc\n\n    string\'s end."""\n\treturn a < b'),
    ("javascript", "/* a\n   block */\nconst x = `t ${y}\nz`; // <b>\n\n"),
    ("go", 'package main\n\nfunc main() {\n\tfmt.Println("&amp;")\n}\n'),
    ("sql", "SELECT 'it''s', \"col\"\r\nFROM t -- note\r\nWHERE a <> 1"),
    ("html", '<a href="x">&copy;</a>\n<!-- c\nd -->'),
    ("yaml", "key: 'v'\nlist:\n  - \"a\" # c\n"),
    ("python", ""),
    ("python", "\n\n"),
]


@pytest.mark.parametrize(("language", "code"), TRICKY_SAMPLES)
def test_highlighting_writes_the_html_pygments_would(language: str, code: str) -> None:
    """Our own writer of Pygments' tokens gives its HTML formatter's output, shortened."""
    from pygments.formatters import HtmlFormatter

    from techcompare.highlight import colour_of, lexer_for

    lexer = lexer_for(language)
    assert lexer is not None
    tokens = ((colour_of(kind), value) for kind, value in lexer.get_tokens(code))
    out = io.StringIO()
    HtmlFormatter(nowrap=True).format(tokens, out)
    expected = re.sub(r'<span class="([\w-]+)">', r"<span class=\1>", out.getvalue())
    assert highlight_code(code, language) == expected


def test_code_in_a_language_pygments_does_not_know_is_only_escaped() -> None:
    assert highlight_code("<b>&</b>", "no-such-language") == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_highlight_colours_meet_wcag_aa_on_the_code_background() -> None:
    from techcompare.highlight import DARK_BACKGROUND, LIGHT_BACKGROUND, contrast, highlight_css

    light, dark = highlight_css().split("@media")
    for part, background in ((light, LIGHT_BACKGROUND), (dark, DARK_BACKGROUND)):
        colors = re.findall(r"color: #([0-9a-fA-F]{6})", part)
        assert colors
        worst = min(contrast(c.lower(), background.lstrip("#")) for c in colors)
        assert worst >= 4.5, (background, worst)
