"""Live reload in Chromium: open pages reload themselves after an edit, and show an overlay
with the problems while the content is broken.

`techcompare serve` runs as a real subprocess on a copy of the `databases` fixture site.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import DATABASES_CONTENT, OpenPage, TrackedPage

COMPARISON = "compare/postgresql-vs-sqlite/"
COMPARISON_FILE = "comparisons/postgresql-vs-sqlite.yaml"
RECOMMENDATION = "Start with SQLite for single-user tools and PostgreSQL for services."
OVERLAY = "#techcompare-problems"


@dataclass
class LiveSite:
    base_url: str
    content: Path

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def replace(self, relative: str, old: str, new: str) -> None:
        path = self.content / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"expected `{old}` once in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[LiveSite]:
    """`techcompare serve` on a fresh copy of the databases site, stopped after the test."""
    content = tmp_path / "content"
    shutil.copytree(DATABASES_CONTENT, content)
    port = _free_port()
    command = [sys.executable, "-m", "techcompare", "serve", "--content", "content"]
    command += ["--out", "out", "--port", str(port)]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    site = LiveSite(f"http://127.0.0.1:{port}/", content)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text("utf-8")
            try:
                urllib.request.urlopen(site.url(), timeout=5).close()
                break
            except urllib.error.HTTPError as answered:  # up, but the first build failed
                log_text = (tmp_path / "serve.log").read_text("utf-8")
                pytest.fail(f"serve answered {answered.code}:\n{log_text}")
            except OSError:
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.05)
        yield site
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def open_live(open_page: OpenPage, url: str) -> TrackedPage:
    """Open `url` and wait until its live-reload event stream is connected."""
    tracked = open_page()
    with tracked.page.expect_response("**/__techcompare/events"):
        tracked.goto(url)
    return tracked


def mark(page: Page) -> None:
    """Leave a marker that only survives as long as the page is not reloaded."""
    page.evaluate("window.__marker = 1")


def reloaded(page: Page, text: str, seconds: float) -> float:
    """Wait until the page reloaded by itself and shows `text`; return how long it took."""
    started = time.monotonic()
    page.wait_for_function(
        "text => window.__marker === undefined && document.body.innerText.includes(text)",
        arg=text,
        timeout=seconds * 1000,
    )
    return time.monotonic() - started


def assert_no_errors(tracked: TrackedPage) -> None:
    """No console or page errors and no failed request. The event streams a reload cuts off
    are `left_behind`, not failures; and `TrackedPage.problems` would wait in vain for the
    network to go idle while the new page's stream is open."""
    problems = tracked.console_errors + tracked.page_errors + tracked.failed_requests
    assert not problems, f"{tracked.page.url}:\n  " + "\n  ".join(problems)


def test_an_edit_reloads_the_pages_it_changed(live_site: LiveSite, open_page: OpenPage) -> None:
    comparison = open_live(open_page, live_site.url(COMPARISON))
    unrelated = open_live(open_page, live_site.url("technologies/postgresql/"))
    mark(comparison.page)
    mark(unrelated.page)

    live_site.replace(COMPARISON_FILE, RECOMMENDATION, "Edited while serving, pick SQLite.")
    took = reloaded(comparison.page, "Edited while serving, pick SQLite.", seconds=5)
    assert took < 5

    # The technology page does not show the recommendation, so it was not rewritten.
    assert unrelated.page.evaluate("window.__marker") == 1
    assert_no_errors(comparison)
    assert_no_errors(unrelated)


def test_content_errors_show_in_an_overlay_until_fixed(
    live_site: LiveSite, open_page: OpenPage
) -> None:
    tracked = open_live(open_page, live_site.url(COMPARISON))
    page = tracked.page
    mark(page)

    live_site.replace(COMPARISON_FILE, "bottom_line:", "bottom_lin:")
    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible(timeout=5_000)
    expect(overlay).to_have_attribute("role", "alert")
    expect(overlay).to_contain_text(f"content/{COMPARISON_FILE}:")
    expect(overlay).to_contain_text("bottom_lin: unknown field")
    expect(overlay.get_by_role("heading")).to_contain_text("1 problem in the content")
    assert page.evaluate("window.__marker") == 1  # the page stayed, with the last good build
    tracked.shoot("live-reload-overlay")

    # A page opened while the content is broken shows the overlay at once.
    late = open_live(open_page, live_site.url(COMPARISON))
    expect(late.page.locator(OVERLAY)).to_be_visible(timeout=5_000)

    # Hiding it by hand works from the keyboard.
    late.page.get_by_role("button", name="Hide").focus()
    late.page.keyboard.press("Enter")
    expect(late.page.locator(OVERLAY)).to_have_count(0)

    live_site.replace(COMPARISON_FILE, "bottom_lin:", "bottom_line:")
    reloaded(page, RECOMMENDATION, seconds=5)
    expect(page.locator(OVERLAY)).to_have_count(0)
    assert_no_errors(tracked)
    assert_no_errors(late)
