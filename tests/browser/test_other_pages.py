"""The rest of the bundled site in Chromium (home, technology pages, the 404 page), and the
comparison page of the `databases` fixture site, which proves charts work for any
technologies, not only the bundled ones."""

from __future__ import annotations

from .conftest import (
    DESKTOP,
    PHONE,
    OpenPage,
    ServedSite,
    TrackedPage,
    broken_links,
    draw_all_charts,
)


def fits_the_viewport(tracked: TrackedPage) -> bool:
    return tracked.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_home_page(open_page: OpenPage, bundled_server: ServedSite) -> None:
    tracked = open_page(width=DESKTOP[0], height=DESKTOP[1])
    tracked.goto(bundled_server.url("/"))
    page = tracked.page
    assert page.locator("a[href*='/compare/']").count() >= 1
    # The home page has no chart, so it must not pay for plotly.
    assert page.locator("script[src*='plotly']").count() == 0
    check_opened_page("", tracked)
    assert not [url for url in tracked.requested if "plotly" in url]


def check_pages(open_page: OpenPage, site: ServedSite, paths: list[str]) -> None:
    """Each page loads cleanly, shows its heading, draws any chart, links only to addresses
    that exist, and fits the width of a desktop and of a phone.

    The pages are opened side by side so that they settle in parallel; each is checked at
    desktop width, then narrowed to phone width."""
    opened = []
    for path in paths:
        tracked = open_page(width=DESKTOP[0], height=DESKTOP[1])
        tracked.goto(site.url(path))
        opened.append((path, tracked))
    for path, tracked in opened:
        check_opened_page(path, tracked)


def check_opened_page(path: str, tracked: TrackedPage) -> None:
    page = tracked.page
    name = path.strip("/") or "home"
    assert page.locator("h1").is_visible(), path
    assert fits_the_viewport(tracked), f"/{path} scrolls sideways on a desktop"
    if page.locator(".chart").count():
        draw_all_charts(tracked)
    assert not broken_links(tracked), path
    tracked.shoot(f"{name}-desktop", full_page=True)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    assert page.locator("h1").is_visible(), path
    assert fits_the_viewport(tracked), f"/{path} scrolls sideways on a phone"
    tracked.shoot(f"{name}-phone", full_page=True)
    tracked.assert_clean()


def test_technology_pages(open_page: OpenPage, bundled_server: ServedSite) -> None:
    paths = bundled_server.pages("technologies")
    assert len(paths) >= 3, paths
    check_pages(open_page, bundled_server, paths)


def test_every_other_page(open_page: OpenPage, bundled_server: ServedSite) -> None:
    """Every other page of the bundled site (categories, comparisons generated from data and
    whatever comes next), except the written comparison that test_comparison_page covers."""
    covered = {"", "compare/graphql-vs-grpc-vs-websockets/"}
    covered.update(bundled_server.pages("technologies"))
    paths = [path for path in bundled_server.all_pages() if path not in covered]
    check_pages(open_page, bundled_server, paths)


def test_not_found_page(open_page: OpenPage, bundled_server: ServedSite) -> None:
    tracked = open_page()
    tracked.goto(bundled_server.url("404.html"))
    assert tracked.page.locator("h1").is_visible()
    tracked.shoot("404-desktop")
    # Hosts serve it for any missing address at any depth, so its assets cannot use relative
    # addresses.
    stylesheet = tracked.page.locator("link[rel=stylesheet]").get_attribute("href") or ""
    assert stylesheet.startswith(("/", "http://", "https://")), stylesheet
    tracked.assert_clean()


def test_databases_comparison_draws_its_charts(
    open_page: OpenPage, databases_server: ServedSite
) -> None:
    paths = databases_server.pages("compare")
    assert paths, "the databases fixture site has no comparison page"
    for path in paths:
        tracked = open_page()
        tracked.goto(databases_server.url(path))
        charts = tracked.page.locator(".chart").count()
        assert charts >= 1, f"{path} has no chart"
        assert draw_all_charts(tracked) == charts
        tracked.shoot(f"databases-{path}", full_page=True)
        tracked.assert_clean()
