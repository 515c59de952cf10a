"""The site's data as JSON under `/api/`, for the client-side picker and for anyone else.

Input: a resolved `Site` and a function giving a page's public address. Output: the files to
write, by path in the output folder:

- `api/site.json`: every category, metric, technology and written comparison, as validated
  (`model_dump(mode="json")`), plus each page's address and each figure's display text;
- `api/schema.json`: the JSON Schema (draft 2020-12) of `site.json`, generated from the
  export models below, which extend the content models, so the two cannot drift apart;
- `api/index.json`: what the folder holds.

The export is deterministic: lists in the site's order (slugs sorted), keys sorted, no build
time. It is JSON, not HTML: a `</script>` in the content stays a plain string, and it is
served as `application/json`, never embedded in a page.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from .figures import format_figure
from .models import (
    Category,
    Community,
    Comparison,
    Figure,
    Metric,
    Model,
    Pricing,
    Slug,
    Technology,
)
from .plan import category_url, comparison_url, technology_url
from .resolve import Site
from .schema import DRAFT, _restrict_mapping_keys, schema_json

API_DIR = "api"
SITE_FILE = "site.json"
SCHEMA_FILE = "schema.json"
INDEX_FILE = "index.json"
FORMAT_VERSION = 1

PagePath = Field(description="Address of the page relative to the site root, such as `x/y/`.")
PublicUrl = Field(
    description="Public address of the page: absolute when the site's base URL names a host, "
    "otherwise a path from the host's root."
)


# --- the shape of site.json ---------------------------------------------------------------
# Each model extends the content model it exports, adding what a reader of the JSON needs
# but the YAML does not hold. Fields whose type changes to an export model need
# `type: ignore[assignment]`: a list of a subclass is not a list of its base for mypy.


class FigureExport(Figure):
    """A figure as in the content, with the text the site shows for it."""

    text: str = Field(description="The figure as the site shows it, such as `~5–15 ms`.")


class CommunityExport(Community):
    figures: list[FigureExport] = Field(  # type: ignore[assignment]
        default_factory=list, description="Community figures (metrics of group `community`)."
    )


class PricingExport(Pricing):
    total_cost: FigureExport | None = Field(
        None, description="Estimated running cost for a medium-scale service (a `cost` metric)."
    )


class TechnologyExport(Technology):
    """A technology as in its file, with its slug and page address."""

    slug: Slug = Field(description="Identifier: the file name without `.yaml`.")
    path: str = PagePath
    url: str = PublicUrl
    benchmarks: list[FigureExport] = Field(  # type: ignore[assignment]
        default_factory=list, description="Performance figures (metrics of group `performance`)."
    )
    community: CommunityExport | None = Field(None, description="Community and long-term support.")
    pricing: PricingExport | None = Field(None, description="Pricing and licensing.")


class ComparisonExport(Comparison):
    """A written comparison as in its file, with its slug and page address."""

    slug: Slug = Field(description="Identifier: the file name without `.yaml`.")
    path: str = PagePath
    url: str = PublicUrl


class MetricExport(Metric):
    """A metric of the registry, with its slug."""

    slug: Slug = Field(description="Identifier that figures name in `metric`.")


class CategoryExport(Category):
    """A category, with its page address and what belongs to it."""

    path: str = PagePath
    url: str = PublicUrl
    technologies: list[Slug] = Field(description="Technologies in the category, by slug.")
    comparisons: list[Slug] = Field(description="Written comparisons in the category, by slug.")


class SiteInfo(Model):
    """What the site is."""

    title: str = Field(description="Site name.")
    tagline: str = Field(description="One line about the site.")
    description: str = Field(description="What the site is about.")
    language: str = Field(description="Language of the content as a BCP 47 tag.")
    url: str = Field(description="Public address of the home page.")


class SiteExport(Model):
    """`api/site.json`: everything the site knows, as validated, in a stable order."""

    format_version: Literal[1] = Field(
        description="Version of this export's shape; it changes when a reader would break."
    )
    site: SiteInfo = Field(description="The site itself.")
    categories: list[CategoryExport] = Field(description="Categories, in `site.yaml` order.")
    metrics: list[MetricExport] = Field(description="Metrics, in `metrics.yaml` order.")
    technologies: list[TechnologyExport] = Field(description="Technologies, by slug.")
    comparisons: list[ComparisonExport] = Field(description="Written comparisons, by slug.")


# --- building it --------------------------------------------------------------------------


def site_export(site: Site, link: Callable[[str], str]) -> dict[str, Any]:
    """The export of `site` as JSON-ready data, in the shape of `SiteExport` (the tests hold
    the output to the published schema); `link` turns a site path into a public address."""
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "site": {
            "title": site.settings.title,
            "tagline": site.settings.tagline,
            "description": site.settings.description,
            "language": site.settings.language,
            "url": link(""),
        },
        "categories": [
            {
                **category.model_dump(mode="json"),
                "path": category_url(slug),
                "url": link(category_url(slug)),
                "technologies": [s for s, t in site.technologies.items() if slug in t.categories],
                "comparisons": [s for s, c in site.comparisons.items() if c.category == slug],
            }
            for slug, category in site.categories.items()
        ],
        "metrics": [
            {**metric.model_dump(mode="json"), "slug": slug}
            for slug, metric in site.metrics.items()
        ],
        "technologies": [
            _technology(site, slug, tech, link) for slug, tech in site.technologies.items()
        ],
        "comparisons": [
            {
                **comparison.model_dump(mode="json"),
                "slug": slug,
                "path": comparison_url(slug),
                "url": link(comparison_url(slug)),
            }
            for slug, comparison in site.comparisons.items()
        ],
    }
    return data


def _technology(
    site: Site, slug: str, tech: Technology, link: Callable[[str], str]
) -> dict[str, Any]:
    def with_text(figure: Figure) -> dict[str, Any]:
        text = format_figure(figure, site.metrics[figure.metric])
        return {**figure.model_dump(mode="json"), "text": text}

    data = tech.model_dump(mode="json")
    data["benchmarks"] = [with_text(figure) for figure in tech.benchmarks]
    if tech.community is not None:
        data["community"]["figures"] = [with_text(f) for f in tech.community.figures]
    if tech.pricing is not None and tech.pricing.total_cost is not None:
        data["pricing"]["total_cost"] = with_text(tech.pricing.total_cost)
    return {
        **data,
        "slug": slug,
        "path": technology_url(slug),
        "url": link(technology_url(slug)),
    }


def export_json(export: dict[str, Any]) -> bytes:
    """`site.json` as bytes: compact, keys sorted, UTF-8, ending in a newline."""
    text = json.dumps(
        export,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return (text + "\n").encode("utf-8")


@functools.cache
def export_schema_json() -> str:
    """The JSON Schema of `site.json` as text (the same for every site, so computed once)."""
    return schema_json(export_schema())


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `site.json`, from the export models."""
    schema = SiteExport.model_json_schema(mode="serialization")
    _restrict_mapping_keys(schema)
    return {"$schema": DRAFT, **schema, "title": "techcompare site export (api/site.json)"}


def api_files(site: Site, link: Callable[[str], str]) -> dict[str, bytes]:
    """The files of `/api/`, by path in the output folder."""
    index = {
        "format_version": FORMAT_VERSION,
        "files": [
            {
                "name": SITE_FILE,
                "url": link(f"{API_DIR}/{SITE_FILE}"),
                "description": "Every category, metric, technology and comparison of the site.",
                "schema": SCHEMA_FILE,
            },
            {
                "name": SCHEMA_FILE,
                "url": link(f"{API_DIR}/{SCHEMA_FILE}"),
                "description": f"JSON Schema (draft 2020-12) of {SITE_FILE}.",
            },
        ],
    }
    return {
        f"{API_DIR}/{INDEX_FILE}": (json.dumps(index, indent=2, sort_keys=True) + "\n").encode(),
        f"{API_DIR}/{SITE_FILE}": export_json(site_export(site, link)),
        f"{API_DIR}/{SCHEMA_FILE}": export_schema_json().encode("utf-8"),
    }
