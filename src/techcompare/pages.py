"""Derive page data from the site graph: everything a template shows, computed in Python.

Input: a resolved `Site`. Output: `Page` objects (output path, template name, context).
Templates only loop and print; which value is best, how a figure reads, and what a chart
shows are decided here. Each technology's prose is rendered once (`TechView`) and reused on
every page that shows it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .charts import PALETTE, Series, range_chart
from .figures import format_figure
from .highlight import highlight_code
from .models import Better, Comparison, Figure, Metric, MetricGroup, Technology
from .prose import render_inline, render_markdown
from .resolve import Site

LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}
LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Page:
    """One HTML file to write: its path in the output, its template and its data."""

    path: str
    template: str
    context: dict[str, Any]
    has_charts: bool = False
    kind: str = "page"
    # Files written beside the page (such as its chart data), by name.
    attachments: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureView:
    text: str
    subject: str | None
    note: Markup
    source: str | None
    as_of: str | None


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


@dataclass(frozen=True)
class PageSpec:
    """A page to build, known before its data is derived: what it is and what it reads.

    `deps` names the content files (relative to the content folder) whose change can change
    the page; an incremental build re-renders exactly the pages whose deps changed.
    """

    path: str
    kind: str
    slug: str | None
    deps: frozenset[str]


SITE_KEY = "site.yaml"
METRICS_KEY = "metrics.yaml"


def technology_key(slug: str) -> str:
    return f"technologies/{slug}.yaml"


def comparison_key(slug: str) -> str:
    return f"comparisons/{slug}.yaml"


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site with its dependencies, in a stable order."""
    base = {SITE_KEY, METRICS_KEY}
    everything = (
        base
        | {technology_key(s) for s in site.technologies}
        | {comparison_key(s) for s in site.comparisons}
    )
    specs = [PageSpec("index.html", "home", None, frozenset(everything))]
    for slug, comparison in site.comparisons.items():
        deps = base | {comparison_key(slug)} | {technology_key(t) for t in comparison.technologies}
        specs.append(
            PageSpec(f"{comparison_url(slug)}index.html", "comparison", slug, frozenset(deps))
        )
    # Technology pages name every technology in their picker.
    technologies = {technology_key(s) for s in site.technologies}
    for slug in site.technologies:
        deps = base | technologies | {comparison_key(c) for c in site.comparisons_with(slug)}
        specs.append(
            PageSpec(f"{technology_url(slug)}index.html", "technology", slug, frozenset(deps))
        )
    for pair in generated_pairs(site):
        deps = base | {technology_key(pair.first), technology_key(pair.second)}
        specs.append(
            PageSpec(
                f"{comparison_url(pair.slug)}index.html", "generated", pair.slug, frozenset(deps)
            )
        )
    for slug in site.categories:
        specs.append(
            PageSpec(f"{category_url(slug)}index.html", "category", slug, frozenset(everything))
        )
    if site.settings.features.search:
        specs.append(PageSpec("search/index.html", "search", None, frozenset({SITE_KEY})))
    specs.append(PageSpec("404.html", "404", None, frozenset({SITE_KEY})))
    return specs


@dataclass(frozen=True)
class GeneratedPair:
    """Two technologies that share a category but no written comparison."""

    slug: str
    first: str
    second: str
    category: str


def generated_pairs(site: Site) -> list[GeneratedPair]:
    """Pairs to compare from data alone: same category, not together in any written
    comparison, and with a page address no written comparison already uses."""
    covered = {
        frozenset((a, b))
        for comparison in site.comparisons.values()
        for a in comparison.technologies
        for b in comparison.technologies
        if a != b
    }
    pairs: dict[str, GeneratedPair] = {}
    for category in site.categories:
        members = sorted(s for s, t in site.technologies.items() if category in t.categories)
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                slug = f"{first}-vs-{second}"
                if frozenset((first, second)) in covered or slug in site.comparisons:
                    continue
                pairs.setdefault(slug, GeneratedPair(slug, first, second, category))
    return [pairs[slug] for slug in sorted(pairs)]


@dataclass
class TechViewCache:
    """Rendered technologies kept between builds, reused while the model and metrics are the
    same objects (the loader hands back the same objects for unchanged files)."""

    entries: dict[str, tuple[Technology, dict[str, Metric], TechView]] = field(default_factory=dict)


class PageDeriver:
    """Derives the data of any page of one site, rendering each technology's prose once."""

    def __init__(self, site: Site, cache: TechViewCache | None = None) -> None:
        self.site = site
        self.cache = cache if cache is not None else TechViewCache()

    def tech(self, slug: str) -> TechView:
        model = self.site.technologies[slug]
        cached = self.cache.entries.get(slug)
        if cached and cached[0] is model and cached[1] is self.site.metrics:
            return cached[2]
        view = tech_view(self.site, slug)
        self.cache.entries[slug] = (model, self.site.metrics, view)
        return view

    def page(self, spec: PageSpec) -> Page:
        if spec.kind == "home":
            return home_page(self)
        if spec.kind == "comparison" and spec.slug:
            return comparison_page(self, spec.slug)
        if spec.kind == "technology" and spec.slug:
            return technology_page(self, spec.slug)
        if spec.kind == "generated" and spec.slug:
            pair = {p.slug: p for p in generated_pairs(self.site)}[spec.slug]
            return comparison_page(self, spec.slug, generated_comparison(self.site, pair))
        if spec.kind == "category" and spec.slug:
            return category_page(self, spec.slug)
        if spec.kind == "search":
            description = f"Search every comparison and technology on {self.site.settings.title}."
            return Page(
                spec.path,
                "search.html",
                {"title": "Search", "description": description},
                kind="search",
            )
        return Page(
            spec.path,
            "404.html",
            kind="404",
            context={"title": "Page not found", "description": self.site.settings.description},
        )


def build_pages(site: Site) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    deriver = PageDeriver(site)
    return [deriver.page(spec) for spec in plan_pages(site)]


CHARTS_FILE = "charts.json"


def chart_json(charts: dict[str, dict[str, Any]]) -> bytes:
    """A page's chart specs as one JSON file, fetched by charts.js when a chart is near."""
    return json.dumps(charts, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


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


def comparison_url(slug: str) -> str:
    return f"compare/{slug}/"


def category_url(slug: str) -> str:
    return f"categories/{slug}/"


def technology_url(slug: str) -> str:
    return f"technologies/{slug}/"


def figure_view(figure: Figure, metric: Metric) -> FigureView:
    return FigureView(
        text=format_figure(figure, metric),
        subject=figure.subject,
        note=render_inline(figure.note),
        source=figure.source,
        as_of=figure.as_of.isoformat() if figure.as_of else None,
    )


def tech_view(site: Site, slug: str) -> TechView:
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
        pros=[render_inline(claim.text) for claim in tech.pros],
        cons=[render_inline(claim.text) for claim in tech.cons],
        use_cases=[(case.title, render_markdown(case.body)) for case in tech.use_cases],
        performance_summary=render_markdown(tech.performance_summary),
        community=community,
        pricing=pricing,
        code_samples=[
            CodeView(
                sample.title,
                sample.language,
                highlight_code(sample.code, sample.language),
                render_markdown(sample.description),
            )
            for sample in tech.code_samples
        ],
        figures=figures,
    )


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


def section_list(context: dict[str, Any]) -> list[tuple[str, str]]:
    """The page's sections that have content, as (anchor, title), for the section navigation."""
    comparison: Comparison = context["comparison"]
    techs: list[TechView] = context["techs"]
    present = [
        ("quick-comparison", "Quick comparison", True),
        ("overview", "Overview", True),
        ("pros-cons", "Pros & cons", True),
        ("use-cases", "Use cases", any(t.use_cases for t in techs)),
        (
            "performance",
            "Performance",
            bool(context["performance"]) or bool(comparison.benchmark_context),
        ),
        ("community", "Community", bool(context["community"]) or any(t.community for t in techs)),
        ("pricing", "Pricing & licensing", any(t.model.pricing for t in techs)),
        ("industry-metrics", "What to measure", bool(comparison.industry_metrics)),
        ("code", "Code samples", any(t.code_samples for t in techs)),
        (
            "side-by-side",
            "Side by side",
            comparison.side_by_side is not None or bool(comparison.analysis),
        ),
        ("decision", "Decision guide", bool(comparison.decision_guide)),
        (
            "recommendation",
            "Recommendation",
            bool(comparison.recommendation) or bool(comparison.bottom_line),
        ),
        ("faq", "FAQ", bool(comparison.faq)),
        ("related", "Related", bool(comparison.related)),
        ("sources", "Sources", bool(context["sources"])),
    ]
    return [(anchor, title) for anchor, title, shown in present if shown]


def generated_comparison(site: Site, pair: GeneratedPair) -> Comparison:
    """A comparison of two technologies made from their data alone, with no editorial parts."""
    first, second = site.technologies[pair.first], site.technologies[pair.second]
    reviewed = max(first.reviewed_on, second.reviewed_on)
    return Comparison.model_construct(
        title=f"{first.name} vs {second.name}",
        category=pair.category,
        technologies=[pair.first, pair.second],
        summary=(
            f"{first.name} and {second.name} side by side, generated from their data: "
            "overviews, strengths, figures and costs."
        ),
        intro=None,
        published=reviewed,
        updated=reviewed,
        quick_comparison={},
        benchmark_context=None,
        community_insights=None,
        cost_summary=None,
        industry_metrics=[],
        side_by_side=None,
        analysis=None,
        decision_guide={},
        recommendation=None,
        bottom_line=None,
        faq=[],
        related=[],
    )


def comparison_page(views: PageDeriver, slug: str, generated: Comparison | None = None) -> Page:
    """A written comparison, or with `generated`, one made from the technologies' data."""
    site = views.site
    comparison = generated or site.comparisons[slug]
    techs = [views.tech(t) for t in comparison.technologies]
    colors = {tech.slug: PALETTE[i % len(PALETTE)] for i, tech in enumerate(techs)}
    color_classes = {tech.slug: color_class(i) for i, tech in enumerate(techs)}
    context: dict[str, Any] = {
        "title": comparison.title,
        "description": comparison.summary,
        "slug": slug,
        "comparison": comparison,
        "generated": generated is not None,
        "category": site.categories[comparison.category],
        "techs": techs,
        "colors": color_classes,
        "intro": render_markdown(comparison.intro),
        "quick_rows": quick_rows(comparison, techs),
        "performance": metric_blocks(site, techs, MetricGroup.performance, colors),
        "community": metric_blocks(site, techs, MetricGroup.community, colors),
        "cost": metric_blocks(site, techs, MetricGroup.cost, colors),
        "benchmark_context": render_markdown(comparison.benchmark_context),
        "community_insights": render_markdown(comparison.community_insights),
        "cost_summary": render_markdown(comparison.cost_summary),
        "industry_metrics": comparison.industry_metrics,
        "side_by_side": (
            {
                "task": comparison.side_by_side.task,
                "approaches": [
                    (tech, render_markdown(comparison.side_by_side.approaches[tech.slug]))
                    for tech in techs
                    if tech.slug in comparison.side_by_side.approaches
                ],
            }
            if comparison.side_by_side
            else None
        ),
        "analysis": render_markdown(comparison.analysis),
        "decisions": [
            (
                tech,
                [
                    (render_inline(d.when), render_inline(d.because))
                    for d in comparison.decision_guide[tech.slug]
                ],
            )
            for tech in techs
            if tech.slug in comparison.decision_guide
        ],
        "recommendation": render_markdown(comparison.recommendation),
        "bottom_line": render_markdown(comparison.bottom_line),
        "faq": [(item.question, render_markdown(item.answer)) for item in comparison.faq],
        "related": [
            (item.title, comparison_url(item.comparison) if item.comparison else None, item.why)
            for item in comparison.related
        ],
    }
    context["sources"] = number_sources(
        [block for group in ("performance", "community", "cost") for block in context[group]]
    )
    context["sections"] = section_list(context)
    context["shown"] = {anchor for anchor, _ in context["sections"]}
    charts = {
        block.slug: block.chart
        for group in ("performance", "community", "cost")
        for block in context[group]
        if block.chart
    }
    return Page(
        f"{comparison_url(slug)}index.html",
        "comparison.html",
        context,
        has_charts=bool(charts),
        kind="generated" if generated else "comparison",
        attachments={CHARTS_FILE: chart_json(charts)} if charts else {},
    )


@dataclass(frozen=True)
class Picker:
    """The checkboxes of the technology picker, as (slug, name): `options` shown, `more`
    behind a "show all" disclosure."""

    options: list[tuple[str, str]]
    more: list[tuple[str, str]]


def picker(site: Site, category: str | None = None) -> Picker | None:
    """Every technology of the site; with `category`, its own first and the others under
    `more`. None when the site has fewer than two technologies to compare."""
    if len(site.technologies) < 2:
        return None
    everything = [(slug, tech.name) for slug, tech in site.technologies.items()]
    if category is None:
        return Picker(everything, [])
    members = {s for s, tech in site.technologies.items() if category in tech.categories}
    return Picker(
        [option for option in everything if option[0] in members],
        [option for option in everything if option[0] not in members],
    )


def technology_page(views: PageDeriver, slug: str) -> Page:
    site = views.site
    tech = views.tech(slug)
    colors = {slug: PALETTE[0]}
    color_classes = {slug: color_class(0)}
    figure_blocks = [
        block for group in MetricGroup for block in metric_blocks(site, [tech], group, colors)
    ]
    context: dict[str, Any] = {
        "title": tech.model.name,
        "description": tech.model.summary,
        "tech": tech,
        "colors": color_classes,
        "categories": [site.categories[c] for c in tech.model.categories],
        "picker": picker(site),
        "figure_blocks": figure_blocks,
        "sources": number_sources(figure_blocks),
        "comparisons": [
            (site.comparisons[c], comparison_url(c)) for c in site.comparisons_with(slug)
        ],
        "generated": [
            (site.technologies[p.second if p.first == slug else p.first], comparison_url(p.slug))
            for p in generated_pairs(site)
            if slug in (p.first, p.second)
        ],
    }
    return Page(f"{technology_url(slug)}index.html", "technology.html", context, kind="technology")


def home_page(views: PageDeriver) -> Page:
    site = views.site
    settings = site.settings
    featured = [(site.comparisons[s], comparison_url(s)) for s in settings.featured]
    by_category = []
    for category in site.categories.values():
        items = [
            (c, comparison_url(s))
            for s, c in site.comparisons.items()
            if c.category == category.slug
        ]
        techs = [
            views.tech(s) for s, t in site.technologies.items() if category.slug in t.categories
        ]
        if items or techs:
            by_category.append((category, items, techs))
    generated = [
        (
            f"{site.technologies[p.first].name} vs {site.technologies[p.second].name}",
            comparison_url(p.slug),
        )
        for p in generated_pairs(site)
    ]
    context = {
        "title": settings.title,
        "description": settings.description,
        "featured": featured,
        "by_category": by_category,
        "generated": generated,
        "technologies": [views.tech(slug) for slug in site.technologies],
    }
    return Page("index.html", "home.html", context, kind="home")


def category_page(views: PageDeriver, slug: str) -> Page:
    site = views.site
    category = site.categories[slug]
    context = {
        "title": category.name,
        "description": category.description,
        "category": category,
        "comparisons": [
            (c, comparison_url(s)) for s, c in site.comparisons.items() if c.category == slug
        ],
        "generated": [
            (
                f"{site.technologies[p.first].name} vs {site.technologies[p.second].name}",
                comparison_url(p.slug),
            )
            for p in generated_pairs(site)
            if p.category == slug
        ],
        "technologies": [
            views.tech(s) for s, t in site.technologies.items() if slug in t.categories
        ],
        "picker": picker(site, slug),
    }
    return Page(f"{category_url(slug)}index.html", "category.html", context, kind="category")
