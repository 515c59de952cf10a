"""Browser tests: build sites, serve them on 127.0.0.1 and drive Debian's Chromium.

Each site is built once per session into a temporary folder and served by the standard
library's HTTP server on a random port. Pages come from `open_page`, which records what a
reader would never see but a broken page shows: console errors, uncaught exceptions, failed
requests and responses with status 400 or more (the server's own log as well, because
Chromium's favicon request does not always reach Playwright's network events). Requests the
browser cancels itself, because the tab moved on, are kept apart as `left_behind`.

Set `TECHCOMPARE_SCREENSHOTS=DIR` to have the tests save screenshots there for a visual review.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Request,
    Response,
    sync_playwright,
)

REPO = Path(__file__).parents[2]
BUNDLED_CONTENT = REPO / "content"
DATABASES_CONTENT = REPO / "tests" / "sites" / "databases"

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

PHONE = (375, 812)
DESKTOP = (1280, 900)


def viewport_name(viewport: tuple[int, int]) -> str:
    return {PHONE: "phone", DESKTOP: "desktop"}.get(viewport, f"{viewport[0]}x{viewport[1]}")


# Every response with status >= 400 that any test server sent, in order. Tests run one at a
# time, so a page reports the entries added while it was open (a page that several tests
# share may also see those of pages opened meanwhile).
_SERVER_ERRORS: list[str] = []


# --- serving ------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without logging to stderr, remembering every error response."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        try:
            status = int(code)
        except ValueError:
            return
        if status >= 400:
            _SERVER_ERRORS.append(f"server answered {status} to {self.command} {self.path}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class ServedSite:
    """A built site and the address it is served at."""

    root: Path
    base_url: str  # ends with "/"

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def all_pages(self) -> list[str]:
        """URL paths of every page (`.../index.html`) in the built site, "" for the home page."""
        paths = []
        for index in sorted(self.root.glob("**/index.html")):
            folder = index.parent.relative_to(self.root).as_posix()
            paths.append("" if folder == "." else f"{folder}/")
        return paths

    def pages(self, folder: str) -> list[str]:
        """URL paths of the pages `folder/<slug>/index.html` in the built site."""
        return [
            f"{folder}/{index.parent.name}/"
            for index in sorted((self.root / folder).glob("*/index.html"))
        ]


def _build(content: Path, out: Path) -> None:
    command = ["techcompare", "build", "--content", str(content), "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-m", *command],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"techcompare build --content {content} failed with exit code {result.returncode}:\n"
            f"{result.stderr}{result.stdout}",
            pytrace=False,
        )


@contextmanager
def _serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def _built_and_served(content: Path, tmp: Path) -> Iterator[ServedSite]:
    out = tmp / "site"
    _build(content, out)
    with _serve(out) as base_url:
        yield ServedSite(root=out, base_url=base_url)


@pytest.fixture(scope="session")
def bundled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The bundled content (`content/`), built once and served for the session."""
    with _built_and_served(BUNDLED_CONTENT, tmp_path_factory.mktemp("bundled")) as site:
        yield site


@pytest.fixture(scope="session")
def databases_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The `tests/sites/databases` fixture site, built once and served for the session."""
    with _built_and_served(DATABASES_CONTENT, tmp_path_factory.mktemp("databases")) as site:
        yield site


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _chromium_available() -> None:
    """Skip the browser suite on a machine without Chromium, but never in CI."""
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium "
        "(`apt-get install chromium`, or run `make test`) to run the browser tests"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so the browser tests must run", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(_chromium_available: None) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class TrackedPage:
    """A page and everything that went wrong on it."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    # Requests the browser cancelled on its own: what a document still wanted when the tab
    # left it (an event stream, a fetch), and the favicon, which Chromium fetches for itself
    # (resource type "other") and drops whenever the tab moves on. No fault of the page.
    left_behind: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    navigations: int = 0  # main-frame navigation requests so far
    _started_in: dict[Request, int] = field(default_factory=dict, repr=False)
    server_errors_from: int = 0
    drawn_charts: int | None = None  # set by `draw_all_charts`

    def goto(self, url: str) -> Response:
        response = self.page.goto(url, wait_until="load")
        assert response is not None, f"no response for {url}"
        assert response.status == 200, f"{url} answered {response.status}"
        return response

    def problems(self) -> list[str]:
        """Everything recorded so far, after the network has settled (favicon included)."""
        with suppress(Error):  # whatever still fails is reported below
            self.page.wait_for_load_state("networkidle", timeout=5_000)
        return [
            *(f"console error: {text}" for text in self.console_errors),
            *(f"page error: {text}" for text in self.page_errors),
            *(f"request failed: {text}" for text in self.failed_requests),
            *_SERVER_ERRORS[self.server_errors_from :],
        ]

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, f"{self.page.url}:\n  " + "\n  ".join(problems)

    def shoot(self, name: str, *, full_page: bool = False) -> None:
        """Save a screenshot when TECHCOMPARE_SCREENSHOTS names a folder (never in the repo)."""
        folder = os.environ.get("TECHCOMPARE_SCREENSHOTS")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
        self.page.screenshot(path=str(Path(folder) / f"{safe}.png"), full_page=full_page)


OpenPage = Callable[..., TrackedPage]


@contextmanager
def page_maker(browser: Browser) -> Iterator[OpenPage]:
    """Yields `make(width=, height=, color_scheme=, javascript=, reduced_motion=)`, which opens
    a page in a browser context of its own that records console errors, page errors and failed
    requests; every context is closed on exit."""
    contexts: list[BrowserContext] = []

    def make(
        width: int = DESKTOP[0],
        height: int = DESKTOP[1],
        color_scheme: str = "light",
        javascript: bool = True,
        reduced_motion: str = "no-preference",
    ) -> TrackedPage:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,  # type: ignore[arg-type]
            reduced_motion=reduced_motion,  # type: ignore[arg-type]
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        tracked = TrackedPage(page=page, server_errors_from=len(_SERVER_ERRORS))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location.get("url", "")
                text = f"{message.text} ({where})" if where else message.text
                tracked.console_errors.append(text)

        def on_request(request: Request) -> None:
            # Counted as the navigation starts: the browser may cancel what the old
            # document still wanted before it reports the new one committed.
            if request.is_navigation_request() and request.frame == page.main_frame:
                tracked.navigations += 1
            tracked.requested.append(request.url)
            tracked._started_in[request] = tracked.navigations

        def on_request_failed(request: Request) -> None:
            text = f"{request.method} {request.url}: {request.failure}"
            left = tracked._started_in.get(request, tracked.navigations) < tracked.navigations
            if request.failure == "net::ERR_ABORTED" and (left or request.resource_type == "other"):
                tracked.left_behind.append(text)
            else:
                tracked.failed_requests.append(text)

        def on_response(response: Response) -> None:
            if response.status >= 400:
                tracked.failed_requests.append(
                    f"{response.request.method} {response.url}: status {response.status}"
                )

        page.on("console", on_console)
        page.on("pageerror", lambda error: tracked.page_errors.append(str(error)))
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        page.on("request", on_request)
        return tracked

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """A fresh page per call, closed after the test (see `page_maker`)."""
    with page_maker(browser) as make:
        yield make


# --- helpers for the tests ----------------------------------------------------------------


def _wait_until_drawn(tracked: TrackedPage, chart: Locator) -> None:
    """Scroll `chart` into view and wait until it is drawn: it has the class `is-drawn` and its
    Plotly SVG holds at least one trace path with a shape (a `d` attribute that is not empty)."""
    chart.scroll_into_view_if_needed()
    try:
        tracked.page.wait_for_function(
            """el => el.classList.contains('is-drawn')
                && [...el.querySelectorAll('svg.main-svg g.trace path')]
                    .some(p => (p.getAttribute('d') || '').trim().length > 1)""",
            arg=chart.element_handle(),
            timeout=10_000,
        )
    except Error as exc:
        name = chart.get_attribute("data-chart")
        problems = "\n  ".join(tracked.problems()) or "none recorded"
        raise AssertionError(
            f"chart {name} was not drawn within 10 s; page problems:\n  {problems}"
        ) from exc


def draw_first_chart(tracked: TrackedPage) -> None:
    """Scroll the first chart into view and wait until it is drawn."""
    _wait_until_drawn(tracked, tracked.page.locator(".chart[data-chart]").first)


def draw_all_charts(tracked: TrackedPage) -> int:
    """Scroll every chart into view in turn, wait until each is drawn, and return how many
    charts the page has drawn."""
    charts = tracked.page.locator(".chart[data-chart]")
    for index in range(charts.count()):
        _wait_until_drawn(tracked, charts.nth(index))
    tracked.drawn_charts = tracked.page.locator(".chart.is-drawn").count()
    return tracked.drawn_charts


def broken_links(tracked: TrackedPage) -> list[str]:
    """Links from the page to its own site that do not lead anywhere: an address that does not
    answer 200, or a `#fragment` with no element of that id on the page it names."""
    page = tracked.page
    origin = page.evaluate("location.origin")
    here = page.url.split("#")[0]
    hrefs: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
    )
    texts: dict[str, str | None] = {}
    broken: list[str] = []
    for href in dict.fromkeys(hrefs):
        if not href.startswith(origin + "/"):
            continue
        url, _, fragment = href.partition("#")
        if url not in texts:
            response = page.request.get(url)
            texts[url] = response.text() if response.status == 200 else None
            if texts[url] is None:
                broken.append(f"{href}: status {response.status}")
        text = texts[url]
        if not fragment or text is None:
            continue
        if url == here:
            found = page.evaluate("id => !!document.getElementById(id)", fragment)
        else:
            found = re.search(rf"""\bid=["']?{re.escape(fragment)}(?=["'\s>])""", text) is not None
        if not found:
            broken.append(f"{href}: no element with id {fragment!r}")
    return broken
