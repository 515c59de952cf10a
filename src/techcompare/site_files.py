"""Files about the site rather than pages of it: sitemap.xml, robots.txt and the Atom feed.

Sitemaps and feeds need absolute addresses, so they are written only when the base URL names
a host (`--base-url https://example.org/`); robots.txt is always written.

Each file is worked out from a short list of what it says (addresses and dates); with a
`SiteFilesCache`, kept between builds, the XML is written again only when that list changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from .plan import PageSpec, comparison_url
from .resolve import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


# What the sitemap says: each page's address and last change (an ISO date or None).
SitemapEntries = list[tuple[str, str | None]]

# What the feed says: its title, subtitle and addresses, then per entry the title, address,
# publication and update dates and summary.
FeedEntries = tuple[tuple[str, ...], list[tuple[str, str, date, date, str]]]


@dataclass
class SiteFilesCache:
    """The XML of the last sitemap and feed, with a digest of what they said: written again
    only when what they say changed. A digest, not the lists: at 10,000 comparisons those are
    some 90,000 objects, which the build cache would pickle one by one."""

    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)

    def get(self, name: str, entries: Any, write: Callable[[Any], bytes]) -> bytes:
        """The file `name` for `entries`, from `write` unless it was written for equal ones."""
        digest = _digest(entries)
        cached = self.files.get(name)
        if cached is not None and cached[0] == digest:
            return cached[1]
        data = write(entries)
        self.files[name] = (digest, data)
        return data


def _digest(entries: Any) -> bytes:
    """A digest of a list of strings, dates and None: their `repr` tells them apart."""
    return hashlib.blake2b(repr(entries).encode(), digest_size=32).digest()


def site_files(
    site: Site,
    specs: list[PageSpec],
    absolute: Callable[[str], str] | None,
    cache: SiteFilesCache | None = None,
) -> dict[str, bytes]:
    """The extra files to write, by output path; `cache` keeps the XML for the next build."""
    cache = cache if cache is not None else SiteFilesCache()
    files = {"robots.txt": _robots(absolute)}
    if absolute is not None:
        files["sitemap.xml"] = cache.get(
            "sitemap.xml", _sitemap_entries(site, specs, absolute), _sitemap
        )
        files["feed.xml"] = cache.get("feed.xml", _feed_entries(site, absolute), _feed)
    return files


def _robots(absolute: Callable[[str], str] | None) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if absolute is not None:
        lines.append(f"Sitemap: {absolute('sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode()


def _last_modified(site: Site, spec: PageSpec, newest: date | None) -> date | None:
    """A page's last change: its own date, or for listings the newest comparison's."""
    if spec.kind == "comparison" and spec.slug:
        return site.comparisons[spec.slug].updated
    if spec.kind == "technology" and spec.slug:
        return site.technologies[spec.slug].reviewed_on
    return newest


class _XmlWriter:
    """An XML document written element by element, each on its own line and indented two
    spaces a level: a sitemap or feed of 10,000 entries is never held as a tree of elements
    (ElementTree's took four times the file's size)."""

    def __init__(self) -> None:
        self._buffer = BytesIO()
        self._xml = XMLGenerator(self._buffer, encoding="utf-8", short_empty_elements=True)
        self._xml.startDocument()
        self._depth = 0

    def open(self, name: str, **attributes: str) -> None:
        if self._depth:  # the root element starts the line after the declaration
            self._new_line()
        self._xml.startElement(name, AttributesImpl(attributes))
        self._depth += 1

    def close(self, name: str) -> None:
        self._depth -= 1
        self._new_line()
        self._xml.endElement(name)

    def element(self, name: str, text: str | None = None, **attributes: str) -> None:
        self.open(name, **attributes)
        if text:
            self._xml.characters(text)
        self._depth -= 1
        self._xml.endElement(name)

    def _new_line(self) -> None:
        self._xml.ignorableWhitespace("\n" + "  " * self._depth)

    def finish(self) -> bytes:
        self._xml.endDocument()
        return self._buffer.getvalue() + b"\n"


def _sitemap_entries(
    site: Site, specs: list[PageSpec], absolute: Callable[[str], str]
) -> SitemapEntries:
    """Every page worth finding, with its address and last change."""
    newest = max((c.updated for c in site.comparisons.values()), default=None)
    entries = []
    for spec in specs:
        if spec.kind in ("404", "search"):
            continue
        modified = _last_modified(site, spec, newest)
        loc = absolute(spec.path.removesuffix("index.html"))
        entries.append((loc, modified.isoformat() if modified else None))
    return entries


def _sitemap(entries: SitemapEntries) -> bytes:
    xml = _XmlWriter()
    xml.open("urlset", xmlns=SITEMAP)
    for loc, modified in entries:
        xml.open("url")
        xml.element("loc", loc)
        if modified:
            xml.element("lastmod", modified)
        xml.close("url")
    xml.close("urlset")
    return xml.finish()


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _feed_entries(site: Site, absolute: Callable[[str], str]) -> FeedEntries:
    """The feed's own title and addresses, and its comparisons, newest update first."""
    settings = site.settings
    head = (settings.title, settings.tagline, absolute(""), absolute("feed.xml"))
    ordered = sorted(
        site.comparisons.items(), key=lambda item: (item[1].updated, item[0]), reverse=True
    )
    entries = [
        (c.title, absolute(comparison_url(slug)), c.published, c.updated, c.summary)
        for slug, c in ordered
    ]
    return head, entries


def _feed(feed_entries: FeedEntries) -> bytes:
    """An Atom feed of comparisons, newest update first; its dates come from the content."""
    (title, tagline, home, self_link), entries = feed_entries
    xml = _XmlWriter()
    xml.open("feed", xmlns=ATOM)
    xml.element("title", title)
    xml.element("subtitle", tagline)
    xml.element("id", home)
    xml.element("link", href=home)
    xml.element("link", rel="self", href=self_link)
    newest = entries[0][3] if entries else date(2000, 1, 1)
    xml.element("updated", _stamp(newest))
    xml.open("author")
    xml.element("name", title)
    xml.close("author")
    for entry_title, link, published, updated, summary in entries:
        xml.open("entry")
        xml.element("title", entry_title)
        xml.element("id", link)
        xml.element("link", href=link)
        xml.element("published", _stamp(published))
        xml.element("updated", _stamp(updated))
        xml.element("summary", summary)
        xml.close("entry")
    xml.close("feed")
    return xml.finish()
