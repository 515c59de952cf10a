"""The rest of the bundled site in Chromium (home, technology pages, the 404 page), and the
comparison page of the `databases` fixture site, which proves charts work for any
technologies, not only the bundled ones."""

from __future__ import annotations

import pytest

from .conftest import (
    DESKTOP,
    PHONE,
    OpenPage,
    ServedSite,
    TrackedPage,
    draw_all_charts,
    viewport_name,
)

VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def fits_the_viewport(tracked: TrackedPage) -> bool:
    return tracked.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_home_page(
    open_page: OpenPage, bundled_server: ServedSite, viewport: tuple[int, int]
) -> None:
    tracked = open_page(width=viewport[0], height=viewport[1])
    tracked.goto(bundled_server.url("/"))
    page = tracked.page
    assert page.locator("h1").is_visible()
    assert page.locator("a[href*='/compare/']").count() >= 1
    assert fits_the_viewport(tracked), "the home page scrolls sideways"
    tracked.shoot(f"home-{viewport_name(viewport)}", full_page=True)
    tracked.assert_clean()
    # The home page has no chart, so it must not pay for plotly.
    assert page.locator("script[src*='plotly']").count() == 0
    assert not [url for url in tracked.requested if "plotly" in url]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_technology_pages(
    open_page: OpenPage, bundled_server: ServedSite, viewport: tuple[int, int]
) -> None:
    paths = bundled_server.pages("technologies")
    assert len(paths) >= 3, paths
    for path in paths:
        tracked = open_page(width=viewport[0], height=viewport[1])
        tracked.goto(bundled_server.url(path))
        assert tracked.page.locator("h1").is_visible(), path
        assert fits_the_viewport(tracked), f"{path} scrolls sideways"
        if tracked.page.locator(".chart").count():
            draw_all_charts(tracked)
        tracked.shoot(f"{path}-{viewport_name(viewport)}", full_page=True)
        tracked.assert_clean()
        tracked.page.context.close()


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
