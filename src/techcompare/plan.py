"""Plan the pages of a site before deriving them: what each page is and what it reads.

Input: a resolved `Site`. Output: `PageSpec`s, each with the content it depends on. Keys
name content files (`technologies/x.yaml`) or a facet of one: its listing
(`technologies/x.yaml#listing`: the name, kind, summary and categories that cards on other
pages show) or, for a technology, its name (`technologies/x.yaml#name`: the name and
categories that pickers and lists of generated comparisons show) and what comparison pages
show of it (`technologies/x.yaml#compared`: all of it but its summary). An incremental
build re-renders exactly the pages a change can affect: renaming a technology touches every
page that lists it, editing its summary only its own page and those with its card, its
overview its own page and the comparisons it is in.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Technology
from .packed import PackedComparison
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


def name_key(key: str) -> str:
    """The key of a technology's name and categories, all that pickers show of it."""
    return f"{key}#name"


def compared_key(key: str) -> str:
    """The key of what comparison pages show of a technology: all of it but its summary."""
    return f"{key}#compared"


def _technology_listing(tech: Technology | None) -> object:
    return None if tech is None else (tech.name, tech.kind, tech.summary, tech.categories)


def _technology_name(tech: Technology | None) -> object:
    return None if tech is None else (tech.name, tech.categories)


def _technology_compared(tech: Technology | None) -> object:
    return None if tech is None else tech.model_dump(exclude={"summary"})


def _comparison_listing(comparison: PackedComparison | None) -> object:
    return None if comparison is None else comparison.listing()


def changed_keys(old: Site, new: Site, files: set[str], by_facet: bool = True) -> set[str]:
    """The dependency keys a change of `files` touches: the files themselves, and the
    facets of each technology or comparison whose fields in that facet changed.

    The facets say what the bundled templates show. Templates of one's own may show any
    field anywhere: for them (`by_facet` false) every facet of a changed file counts as
    changed.
    """
    keys = set(files)
    if not by_facet:
        keys |= {facet(key) for key in files for facet in (listing_key, name_key, compared_key)}
    for slug in set(old.technologies) | set(new.technologies):
        key = technology_key(slug)
        if key not in files:
            continue
        before, after = old.technologies.get(slug), new.technologies.get(slug)
        if _technology_listing(before) != _technology_listing(after):
            keys.add(listing_key(key))
        if _technology_name(before) != _technology_name(after):
            keys.add(name_key(key))
        if _technology_compared(before) != _technology_compared(after):
            keys.add(compared_key(key))
    for slug in set(old.comparisons) | set(new.comparisons):
        key = comparison_key(slug)
        if key in files and _comparison_listing(old.comparisons.get(slug)) != (
            _comparison_listing(new.comparisons.get(slug))
        ):
            keys.add(listing_key(key))
    if any(_may_move_pairs(key) for key in keys):
        keys |= _moved_pair_keys(old, new)
    return keys


def _may_move_pairs(key: str) -> bool:
    """Whether a change of `key` can change the generated comparisons: the categories, the
    technologies' categories, the comparisons' technologies and addresses."""
    return (
        key == SITE_KEY
        or key.endswith("#name")
        or (key.startswith("comparisons/") and key.endswith("#listing"))
    )


def _moved_pair_keys(old: Site, new: Site) -> set[str]:
    """The name and listing keys of both technologies of each generated comparison that
    came, went, or moved to another address or category: the pages that list generated
    comparisons depend on those keys. (A written comparison can take the address of a
    generated one without naming its technologies: see `generated_pairs`.)"""
    before = {(p.first, p.second): (p.slug, p.category) for p in generated_pairs(old)}
    after = {(p.first, p.second): (p.slug, p.category) for p in generated_pairs(new)}
    keys = set()
    for pair in before.keys() | after.keys():
        if before.get(pair) != after.get(pair):
            for slug in pair:
                keys |= {name_key(technology_key(slug)), listing_key(technology_key(slug))}
    return keys


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site with its dependencies, in a stable order."""
    base = {SITE_KEY}
    with_figures = base | {METRICS_KEY}
    # Each key made once, shared by every page that depends on it.
    listed_techs = {slug: listing_key(technology_key(slug)) for slug in site.technologies}
    compared_techs = {slug: compared_key(technology_key(slug)) for slug in site.technologies}
    named_techs = {slug: name_key(technology_key(slug)) for slug in site.technologies}
    listed_comparisons = {slug: listing_key(comparison_key(slug)) for slug in site.comparisons}
    members = category_members(site)
    written = comparisons_by_category(site)
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
        deps |= {compared_techs[t] for t in comparison.technologies}
        specs.append(
            PageSpec(f"{comparison_url(slug)}index.html", "comparison", slug, frozenset(deps))
        )
    for slug, tech in site.technologies.items():
        # Its own file in full; the listings of the comparisons it is in, and the names of
        # the technologies it shares a category with (its picker and its generated
        # comparisons list them).
        deps = with_figures | {technology_key(slug)}
        deps |= {listed_comparisons[c] for c in site.comparisons_with(slug)}
        for category in tech.categories:
            deps |= {named_techs[other] for other in members.get(category, ())}
        specs.append(
            PageSpec(f"{technology_url(slug)}index.html", "technology", slug, frozenset(deps))
        )
    for pair in generated_pairs(site):
        deps = with_figures | {compared_techs[pair.first], compared_techs[pair.second]}
        specs.append(
            PageSpec(
                f"{comparison_url(pair.slug)}index.html", "generated", pair.slug, frozenset(deps)
            )
        )
    for category in site.categories:
        deps = base | {listed_techs[s] for s in members[category]}
        deps |= {listed_comparisons[s] for s in written[category]}
        specs.append(
            PageSpec(f"{category_url(category)}index.html", "category", category, frozenset(deps))
        )
    if site.settings.features.search:
        specs.append(PageSpec("search/index.html", "search", None, frozenset(base)))
    specs.append(PageSpec("404.html", "404", None, frozenset(base)))
    return specs


def category_members(site: Site) -> dict[str, list[str]]:
    """The technologies of each category, in slug order."""
    members: dict[str, list[str]] = {category: [] for category in site.categories}
    for slug, tech in site.technologies.items():
        for category in dict.fromkeys(tech.categories):  # a category named twice counts once
            members.setdefault(category, []).append(slug)
    return members


def comparisons_by_category(site: Site) -> dict[str, list[str]]:
    """The written comparisons of each category, in slug order."""
    written: dict[str, list[str]] = {category: [] for category in site.categories}
    for slug, comparison in site.comparisons.items():
        written.setdefault(comparison.category, []).append(slug)
    return written


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
    # Two technologies are covered when some written comparison includes both.
    including = {slug: set(site.comparisons_with(slug)) for slug in site.technologies}
    pairs: dict[str, GeneratedPair] = {}
    seen: set[frozenset[str]] = set()
    members_of = category_members(site)
    for category in site.categories:
        members = sorted(members_of[category])
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = frozenset((first, second))
                if pair in seen or not including[first].isdisjoint(including[second]):
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
