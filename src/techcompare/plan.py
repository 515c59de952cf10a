"""Plan the pages of a site before deriving them: what each page is and what it reads.

Input: a resolved `Site`. Output: `PageSpec`s, each with the content it depends on. Keys
name content files (`technologies/x.yaml`) or a file's listing facet
(`technologies/x.yaml#listing`: the name, kind, summary and categories other pages show), so
an incremental build re-renders exactly the pages a change can affect: renaming a
technology touches every page that lists it, editing its overview only the pages that show
it in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Comparison, Technology
from .resolve import Site


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


def comparison_url(slug: str) -> str:
    return f"compare/{slug}/"


def category_url(slug: str) -> str:
    return f"categories/{slug}/"


def technology_url(slug: str) -> str:
    return f"technologies/{slug}/"


def listing_key(key: str) -> str:
    """The key of the part of a file that listings show (names, summaries, categories)."""
    return f"{key}#listing"


def _technology_listing(tech: Technology | None) -> object:
    return None if tech is None else (tech.name, tech.kind, tech.summary, tech.categories)


def _comparison_listing(comparison: Comparison | None) -> object:
    if comparison is None:
        return None
    return (
        comparison.title,
        comparison.summary,
        comparison.category,
        comparison.technologies,
        comparison.published,
        comparison.updated,
    )


def changed_keys(old: Site, new: Site, files: set[str]) -> set[str]:
    """The dependency keys a change of `files` touches: the files themselves, and the
    listing facet of each technology or comparison whose listed fields changed."""
    keys = set(files)
    for slug in set(old.technologies) | set(new.technologies):
        key = technology_key(slug)
        if key in files and _technology_listing(old.technologies.get(slug)) != (
            _technology_listing(new.technologies.get(slug))
        ):
            keys.add(listing_key(key))
    for slug in set(old.comparisons) | set(new.comparisons):
        key = comparison_key(slug)
        if key in files and _comparison_listing(old.comparisons.get(slug)) != (
            _comparison_listing(new.comparisons.get(slug))
        ):
            keys.add(listing_key(key))
    return keys


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site with its dependencies, in a stable order."""
    base = {SITE_KEY}
    with_figures = base | {METRICS_KEY}
    listed_techs = {slug: listing_key(technology_key(slug)) for slug in site.technologies}
    listed_comparisons = {slug: listing_key(comparison_key(slug)) for slug in site.comparisons}
    specs = [
        PageSpec(
            "index.html",
            "home",
            None,
            frozenset(base | set(listed_techs.values()) | set(listed_comparisons.values())),
        )
    ]
    for slug, comparison in site.comparisons.items():
        deps = with_figures | {comparison_key(slug)}
        deps |= {technology_key(t) for t in comparison.technologies}
        specs.append(
            PageSpec(f"{comparison_url(slug)}index.html", "comparison", slug, frozenset(deps))
        )
    for slug, tech in site.technologies.items():
        # Its own file in full; the names of the comparisons it is in and of the technologies
        # it shares a category with (its picker and its generated comparisons list them).
        deps = with_figures | {technology_key(slug)}
        deps |= {listed_comparisons[c] for c in site.comparisons_with(slug)}
        deps |= {
            listed_techs[other]
            for other, candidate in site.technologies.items()
            if set(candidate.categories) & set(tech.categories)
        }
        specs.append(
            PageSpec(f"{technology_url(slug)}index.html", "technology", slug, frozenset(deps))
        )
    for pair in generated_pairs(site):
        deps = with_figures | {technology_key(pair.first), technology_key(pair.second)}
        specs.append(
            PageSpec(
                f"{comparison_url(pair.slug)}index.html", "generated", pair.slug, frozenset(deps)
            )
        )
    for category in site.categories:
        deps = base | {
            listed_techs[s] for s, t in site.technologies.items() if category in t.categories
        }
        deps |= {
            listed_comparisons[s] for s, c in site.comparisons.items() if c.category == category
        }
        specs.append(
            PageSpec(f"{category_url(category)}index.html", "category", category, frozenset(deps))
        )
    if site.settings.features.search:
        specs.append(PageSpec("search/index.html", "search", None, frozenset(base)))
    specs.append(PageSpec("404.html", "404", None, frozenset(base)))
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
    seen: set[frozenset[str]] = set()
    for category in site.categories:
        members = sorted(s for s, t in site.technologies.items() if category in t.categories)
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = frozenset((first, second))
                if pair in covered or pair in seen:
                    continue
                seen.add(pair)
                # `a` + `vs-b` and `a-vs` + `b` both read `a-vs-vs-b`: number the later one.
                base = slug = f"{first}-vs-{second}"
                number = 1
                while slug in pairs or slug in site.comparisons:
                    number += 1
                    slug = f"{base}-{number}"
                pairs[slug] = GeneratedPair(slug, first, second, category)
    return [pairs[slug] for slug in sorted(pairs)]
