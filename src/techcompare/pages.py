"""Derive page data from the site graph: everything a template shows, computed in Python.

Input: a resolved `Site` and the `PageSpec`s planned for it (`plan.py`). Output: `Page`
objects (output path, template name, context). Views of technologies and metrics come from
`views.py`; each technology's prose is rendered once and reused on every page that shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .charts import PALETTE
from .models import Comparison, MetricGroup, Technology
from .plan import (
    GeneratedPair,
    PageSpec,
    category_members,
    category_url,
    comparison_url,
    comparisons_by_category,
    generated_pairs,
    plan_pages,
    technology_url,
)
from .prose import render_inline, render_markdown
from .resolve import Site
from .views import (
    TechView,
    TechViewCache,
    color_class,
    metric_blocks,
    number_sources,
    quick_rows,
    tech_view,
)


@dataclass(frozen=True)
class TechListing:
    """A technology in a list: home and category pages need no rendered prose."""

    slug: str
    url: str
    model: Technology


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


class PageDeriver:
    """Derives the data of any page of one site, rendering each technology's prose once."""

    def __init__(self, site: Site, cache: TechViewCache | None = None) -> None:
        self.site = site
        self.cache = cache if cache is not None else TechViewCache()
        self._pairs: dict[str, GeneratedPair] | None = None
        self._pairs_by_tech: dict[str, list[GeneratedPair]] | None = None
        self._members: dict[str, list[str]] | None = None
        self._written: dict[str, list[str]] | None = None

    @property
    def members(self) -> dict[str, list[str]]:
        """The technologies of each category, worked out once per build."""
        if self._members is None:
            self._members = category_members(self.site)
        return self._members

    @property
    def written(self) -> dict[str, list[str]]:
        """The written comparisons of each category, worked out once per build."""
        if self._written is None:
            self._written = comparisons_by_category(self.site)
        return self._written

    def listing(self, slug: str) -> TechListing:
        """A technology as lists show it (name, kind, summary, link), without its prose."""
        return TechListing(slug, technology_url(slug), self.site.technologies[slug])

    def pairs_of(self, slug: str) -> list[GeneratedPair]:
        """The generated comparisons a technology is in."""
        if self._pairs_by_tech is None:
            self._pairs_by_tech = {}
            for pair in self.pairs.values():
                for tech in (pair.first, pair.second):
                    self._pairs_by_tech.setdefault(tech, []).append(pair)
        return self._pairs_by_tech.get(slug, [])

    @property
    def pairs(self) -> dict[str, GeneratedPair]:
        """The site's generated comparisons by slug, worked out once per build."""
        if self._pairs is None:
            self._pairs = {pair.slug: pair for pair in generated_pairs(self.site)}
        return self._pairs

    def tech(self, slug: str) -> TechView:
        model = self.site.technologies[slug]
        cached = self.cache.entries.get(slug)
        if cached and cached[0] is model and cached[1] is self.site.metrics:
            return cached[2]
        view = tech_view(self.site, slug, self.cache.highlighted)
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
            pair = self.pairs[spec.slug]
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
    comparison = generated or site.comparisons[slug].unpack()
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
    """The checkboxes of the technology picker, as (slug, name)."""

    options: list[tuple[str, str]]


def picker(views: PageDeriver, categories: list[str]) -> Picker | None:
    """The technologies that share a category with `categories`, to compare 2–4 of them.

    Kept to shared categories so a page's size and its dependencies grow with its
    categories, not with the whole site. None when there are fewer than two to compare.
    """
    technologies = views.site.technologies
    wanted = {slug for category in categories for slug in views.members.get(category, ())}
    options = [(slug, technologies[slug].name) for slug in technologies if slug in wanted]
    return Picker(options) if len(options) >= 2 else None


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
        "picker": picker(views, tech.model.categories),
        "figure_blocks": figure_blocks,
        "sources": number_sources(figure_blocks),
        "comparisons": [
            (site.comparisons[c], comparison_url(c)) for c in site.comparisons_with(slug)
        ],
        "generated": [
            (site.technologies[p.second if p.first == slug else p.first], comparison_url(p.slug))
            for p in views.pairs_of(slug)
        ],
    }
    return Page(f"{technology_url(slug)}index.html", "technology.html", context, kind="technology")


def home_page(views: PageDeriver) -> Page:
    site = views.site
    settings = site.settings
    featured = [(site.comparisons[s], comparison_url(s)) for s in settings.featured]
    by_category = []
    for category in site.categories.values():
        items = [(site.comparisons[s], comparison_url(s)) for s in views.written[category.slug]]
        techs = [views.listing(s) for s in views.members[category.slug]]
        if items or techs:
            by_category.append((category, items, techs))
    generated = [
        (
            f"{site.technologies[p.first].name} vs {site.technologies[p.second].name}",
            comparison_url(p.slug),
        )
        for p in views.pairs.values()
    ]
    context = {
        "title": settings.title,
        "description": settings.description,
        "featured": featured,
        "by_category": by_category,
        "generated": generated,
        "technologies": [views.listing(slug) for slug in site.technologies],
    }
    return Page("index.html", "home.html", context, kind="home")


def category_page(views: PageDeriver, slug: str) -> Page:
    site = views.site
    category = site.categories[slug]
    context = {
        "title": category.name,
        "description": category.description,
        "category": category,
        "comparisons": [(site.comparisons[s], comparison_url(s)) for s in views.written[slug]],
        "generated": [
            (
                f"{site.technologies[p.first].name} vs {site.technologies[p.second].name}",
                comparison_url(p.slug),
            )
            for p in views.pairs.values()
            if p.category == slug
        ],
        "technologies": [views.listing(s) for s in views.members[slug]],
        "picker": picker(views, [slug]),
    }
    return Page(f"{category_url(slug)}index.html", "category.html", context, kind="category")
