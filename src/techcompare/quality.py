"""Content-quality warnings: things that are valid but make a worse page.

Input: the loaded content and its resolved `Site`. Output: warnings added to the content's
`Problems`, each at the file, line and field to improve. Nothing here stops a build unless
the editor asks for `--strict`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .loading import LoadedContent, Source
from .models import Figure, Technology
from .packed import PackedComparison
from .problems import Severity
from .resolve import Site
from .yaml_source import Loc

REVIEW_MAX_AGE_DAYS = 365


def check_quality(content: LoadedContent, site: Site, today: date | None = None) -> None:
    """Add content-quality warnings for `site` to `content.problems`."""
    today = today or date.today()
    used = {slug for c in site.comparisons.values() for slug in c.technologies}
    for source in _all_sources(content):
        _file_warnings(content, source, today)
    for slug, source in content.technologies.items():
        if slug not in used:
            _warn(content, source, (), "no comparison uses this technology yet")
    reported = {slug: _reported_metrics(tech) for slug, tech in site.technologies.items()}
    for comparison in content.comparisons.values():
        _cached_comparison_warnings(content, comparison, reported)


def _cached_comparison_warnings(
    content: LoadedContent,
    source: Source[PackedComparison],
    reported_by: dict[str, frozenset[str]],
) -> None:
    """`_comparison_warnings`, reused while the comparison is unchanged and its technologies
    report the same metrics, so a rebuild does not review every comparison again."""
    cache = content.cache.comparison_reviews if content.cache is not None else None
    key = tuple(reported_by[slug] for slug in source.model.technologies)
    cached = cache.get(source.path) if cache is not None else None
    if cached is not None and cached[0] is source and cached[1] == key:
        content.problems.items.extend(cached[2])
        return
    before = len(content.problems.items)
    _comparison_warnings(content, source, reported_by)
    if cache is not None:
        cache[source.path] = (source, key, tuple(content.problems.items[before:]))


def _file_warnings(content: LoadedContent, source: Source[Any], today: date) -> None:
    """Warnings that depend on one file alone, reused while the file is unchanged (the load
    cache hands back the same Source), so a rebuild reviews only what changed."""
    cache = content.cache.reviews if content.cache is not None else None
    cached = cache.get(source.path) if cache is not None else None
    if cached is not None and cached[0] is source and cached[1] == today:
        content.problems.items.extend(cached[2])
        return
    before = len(content.problems.items)
    for loc, message in source.notes:
        _warn(content, source, loc, message)
    if isinstance(source.model, Technology):
        _technology_warnings(content, source, today)
    if cache is not None:
        cache[source.path] = (source, today, tuple(content.problems.items[before:]))


def _warn(content: LoadedContent, source: Source[Any], loc: Loc, msg: str) -> None:
    line, column = source.position(loc)
    content.problems.add(source.display, line, column, loc, msg, Severity.warning)


def _all_sources(content: LoadedContent) -> list[Source[Any]]:
    fixed = [s for s in (content.site, content.metrics) if s is not None]
    return [*fixed, *content.technologies.values(), *content.comparisons.values()]


def _figures(tech: Technology) -> list[tuple[Loc, Figure]]:
    found: list[tuple[Loc, Figure]] = [
        (("benchmarks", i), f) for i, f in enumerate(tech.benchmarks)
    ]
    if tech.community:
        found += [(("community", "figures", i), f) for i, f in enumerate(tech.community.figures)]
    if tech.pricing and tech.pricing.total_cost:
        found.append((("pricing", "total_cost"), tech.pricing.total_cost))
    return found


def _reported_metrics(tech: Technology) -> frozenset[str]:
    """The metrics a technology gives any figure for."""
    return frozenset(figure.metric for _, figure in _figures(tech))


def _technology_warnings(content: LoadedContent, source: Source[Technology], today: date) -> None:
    tech = source.model
    for loc, figure in _figures(tech):
        if figure.source is None:
            _warn(content, source, loc, "figure has no `source`: readers cannot check it")
        if figure.as_of is None:
            _warn(content, source, loc, "figure has no `as_of` date: readers cannot tell its age")
    age = (today - tech.reviewed_on).days
    if age > REVIEW_MAX_AGE_DAYS:
        _warn(
            content,
            source,
            ("reviewed_on",),
            f"last reviewed {age} days ago ({tech.reviewed_on.isoformat()}); "
            "check the facts and update `reviewed_on`",
        )


def _comparison_warnings(
    content: LoadedContent,
    source: Source[PackedComparison],
    reported_by: dict[str, frozenset[str]],
) -> None:
    """Warnings about the figures of one comparison's technologies; `reported_by` holds the
    metrics each technology reports. (Those about the comparison alone are its notes.)"""
    techs = list(dict.fromkeys(source.model.technologies))
    reported = [reported_by[slug] for slug in techs]
    # Only metrics some report and others do not can leave a gap: skip those all report.
    uneven = frozenset().union(*reported) - frozenset.intersection(*reported)
    for metric in sorted(uneven):
        slugs = [slug for slug, metrics in zip(techs, reported, strict=True) if metric in metrics]
        # A metric only one technology reports is that technology's own; flag gaps in
        # metrics that several report, where a missing figure leaves a hole in the chart.
        if len(slugs) >= 2:
            missing = sorted(set(techs) - set(slugs))
            _warn(
                content,
                source,
                ("technologies",),
                f"`{metric}` is reported by {', '.join(sorted(slugs))} "
                f"but not by {', '.join(missing)}",
            )
