"""Views of content for templates: figures as text, technologies with their prose rendered,
quick-comparison rows, metric blocks with charts, numbered sources.

Input: the resolved `Site`. Everything a template prints about a technology or a metric is
computed here, in Python, and tested directly; templates only loop and print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .charts import PALETTE, Series, range_chart
from .figures import format_figure, human_date
from .highlight import highlight_code, lexer_for
from .models import Better, Claim, Comparison, Figure, Metric, MetricGroup, Technology
from .parallel import fork_map
from .plan import technology_url
from .prose import render_inline, render_markdown
from .resolve import Site

LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}

LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class FigureView:
    text: str
    subject: str | None
    note: Markup
    source: str | None
    as_of: str | None
    as_of_text: str | None  # `as_of` as a reader sees it: 1 June 2025


@dataclass(frozen=True)
class CodeView:
    title: str
    language: str
    html: Markup
    description: Markup


@dataclass(frozen=True)
class TechView:
    """A technology with its prose rendered, shared by every page that shows it."""

    slug: str
    url: str
    model: Technology
    overview: Markup
    pros: list[Markup]
    cons: list[Markup]
    use_cases: list[tuple[str, Markup]]
    performance_summary: Markup
    community: dict[str, Markup]
    pricing: dict[str, Markup]
    code_samples: list[CodeView]
    figures: dict[str, list[tuple[Figure, FigureView]]]


@dataclass(frozen=True)
class Cell:
    text: str
    best: bool = False
    html: Markup | None = None


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    note: str = ""


@dataclass(frozen=True)
class MetricBlock:
    """One metric across a comparison's technologies: a table row per technology, a chart."""

    slug: str
    metric: Metric
    rows: list[tuple[TechView, list[FigureView]]]
    missing: list[TechView]
    chart: dict[str, Any] | None
    # Technologies whose figure is the best, where the metric says which way is better.
    best: frozenset[str] = frozenset()


# Highlighted HTML of code samples, by (code, language).
Highlighted = dict[tuple[str, str], Markup]


@dataclass
class TechViewCache:
    """Rendered technologies kept between builds, reused while the model and metrics are the
    same objects (the loader hands back the same objects for unchanged files), and the
    highlighted code of every sample (`highlight_samples`)."""

    entries: dict[str, tuple[Technology, dict[str, Metric], TechView]] = field(default_factory=dict)
    highlighted: Highlighted = field(default_factory=dict)


# Below this many samples to highlight, starting worker processes costs more than it saves.
PARALLEL_MIN_SAMPLES = 32


def highlight_samples(site: Site, known: Highlighted, jobs: int) -> Highlighted:
    """The highlighted HTML of every code sample of `site`: from `known` when there, the
    others highlighted now, by `jobs` processes when there are many. Highlighting is the
    slowest part of a technology's view; done here, before pages are rendered in parallel,
    no two render workers highlight the same sample."""
    wanted = {
        (sample.code, sample.language)
        for tech in site.technologies.values()
        for sample in tech.code_samples
    }
    todo = sorted(wanted - known.keys())
    for language in sorted({language for _, language in todo}):
        lexer_for(language)  # here, not in each worker
    if jobs > 1 and len(todo) >= PARALLEL_MIN_SAMPLES:
        done = fork_map(_highlight, todo, jobs)
    else:
        done = [_highlight(item) for item in todo]
    return {
        **{key: html for key, html in known.items() if key in wanted},
        **dict(zip(todo, done, strict=True)),
    }


def _highlight(sample: tuple[str, str]) -> Markup:
    return highlight_code(*sample)


@dataclass(frozen=True)
class SourceEntry:
    """One source in a page's list of sources, with the figures it backs."""

    number: int
    url: str
    cites: list[str]


def number_sources(blocks: list[MetricBlock]) -> dict[str, SourceEntry]:
    """Number the distinct sources of the figures in `blocks`, in order of appearance."""
    entries: dict[str, SourceEntry] = {}
    for block in blocks:
        for tech, figures in block.rows:
            for fig in figures:
                if fig.source is None:
                    continue
                entry = entries.setdefault(
                    fig.source, SourceEntry(len(entries) + 1, fig.source, [])
                )
                cite = f"{tech.model.name}: {block.metric.label}"
                if cite not in entry.cites:
                    entry.cites.append(cite)
    return entries


def color_class(index: int) -> str:
    """CSS class giving the technology at `index` its colour (the same as in its charts)."""
    return f"tc-{index % len(PALETTE) + 1}"


def figure_view(figure: Figure, metric: Metric) -> FigureView:
    return FigureView(
        text=format_figure(figure, metric),
        subject=figure.subject,
        note=render_inline(figure.note),
        source=figure.source,
        as_of=figure.as_of.isoformat() if figure.as_of else None,
        as_of_text=human_date(figure.as_of) if figure.as_of else None,
    )


def claim_html(claim: Claim) -> Markup:
    """A pro or con as inline HTML, followed by links to its sources."""
    html = render_inline(claim.text)
    if claim.sources:
        links = Markup(", ").join(
            Markup('<a href="{}" rel="nofollow">source {}</a>').format(url, number)
            for number, url in enumerate(claim.sources, start=1)
        )
        html += Markup(' <span class="claim-sources">({})</span>').format(links)
    return html


def tech_view(site: Site, slug: str, highlighted: Highlighted | None = None) -> TechView:
    """The technology `slug` with its prose rendered and its code highlighted (or taken from
    `highlighted`)."""
    tech = site.technologies[slug]
    figures: dict[str, list[tuple[Figure, FigureView]]] = {}
    all_figures = list(tech.benchmarks)
    if tech.community:
        all_figures += tech.community.figures
    if tech.pricing and tech.pricing.total_cost:
        all_figures.append(tech.pricing.total_cost)
    for figure in all_figures:
        metric = site.metrics[figure.metric]
        figures.setdefault(figure.metric, []).append((figure, figure_view(figure, metric)))
    community = {}
    if tech.community:
        community = {
            "summary": render_markdown(tech.community.summary),
            "maintainers": render_markdown(tech.community.maintainers),
            "release_cadence": render_markdown(tech.community.release_cadence),
        }
    pricing = {}
    if tech.pricing:
        pricing = {
            "enterprise": render_markdown(tech.pricing.enterprise),
            "support": render_markdown(tech.pricing.support),
            "total_cost_breakdown": render_markdown(tech.pricing.total_cost_breakdown),
        }
    return TechView(
        slug=slug,
        url=technology_url(slug),
        model=tech,
        overview=render_markdown(tech.overview),
        pros=[claim_html(claim) for claim in tech.pros],
        cons=[claim_html(claim) for claim in tech.cons],
        use_cases=[(case.title, render_markdown(case.body)) for case in tech.use_cases],
        performance_summary=render_markdown(tech.performance_summary),
        community=community,
        pricing=pricing,
        code_samples=code_views(tech, highlighted or {}),
        figures=figures,
    )


def code_views(tech: Technology, highlighted: Highlighted) -> list[CodeView]:
    """The code samples of `tech`, highlighted (or taken from `highlighted`)."""
    return [
        CodeView(
            sample.title,
            sample.language,
            highlighted.get((sample.code, sample.language))
            or highlight_code(sample.code, sample.language),
            render_markdown(sample.description),
        )
        for sample in tech.code_samples
    ]


def metric_blocks(
    site: Site, techs: list[TechView], group: MetricGroup, colors: dict[str, str]
) -> list[MetricBlock]:
    """The metrics of `group` that any of `techs` reports, in registry order.

    A chart is drawn when two or more technologies report the metric; every block has a table.
    """
    blocks = []
    for slug, metric in site.metrics.items():
        if metric.group is not group:
            continue
        rows = [
            (tech, [view for _, view in tech.figures[slug]])
            for tech in techs
            if slug in tech.figures
        ]
        reporting = [tech for tech, _ in rows]
        if not reporting:
            continue
        missing = [tech for tech in techs if slug not in tech.figures]
        tech_figures = {
            tech.slug: [figure for figure, _ in tech.figures[slug]] for tech in reporting
        }
        chart = None
        if len(reporting) >= 2 and site.settings.features.charts:
            chart = range_chart(
                metric,
                [
                    Series(
                        tech.model.name,
                        colors[tech.slug],
                        tuple(figure for figure, _ in tech.figures[slug]),
                    )
                    for tech in reporting
                ],
            )
        blocks.append(
            MetricBlock(
                slug, metric, rows, missing, chart, best_figures(tech_figures, metric.better)
            )
        )
    return blocks


def best_figures(figures: dict[str, list[Figure]], better: Better) -> frozenset[str]:
    """The technologies whose figure is best, by the middle of each range.

    Only when every technology gives exactly one figure: with several per technology (say
    P50 and P99 latency) there is no single fair winner.
    """
    if any(len(found) != 1 for found in figures.values()):
        return frozenset()
    slugs = list(figures)
    middles = [(figures[s][0].low + figures[s][0].high) / 2 for s in slugs]
    flags = _best_flags(middles, better)
    return frozenset(slug for slug, flag in zip(slugs, flags, strict=True) if flag)


def _best_flags(values: Sequence[float | None], better: Better) -> list[bool]:
    """Mark the best of several values; nothing is best when all are equal or direction unknown."""
    known = [v for v in values if v is not None]
    if better is Better.neither or len(known) < 2 or len(set(known)) == 1:
        return [False] * len(values)
    best = max(known) if better is Better.higher else min(known)
    return [v == best for v in values]


def quick_rows(comparison: Comparison, techs: list[TechView]) -> list[Row]:
    """The quick-comparison table: one row per attribute, one cell per technology.

    A comparison generated from data has no editorial judgements (complexity, community,
    adoption, score): its table holds only what the technologies' own files say.
    """
    if not comparison.quick_comparison:
        return [
            Row("Best for", [Cell(tech.model.best_for) for tech in techs]),
            Row("Kind", [Cell(tech.model.kind) for tech in techs]),
            Row(
                "Pricing model",
                [Cell(tech.model.pricing.model if tech.model.pricing else "—") for tech in techs],
            ),
            Row("Licence", [Cell(tech.model.license or "None (open standard)") for tech in techs]),
        ]
    quick = [comparison.quick_comparison[tech.slug] for tech in techs]
    scores = [float(row.performance_score) for row in quick]
    complexity = [float(LEVEL_ORDER[row.complexity.value]) for row in quick]
    rows = [
        Row(
            "Best for",
            [
                Cell(row.best_for or tech.model.best_for)
                for row, tech in zip(quick, techs, strict=True)
            ],
        ),
        Row(
            "Building complexity",
            [
                Cell(LEVEL_LABELS[row.complexity.value], best)
                for row, best in zip(quick, _best_flags(complexity, Better.lower), strict=True)
            ],
            "lower is better",
        ),
        Row("Community size", [Cell(row.community_size) for row in quick]),
        Row("Adoption", [Cell(row.adoption) for row in quick]),
        Row(
            "Pricing model",
            [
                Cell(row.pricing_model or (tech.model.pricing.model if tech.model.pricing else "—"))
                for row, tech in zip(quick, techs, strict=True)
            ],
        ),
        Row("Licence", [Cell(tech.model.license or "None (open standard)") for tech in techs]),
        Row(
            "Performance score",
            [
                Cell(f"{row.performance_score}/10", best)
                for row, best in zip(quick, _best_flags(scores, Better.higher), strict=True)
            ],
            "out of 10, higher is better",
        ),
    ]
    return rows
