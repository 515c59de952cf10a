"""Resolve loaded content into a site graph, checking every reference between files.

Input: `LoadedContent`. Output: a `Site` in which every slug a file names exists, every figure
uses a registered metric of the right group (what is wrong inside one comparison alone is
reported as it is read: `models.comparison_problems`). Mistakes are added to the content's
`Problems` with the file, line and field where they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .loading import LoadedContent, Source
from .models import (
    Category,
    Figure,
    Metric,
    MetricGroup,
    SiteSettings,
    Technology,
)
from .packed import PackedComparison
from .problems import Problems
from .yaml_source import Loc


@dataclass(frozen=True)
class Site:
    """Everything a build renders: validated, cross-checked, in a stable order."""

    settings: SiteSettings
    metrics: dict[str, Metric]
    categories: dict[str, Category]
    technologies: dict[str, Technology]
    comparisons: dict[str, PackedComparison]  # unpacked by the pages that show them whole
    # Comparison slugs by technology, in slug order (derived from `comparisons`).
    including: dict[str, list[str]] = field(default_factory=dict, init=False, compare=False)

    def __post_init__(self) -> None:
        for slug, comparison in self.comparisons.items():
            for tech in comparison.technologies:
                self.including.setdefault(tech, []).append(slug)

    def comparisons_with(self, tech_slug: str) -> list[str]:
        """Slugs of the comparisons that include the technology, in slug order."""
        return self.including.get(tech_slug, [])


def resolve_site(content: LoadedContent, today: date | None = None) -> Site | None:
    """Check references across files; returns None when any file failed to load or resolve."""
    today = today or date.today()
    problems = content.problems
    if content.site is None or content.metrics is None:
        return None
    settings = content.site.model
    metrics = content.metrics.model.metrics  # the same object while metrics.yaml is unchanged
    categories: dict[str, Category] = {}
    for index, category in enumerate(settings.categories):
        if category.slug in categories:
            _report(problems, content.site, ("categories", index, "slug"), "duplicate category")
        categories[category.slug] = category

    for tech in content.technologies.values():
        _check_technology(problems, tech, categories, metrics, today)
    for comparison in content.comparisons.values():
        _check_comparison(problems, comparison, content, categories)
    for index, slug in enumerate(settings.featured):
        if slug not in content.comparison_files:
            _unknown(
                problems, content.site, ("featured", index), "comparison", slug, content.comparisons
            )

    if problems.errors:
        return None
    return Site(
        settings=settings,
        metrics=metrics,
        categories=categories,
        technologies={
            slug: content.technologies[slug].model for slug in sorted(content.technologies)
        },
        comparisons={slug: content.comparisons[slug].model for slug in sorted(content.comparisons)},
    )


def _report(problems: Problems, source: Source[Any], loc: Loc, message: str) -> None:
    line, column = source.position(loc)
    problems.add(source.display, line, column, loc, message)


def _unknown(
    problems: Problems, source: Source[Any], loc: Loc, kind: str, name: str, known: Any
) -> None:
    names = ", ".join(sorted(known)) or "none"
    _report(problems, source, loc, f"unknown {kind} `{name}` (known: {names})")


def _check_technology(
    problems: Problems,
    source: Source[Technology],
    categories: dict[str, Category],
    metrics: dict[str, Metric],
    today: date,
) -> None:
    tech = source.model
    for index, slug in enumerate(tech.categories):
        if slug not in categories:
            _unknown(problems, source, ("categories", index), "category", slug, categories)
    figures: list[tuple[Loc, Figure, MetricGroup]] = [
        (("benchmarks", index), figure, MetricGroup.performance)
        for index, figure in enumerate(tech.benchmarks)
    ]
    if tech.community is not None:
        figures += [
            (("community", "figures", index), figure, MetricGroup.community)
            for index, figure in enumerate(tech.community.figures)
        ]
    if tech.pricing is not None and tech.pricing.total_cost is not None:
        figures.append((("pricing", "total_cost"), tech.pricing.total_cost, MetricGroup.cost))
    seen: dict[tuple[str, str | None], Loc] = {}
    for loc, figure, group in figures:
        _check_figure(problems, source, loc, figure, group, metrics, today)
        key = (figure.metric, figure.subject)
        if key in seen:
            _report(
                problems,
                source,
                loc,
                f"a second figure for metric `{figure.metric}`"
                + (f" and subject `{figure.subject}`" if figure.subject else "")
                + "; give each a different `subject`",
            )
        seen[key] = loc


def _check_figure(
    problems: Problems,
    source: Source[Technology],
    loc: Loc,
    figure: Figure,
    group: MetricGroup,
    metrics: dict[str, Metric],
    today: date,
) -> None:
    metric = metrics.get(figure.metric)
    if metric is None:
        _unknown(problems, source, (*loc, "metric"), "metric", figure.metric, metrics)
        return
    if metric.group is not group:
        _report(
            problems,
            source,
            (*loc, "metric"),
            f"metric `{figure.metric}` belongs to group `{metric.group.value}`, "
            f"but this section takes `{group.value}` metrics",
        )
    for name in ("value", "min", "max"):
        number = getattr(figure, name)
        if number is None:
            continue
        if number < 0 and not metric.allow_negative:
            _report(
                problems,
                source,
                (*loc, name),
                f"{metric.label} cannot be negative (got {number:g})",
            )
        if metric.integer and number != int(number):
            _report(
                problems,
                source,
                (*loc, name),
                f"{metric.label} is a count: expected a whole number (got {number:g})",
            )
    if figure.as_of is not None and figure.as_of > today:
        _report(
            problems,
            source,
            (*loc, "as_of"),
            f"as-of date {figure.as_of.isoformat()} is in the future",
        )


def _check_comparison(
    problems: Problems,
    source: Source[PackedComparison],
    content: LoadedContent,
    categories: dict[str, Category],
) -> None:
    """Check what one comparison names in other files; what is wrong inside it alone was
    reported as it was read (`models.comparison_problems`)."""
    comparison = source.model  # packed: its listing fields are enough here
    if comparison.category not in categories:
        _unknown(problems, source, ("category",), "category", comparison.category, categories)
    known = content.technologies
    for index, slug in enumerate(comparison.technologies):
        if slug not in known and slug not in content.technology_files:
            _unknown(problems, source, ("technologies", index), "technology", slug, known)
    for index, related in enumerate(comparison.related_comparisons):
        known_file = related in content.comparison_files
        if related is not None and related != source.slug and not known_file:
            loc = ("related", index, "comparison")
            _unknown(problems, source, loc, "comparison", related, content.comparisons)
