"""Files about the site: sitemap.xml, robots.txt, the Atom feed, JSON-LD and canonical URLs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from testkit import DATABASES, REPO, build, parse_html

from techcompare.site_files import SiteFilesCache

BASE = "https://example.org/sub/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("files") / "site"
    build(REPO / "content", out, base_url=BASE, today=None)
    return out


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def public_url(page: str) -> str:
    return BASE + page.removesuffix("index.html")


def test_sitemap_lists_every_page_but_404_and_search(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    listed = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    expected = [
        public_url(page)
        for page in html_pages(site)
        if page not in ("404.html", "search/index.html")
    ]
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))
    for url in root.iter(f"{SITEMAP}url"):
        lastmod = url.find(f"{SITEMAP}lastmod")
        assert lastmod is not None and len(lastmod.text or "") == 10


def test_robots_points_to_the_sitemap(site: Path) -> None:
    robots = (site / "robots.txt").read_text()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_feed_is_atom_with_an_entry_per_comparison(site: Path) -> None:
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text == BASE  # type: ignore[union-attr]
    entries = root.findall(f"{ATOM}entry")
    comparisons = sorted((site / "compare").glob("*/index.html"))
    written = [p for p in comparisons if "Generated from data" not in p.read_text()]
    assert len(entries) == len(written) >= 1
    for entry in entries:
        link = entry.find(f"{ATOM}link").attrib["href"]  # type: ignore[union-attr]
        assert link.startswith(BASE + "compare/")
        assert (site / link.removeprefix(BASE) / "index.html").is_file()
        assert entry.find(f"{ATOM}updated").text.endswith("T00:00:00Z")  # type: ignore[union-attr]


def json_ld(page_html: Path) -> dict:
    """The JSON-LD object embedded in a page."""
    script = parse_html(page_html.read_text()).find("script", type="application/ld+json")
    return json.loads(script.raw_text())


def test_json_ld_is_an_article_on_comparisons_and_an_item_list_at_home(site: Path) -> None:
    article = json_ld(site / "compare/graphql-vs-grpc-vs-websockets/index.html")
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "Article"
    assert article["headline"] and article["datePublished"] <= article["dateModified"]
    assert article["mainEntityOfPage"] == BASE + "compare/graphql-vs-grpc-vs-websockets/"
    assert {thing["name"] for thing in article["about"]} == {"GraphQL", "gRPC", "WebSockets"}
    home = json_ld(site / "index.html")
    assert home["@type"] == "ItemList"
    items = home["itemListElement"]
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    assert all(item["url"].startswith(BASE) for item in items)


def test_every_page_has_a_canonical_url_and_social_meta(site: Path) -> None:
    for page in html_pages(site):
        if page == "404.html":
            continue
        head = parse_html((site / page).read_text()).find("head")
        assert head.find("link", rel="canonical").attrs["href"] == public_url(page), page
        for meta in ("og:title", "og:description"):
            assert head.find("meta", property=meta).attrs["content"], (page, meta)
        assert head.find("meta", name="twitter:card").attrs["content"] == "summary", page


def test_without_a_host_there_is_no_sitemap_or_feed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(DATABASES, out)
    assert (out / "robots.txt").read_text().count("Sitemap") == 0
    assert not (out / "sitemap.xml").exists()
    assert not (out / "feed.xml").exists()


def test_the_cache_writes_a_file_again_only_when_what_it_says_changed() -> None:
    cache = SiteFilesCache()
    written: list[object] = []

    def write(entries: object) -> bytes:
        written.append(entries)
        return repr(entries).encode()

    entries = [("https://example.org/a/", "2025-01-02"), ("https://example.org/b/", None)]
    first = cache.get("sitemap.xml", entries, write)
    # Equal entries made again, as the next build makes them: the same file, not written.
    again = cache.get("sitemap.xml", [tuple(entry) for entry in entries], write)
    assert again is first and len(written) == 1
    # Any change of what it says, even from a date to the same text, writes it again.
    for changed in (
        [entries[0], ("https://example.org/b/", "2025-01-03")],
        [entries[0], ("https://example.org/b/", date(2025, 1, 3))],
        [entries[1], entries[0]],
        entries[:1],
    ):
        assert cache.get("sitemap.xml", changed, write) == repr(changed).encode()
        assert written[-1] == changed
    assert len(written) == 5
    # Each file is cached on its own.
    cache.get("feed.xml", entries, write)
    assert len(written) == 6
