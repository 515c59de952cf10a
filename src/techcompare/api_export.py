"""The site's data as JSON under `/api/`, for the client-side picker and for anyone else.

Input: a resolved `Site` and a function giving a page's public address. Output: the files to
write, by path in the output folder:

- `api/site.json`: every category, metric, technology and written comparison, as validated
  (`model_dump(mode="json")`), plus each page's address and each figure's display text;
- `api/schema.json`: the JSON Schema (draft 2020-12) of `site.json`, generated from the
  export models below, which extend the content models, so the two cannot drift apart;
- `api/picker.json`: what the technology picker reads: `site.json` with each technology cut
  down to the fields the picker shows (`PICKER_FIELDS`: no overview, use cases or code) and
  each comparison to its slug, title, address and technologies;
- `api/index.json`: what the folder holds.

The export is deterministic: lists in the site's order (slugs sorted), keys sorted, no build
time. It is JSON, not HTML: a `</script>` in the content stays a plain string, and it is
served as `application/json`, never embedded in a page.

`site.json` is assembled from one piece of JSON per technology and comparison. With an
`ExportCache`, kept between builds, a piece is serialised again only when its model changed
(the loader hands back the same objects for unchanged files), so a rebuild after one edit
re-serialises that file's piece, not the whole site. The cache keeps its pieces in a
temporary file (`PieceStore`), not in memory: they weigh as much as `site.json` (200 MB at
10,000 comparisons) and are read again only to write `site.json`, one at a time.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

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
from .packed import PackedComparison
from .plan import category_url, comparison_url, technology_url
from .resolve import Site
from .schema import DRAFT, _restrict_mapping_keys, schema_json

API_DIR = "api"
SITE_FILE = "site.json"
PICKER_FILE = "picker.json"
# What `picker.json` keeps of a technology: what static/picker.js reads.
PICKER_FIELDS = (
    *("slug", "name", "path", "url", "kind", "license", "summary", "best_for", "categories"),
    *("benchmarks", "community", "pricing", "pros", "cons"),
)
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
    return {
        **site_export_parts(site, link),
        "technologies": [
            _technology(site, slug, tech, link) for slug, tech in site.technologies.items()
        ],
        "comparisons": [
            _comparison(slug, comparison.unpack(), link)
            for slug, comparison in site.comparisons.items()
        ],
    }


def site_export_parts(site: Site, link: Callable[[str], str]) -> dict[str, Any]:
    """The export of `site` but its technologies and comparisons: the small parts."""
    members: dict[str, list[str]] = {slug: [] for slug in site.categories}
    for slug, tech in site.technologies.items():
        for category in dict.fromkeys(tech.categories):  # a category named twice counts once
            members[category].append(slug)
    written: dict[str, list[str]] = {slug: [] for slug in site.categories}
    for slug, comparison in site.comparisons.items():
        written[comparison.category].append(slug)
    return {
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
                "technologies": members[slug],
                "comparisons": written[slug],
            }
            for slug, category in site.categories.items()
        ],
        "metrics": [
            {**metric.model_dump(mode="json"), "slug": slug}
            for slug, metric in site.metrics.items()
        ],
    }


def _comparison(slug: str, comparison: Comparison, link: Callable[[str], str]) -> dict[str, Any]:
    return {
        **comparison.model_dump(mode="json"),
        "slug": slug,
        "path": comparison_url(slug),
        "url": link(comparison_url(slug)),
    }


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
    return _compact(export) + b"\n"


def _compact(value: Any) -> bytes:
    """`value` as compact JSON with sorted keys, the form of every piece of `site.json`."""
    text = json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def _json_array(items: list[Piece]) -> list[Piece]:
    """A JSON array of already serialised items, as chunks to join."""
    chunks: list[Piece] = [b","] * (2 * len(items) + 1)
    chunks[0], chunks[-1] = b"[", b"]"
    chunks[1:-1:2] = items
    return chunks if items else [b"[]"]


def _json_object(members: dict[str, list[Piece]]) -> list[Piece]:
    """A JSON object of already serialised values (as chunks), keys sorted as `_compact`
    would, as chunks to join."""
    chunks: list[Piece] = [b"{"]
    for key in sorted(members):
        chunks += [b"," if len(chunks) > 1 else b"", _compact(key), b":", *members[key]]
    return [*chunks, b"}"]


class PieceStore:
    """Pieces of the export written one after the other into a temporary file (deleted when
    the store is), kept there instead of in memory and read back by `StoredPiece`. Only the
    process that made a store writes to it.

    A store can also be made of a file that already holds pieces from `base` on, such as the
    build cache (build_cache.py), which then only reads them."""

    def __init__(self, file: BinaryIO | None = None) -> None:
        # Open as long as the store lives; closed (and a temporary file deleted) with it.
        self._file = file or tempfile.TemporaryFile(prefix="techcompare-export-")  # noqa: SIM115
        weakref.finalize(self, self._file.close)
        self._size = 0
        self.base = 0  # where the pieces start in the file

    def put(self, data: bytes) -> StoredPiece:
        view, offset = memoryview(data), self._size
        while view:
            written = os.pwrite(self._file.fileno(), view, offset)
            view, offset = view[written:], offset + written
        piece = StoredPiece(self, self._size, len(data))
        self._size = offset
        return piece

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self._file.fileno(), length, self.base + offset)
        if len(data) != length:
            raise OSError(f"the export's pieces ended at {offset + len(data)}")
        return data


@dataclass(frozen=True, eq=False)
class StoredPiece:
    """Bytes kept in a `PieceStore`; pickled as the bytes themselves (the store is a file of
    this process only), except by the build cache, which keeps them apart."""

    store: PieceStore
    offset: int
    length: int

    def __len__(self) -> int:
        return self.length

    def __bytes__(self) -> bytes:
        return self.store.read(self.offset, self.length)

    def __reduce__(self) -> tuple[type[bytes], tuple[bytes]]:
        return bytes, (bytes(self),)


# A serialised piece, in memory or kept in a store.
Piece = bytes | StoredPiece


@dataclass(frozen=True, eq=False)
class Chunks:
    """The bytes of a file as the pieces it is made of, written one after the other: a large
    file (`site.json` is 20 MB for 1,000 comparisons, made of each comparison's piece) is
    never held whole in memory."""

    pieces: tuple[Piece, ...]

    def __len__(self) -> int:
        return sum(len(piece) for piece in self.pieces)

    def blobs(self) -> Iterator[bytes]:
        """The bytes of each piece in turn, read from its store when it is kept in one."""
        for piece in self.pieces:
            yield piece if isinstance(piece, bytes) else bytes(piece)

    def __bytes__(self) -> bytes:
        return b"".join(self.blobs())


@dataclass
class ExportCache:
    """Serialised pieces of `site.json` kept between builds, by slug, each with what it was
    made from: reused while the model (and for technologies the metric registry) are the
    same objects and the page address is the same. The pieces are kept in a `PieceStore`;
    `renew` starts a new one, so that a store holds no more than two builds' pieces."""

    technologies: dict[str, tuple[Technology, dict[str, Metric], str, Piece, Piece]] = field(
        default_factory=dict
    )
    comparisons: dict[str, tuple[PackedComparison, str, Piece]] = field(default_factory=dict)
    # The last `site.json`.
    joined: Chunks | None = None
    store: PieceStore | None = None

    def __getstate__(self) -> dict[str, object]:
        # Pickled for the build cache without the last file (it is made again in
        # milliseconds) and without the store: the cache keeps its pieces' bytes itself.
        return {**self.__dict__, "joined": None, "store": None}

    def renew(self) -> None:
        """Keep new pieces in a new store: the previous one is deleted once no piece kept
        here or in a file made before is in it (a full build replaces them all)."""
        self.store = None

    def keep(self, data: bytes) -> StoredPiece:
        if self.store is None:
            self.store = PieceStore()
        return self.store.put(data)

    def join(self, chunks: list[Piece]) -> Chunks:
        """`chunks` as a file, or the last one (the very same object) when every chunk is the
        same object as last time or equal to it."""
        if self.joined is None or not _same_chunks(self.joined.pieces, chunks):
            self.joined = Chunks(tuple(chunks))
        return self.joined

    def technology(self, site: Site, slug: str, link: Callable[[str], str]) -> Piece:
        """The JSON of one technology, serialised again only when it changed."""
        return self._technology_pieces(site, slug, link)[0]

    def picker_technology(self, site: Site, slug: str, link: Callable[[str], str]) -> Piece:
        """The JSON of one technology as `picker.json` has it (`PICKER_FIELDS`)."""
        return self._technology_pieces(site, slug, link)[1]

    def _technology_pieces(
        self, site: Site, slug: str, link: Callable[[str], str]
    ) -> tuple[Piece, Piece]:
        tech, url = site.technologies[slug], link(technology_url(slug))
        cached = self.technologies.get(slug)
        if cached and cached[0] is tech and cached[1] is site.metrics and cached[2] == url:
            return cached[3], cached[4]
        whole, picked = (self.keep(piece) for piece in technology_pieces(site, slug, link))
        self.technologies[slug] = (tech, site.metrics, url, whole, picked)
        return whole, picked

    def comparison(self, site: Site, slug: str, link: Callable[[str], str]) -> Piece:
        """The JSON of one written comparison, serialised again only when it changed."""
        comparison, url = site.comparisons[slug], link(comparison_url(slug))
        cached = self.comparisons.get(slug)
        if cached and cached[0] is comparison and cached[1] == url:
            return cached[2]
        piece = self.keep(comparison_piece(site, slug, link))
        self.comparisons[slug] = (comparison, url, piece)
        return piece

    def adopt(self, site: Site, piece: ExportPiece, link: Callable[[str], str]) -> None:
        """Keep a piece serialised elsewhere (by a render worker, from the same `site`)."""
        kind, slug, serialised = piece
        if kind == "technology":
            url = link(technology_url(slug))
            whole, picked = (self.keep(data) for data in serialised)
            self.technologies[slug] = (site.technologies[slug], site.metrics, url, whole, picked)
        else:
            url = link(comparison_url(slug))
            kept = self.keep(serialised[0])
            self.comparisons[slug] = (site.comparisons[slug], url, kept)

    def forget_missing(self, site: Site) -> None:
        """Drop the pieces of technologies and comparisons the site no longer has."""
        for slug in set(self.technologies) - set(site.technologies):
            del self.technologies[slug]
        for slug in set(self.comparisons) - set(site.comparisons):
            del self.comparisons[slug]


# A technology's or a comparison's part of the export, serialised: ("technology", slug,
# (site.json piece, picker.json piece)) or ("comparison", slug, (site.json piece,)).
ExportPiece = tuple[str, str, tuple[bytes, ...]]


def technology_pieces(site: Site, slug: str, link: Callable[[str], str]) -> tuple[bytes, bytes]:
    """One technology as `site.json` and as `picker.json` hold it, serialised."""
    data = _technology(site, slug, site.technologies[slug], link)
    return _compact(data), _compact(_for_picker(data))


def comparison_piece(site: Site, slug: str, link: Callable[[str], str]) -> bytes:
    """One written comparison as `site.json` holds it, serialised."""
    return _compact(_comparison(slug, site.comparisons[slug].unpack(), link))


def export_piece(
    site: Site, kind: str, slug: str, link: Callable[[str], str]
) -> ExportPiece | None:
    """The part of the export that a page of `kind` about `slug` shows, if any: the render
    worker of a technology's or a comparison's page serialises it, so that the parent only
    joins the pieces."""
    if kind == "technology":
        return (kind, slug, technology_pieces(site, slug, link))
    if kind == "comparison":
        return (kind, slug, (comparison_piece(site, slug, link),))
    return None


def site_json(site: Site, link: Callable[[str], str], cache: ExportCache | None = None) -> Chunks:
    """`site.json`, its bytes equal to `export_json(site_export(site, link))`, assembled from
    pieces that `cache` keeps between builds (none kept without one)."""
    cache = cache if cache is not None else ExportCache()
    cache.forget_missing(site)
    members: dict[str, list[Piece]] = {
        key: [_compact(value)] for key, value in site_export_parts(site, link).items()
    }
    members["technologies"] = _json_array(
        [cache.technology(site, slug, link) for slug in site.technologies]
    )
    members["comparisons"] = _json_array(
        [cache.comparison(site, slug, link) for slug in site.comparisons]
    )
    return cache.join([*_json_object(members), b"\n"])


def picker_json(site: Site, link: Callable[[str], str], cache: ExportCache) -> Chunks:
    """`picker.json`: `site.json` with each technology cut down to `PICKER_FIELDS`
    and each comparison to its slug, title, path and technologies; the technologies' pieces
    are kept in `cache`, as `site.json`'s."""
    members: dict[str, list[Piece]] = {
        key: [_compact(value)] for key, value in site_export_parts(site, link).items()
    }
    members["technologies"] = _json_array(
        [cache.picker_technology(site, slug, link) for slug in site.technologies]
    )
    comparisons = [
        {
            "slug": slug,
            "title": comparison.title,
            "path": comparison_url(slug),
            "technologies": comparison.technologies,
        }
        for slug, comparison in site.comparisons.items()
    ]
    members["comparisons"] = [_compact(comparisons)]
    return Chunks((*_json_object(members), b"\n"))


def _for_picker(technology: dict[str, Any]) -> dict[str, Any]:
    """An exported technology with only the fields the picker reads; of its community, only
    the figures."""
    picked = {key: technology[key] for key in PICKER_FIELDS if key in technology}
    if picked.get("community") is not None:
        picked["community"] = {"figures": picked["community"]["figures"]}
    return picked


def _same_chunks(old: Sequence[Piece], new: Sequence[Piece]) -> bool:
    # The large pieces come from the cache, so they are the same objects when unchanged;
    # comparing identities first spares comparing megabytes.
    return len(old) == len(new) and all(a is b or a == b for a, b in zip(old, new, strict=True))


@functools.cache
def export_schema_json() -> str:
    """The JSON Schema of `site.json` as text (the same for every site, so computed once)."""
    return schema_json(export_schema())


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `site.json`, from the export models."""
    schema = SiteExport.model_json_schema(mode="serialization")
    _restrict_mapping_keys(schema)
    return {"$schema": DRAFT, **schema, "title": "techcompare site export (api/site.json)"}


def api_files(
    site: Site, link: Callable[[str], str], cache: ExportCache | None = None
) -> dict[str, bytes | Chunks]:
    """The files of `/api/`, by path in the output folder; `cache` keeps the serialised
    technologies and comparisons for the next build of the same site."""
    cache = cache if cache is not None else ExportCache()
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
            {
                "name": PICKER_FILE,
                "url": link(f"{API_DIR}/{PICKER_FILE}"),
                "description": f"What the technology picker reads: {SITE_FILE} with each "
                "technology cut down to what the picker shows and each comparison to its "
                "slug, title, path and technologies.",
            },
        ],
    }
    return {
        f"{API_DIR}/{INDEX_FILE}": (json.dumps(index, indent=2, sort_keys=True) + "\n").encode(),
        f"{API_DIR}/{SITE_FILE}": site_json(site, link, cache),
        f"{API_DIR}/{PICKER_FILE}": picker_json(site, link, cache),
        f"{API_DIR}/{SCHEMA_FILE}": export_schema_json().encode("utf-8"),
    }
