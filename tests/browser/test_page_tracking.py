"""What `open_page` counts against a page: a request the page itself gives up on is a
problem; one the browser cancels because the reader went on to another page is not."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from playwright.sync_api import Route

from .conftest import OpenPage, ServedSite, TrackedPage


class HeldPage(NamedTuple):
    tracked: TrackedPage
    url: str  # what the page asks for
    reported: str  # what the failed request is reported as


@pytest.fixture
def held_page(open_page: OpenPage, bundled_server: ServedSite) -> Iterator[HeldPage]:
    """The home page, an address on its site that never answers, and the address its
    requests are reported under: the browser sends them on to a socket that never replies."""
    tracked = open_page()
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}/held-back"

        def send_on(route: Route) -> None:
            route.continue_(url=silent_url)

        url = bundled_server.url("held-back")
        tracked.page.route(url, send_on)
        tracked.goto(bundled_server.url(""))
        yield HeldPage(tracked, url, silent_url)


def test_a_request_the_page_aborts_is_a_problem(held_page: HeldPage) -> None:
    tracked, url, reported = held_page
    tracked.page.evaluate(
        """async url => {
            const control = new AbortController();
            const request = fetch(url, {signal: control.signal});
            setTimeout(() => control.abort(), 200);
            await request.catch(() => {});
        }""",
        url,
    )
    assert tracked.left_behind == []
    assert tracked.problems() == [f"request failed: GET {reported}: net::ERR_ABORTED"]


def test_a_request_cut_off_by_leaving_the_page_is_not(
    held_page: HeldPage, bundled_server: ServedSite
) -> None:
    tracked, url, reported = held_page
    with tracked.page.expect_request(url):
        tracked.page.evaluate("url => { fetch(url).catch(() => {}); }", url)
    tracked.goto(bundled_server.url("search/"))
    tracked.page.wait_for_load_state("networkidle")
    assert f"GET {reported}: net::ERR_ABORTED" in tracked.left_behind
    tracked.assert_clean()
