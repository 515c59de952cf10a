"""Files about the site rather than pages of it: sitemap.xml, robots.txt and the Atom feed.

Sitemaps and feeds need absolute addresses, so they are written only when the base URL names
a host (`--base-url https://example.org/`); robots.txt is always written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from xml.etree import ElementTree as ET

from .plan import PageSpec, comparison_url
from .resolve import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def site_files(
    site: Site, specs: list[PageSpec], absolute: Callable[[str], str] | None
) -> dict[str, bytes]:
    """The extra files to write, by output path."""
    files = {"robots.txt": _robots(absolute)}
    if absolute is not None:
        files["sitemap.xml"] = _sitemap(site, specs, absolute)
        files["feed.xml"] = _feed(site, absolute)
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


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def _sitemap(site: Site, specs: list[PageSpec], absolute: Callable[[str], str]) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP)
    newest = max((c.updated for c in site.comparisons.values()), default=None)
    for spec in specs:
        if spec.kind in ("404", "search"):
            continue
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = absolute(spec.path.removesuffix("index.html"))
        modified = _last_modified(site, spec, newest)
        if modified:
            ET.SubElement(url, "lastmod").text = modified.isoformat()
    return _xml(urlset)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _feed(site: Site, absolute: Callable[[str], str]) -> bytes:
    """An Atom feed of comparisons, newest update first; its dates come from the content."""
    feed = ET.Element("feed", xmlns=ATOM)
    settings = site.settings
    ET.SubElement(feed, "title").text = settings.title
    ET.SubElement(feed, "subtitle").text = settings.tagline
    ET.SubElement(feed, "id").text = absolute("")
    ET.SubElement(feed, "link", href=absolute(""))
    ET.SubElement(feed, "link", rel="self", href=absolute("feed.xml"))
    ordered = sorted(
        site.comparisons.items(), key=lambda item: (item[1].updated, item[0]), reverse=True
    )
    newest = ordered[0][1].updated if ordered else date(2000, 1, 1)
    ET.SubElement(feed, "updated").text = _stamp(newest)
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = settings.title
    for slug, comparison in ordered:
        entry = ET.SubElement(feed, "entry")
        link = absolute(comparison_url(slug))
        ET.SubElement(entry, "title").text = comparison.title
        ET.SubElement(entry, "id").text = link
        ET.SubElement(entry, "link", href=link)
        ET.SubElement(entry, "published").text = _stamp(comparison.published)
        ET.SubElement(entry, "updated").text = _stamp(comparison.updated)
        ET.SubElement(entry, "summary").text = comparison.summary
    return _xml(feed)
