"""JSON-LD for search engines: an Article per comparison, an ItemList on the home page.

Input: a derived `Page` and a function giving public URLs. Output: a schema.org object, or
None for pages that describe nothing in particular (the 404 page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .pages import Page

Link = Callable[[str], str]


def json_ld(page: Page, link: Link, site_name: str) -> dict[str, Any] | None:
    context = page.context
    publisher = {"@type": "Organization", "name": site_name}
    if page.kind == "comparison":
        comparison = context["comparison"]
        return {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": comparison.title,
            "description": comparison.summary,
            "datePublished": comparison.published.isoformat(),
            "dateModified": comparison.updated.isoformat(),
            "mainEntityOfPage": link(page.path.removesuffix("index.html")),
            "author": publisher,
            "publisher": publisher,
            "about": [
                {"@type": "Thing", "name": tech.model.name, "url": tech.model.homepage}
                for tech in context["techs"]
            ],
        }
    if page.kind == "home":
        listed = sorted(
            {(c.title, href) for _, items, _ in context["by_category"] for c, href in items}
        )
        return {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": f"{site_name}: comparisons",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": index,
                    "name": title,
                    "url": link(href),
                }
                for index, (title, href) in enumerate(listed, start=1)
            ],
        }
    if page.kind == "technology":
        tech = context["tech"]
        return {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": tech.model.name,
            "description": tech.model.summary,
            "url": link(page.path.removesuffix("index.html")),
            "dateModified": tech.model.reviewed_on.isoformat(),
            "about": {"@type": "Thing", "name": tech.model.name, "url": tech.model.homepage},
            "publisher": publisher,
        }
    return None
