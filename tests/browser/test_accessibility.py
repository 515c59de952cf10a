"""Accessibility in Chromium: axe-core finds no violation on any kind of page, in light and
dark colour schemes (and on a phone for the comparison page), with the charts drawn; and the
keyboard alone gets around: the skip link, a visible focus indicator on everything that takes
focus, every interactive element reached, the header search box."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import (
    DATABASES_CONTENT,
    DESKTOP,
    PHONE,
    REPO,
    OpenPage,
    ServedSite,
    TrackedPage,
    _built_and_served,
    draw_all_charts,
    viewport_name,
)

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
COMPARISON = "compare/graphql-vs-grpc-vs-websockets/"
GENERATED = "compare/duckdb-vs-sqlite/"
SEARCH_WORD = "streaming"


@pytest.fixture(scope="module")
def generated_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The `databases` site with DuckDB added beside SQLite in its categories, so the build
    generates a comparison page (`compare/duckdb-vs-sqlite/`) that no editor wrote."""
    root = tmp_path_factory.mktemp("a11y-generated")
    content = root / "content"
    shutil.copytree(DATABASES_CONTENT, content)
    text = (content / "technologies" / "sqlite.yaml").read_text(encoding="utf-8")
    assert text.startswith("name: SQLite\n") and "homepage: https://sqlite.org/\n" in text
    text = text.replace("name: SQLite\n", "name: DuckDB\n", 1).replace(
        "homepage: https://sqlite.org/\n", "homepage: https://duckdb.org/\n", 1
    )
    (content / "technologies" / "duckdb.yaml").write_text(text, encoding="utf-8")
    with _built_and_served(content, root) as site:
        assert (site.root / GENERATED / "index.html").exists(), site.pages("compare")
        yield site


# --- axe-core -----------------------------------------------------------------------------


def open_with_axe(open_page: OpenPage, viewport: tuple[int, int], scheme: str) -> TrackedPage:
    """A page with axe-core loaded into every document it opens.

    The pages' Content-Security-Policy (`script-src 'self'`) refuses the inline script that
    `page.add_script_tag(path=...)` would write. An init script is run by the browser itself
    before the page's own scripts and is not subject to the CSP, so it is the simplest way in.
    """
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci` (or `make test`) to check accessibility"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI is set, so the accessibility tests must run")
        pytest.skip(message)
    # Reduced motion turns off smooth scrolling, which only slows down drawing every chart.
    tracked = open_page(
        width=viewport[0], height=viewport[1], color_scheme=scheme, reduced_motion="reduce"
    )
    tracked.page.add_init_script(path=str(AXE))
    return tracked


def axe_violations(
    tracked: TrackedPage, rules: list[str] | None = None, include: str | None = None
) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.1 A and AA rules and its best practices (or of
    `rules` only), on the whole document (or the elements `include` selects)."""
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    violations: list[dict[str, Any]] = tracked.page.evaluate(
        """([runOnly, include]) => axe.run(include ? {include: [include]} : document,
                                           {runOnly, resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(' '), html: n.html.slice(0, 160),
                    summary: n.failureSummary || ''})),
            })))""",
        [run_only, include],
    )
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: id, impact and help, then each failing node and why."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            why = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}\n      {node['html']}\n      {why}")
    return "\n".join(lines)


def wait_for_search_results(tracked: TrackedPage) -> None:
    tracked.page.wait_for_selector(".search-result .search-title a", timeout=10_000)


# The hero's background is a gradient from --accent-soft to --bg, where axe-core cannot tell
# the contrast ("incomplete", not a violation). Its text is checked against each end instead:
# every colour between them lies between the two in luminance.
HERO_ENDS = ["var(--accent-soft)", "var(--bg)"]


def hero_contrast_violations(tracked: TrackedPage) -> list[dict[str, Any]]:
    page = tracked.page
    if not page.locator(".hero").count():
        return []
    found = []
    for end in HERO_ENDS:
        page.evaluate("end => document.querySelector('.hero').style.background = end", end)
        try:
            found += axe_violations(tracked, rules=["color-contrast"], include=".hero")
        finally:
            page.evaluate("document.querySelector('.hero').style.removeProperty('background')")
    return found


def charts_follow_the_scheme(tracked: TrackedPage) -> None:
    """Wait until drawn charts have restyled their labels for the current colour scheme."""
    tracked.page.wait_for_function(
        """() => {
            const want = getComputedStyle(document.documentElement)
                .getPropertyValue('--fg-muted').trim();
            const probe = document.createElement('span');
            probe.style.color = want;
            document.body.append(probe);
            const colour = getComputedStyle(probe).color;
            probe.remove();
            return [...document.querySelectorAll('.chart.is-drawn g.xtick text')]
                .every(text => getComputedStyle(text).fill === colour);
        }"""
    )


# Every kind of page: (id, which site, path, what to wait for before checking).
PAGES: list[tuple[str, str, str, Callable[[TrackedPage], None] | None]] = [
    ("home", "bundled", "", None),
    ("comparison", "bundled", COMPARISON, None),
    ("generated-comparison", "generated", GENERATED, None),
    ("technology", "bundled", "technologies/grpc/", None),
    ("category", "bundled", "categories/real-time/", None),
    ("search", "bundled", f"search/?q={SEARCH_WORD}", wait_for_search_results),
    ("not-found", "bundled", "404.html", None),
]
CASES = [
    pytest.param(site, path, ready, viewport, id=f"{name}-{viewport_name(viewport)}")
    for name, site, path, ready in PAGES
    for viewport in ([DESKTOP, PHONE] if name == "comparison" else [DESKTOP])
]


@pytest.mark.parametrize(("site", "path", "ready", "viewport"), CASES)
def test_axe_finds_no_violations_in_light_and_dark(
    request: pytest.FixtureRequest,
    open_page: OpenPage,
    site: str,
    path: str,
    ready: Callable[[TrackedPage], None] | None,
    viewport: tuple[int, int],
) -> None:
    """The page is opened once, its charts drawn, and checked in the light colour scheme, then
    switched to dark (as a reader's system setting can) and checked again: drawing the charts
    is the slow part, and the switch also proves the drawn charts follow the scheme."""
    served: ServedSite = request.getfixturevalue(f"{site}_server")
    tracked = open_with_axe(open_page, viewport, "light")
    tracked.goto(served.url(path))
    page = tracked.page
    if ready:
        ready(tracked)
    if page.locator(".chart[data-chart]").count():
        # Drawn charts are checked too: Plotly's SVG must stay out of the accessibility tree.
        assert draw_all_charts(tracked) >= 1
        # Each chart is hidden from assistive technology; a data table beside it says it all.
        without_table = page.locator(".chart[data-chart]").evaluate_all(
            """charts => charts.filter(chart => chart.getAttribute('aria-hidden') !== 'true'
                || !chart.closest('figure')?.querySelector('table th[scope=row]'))
                .map(chart => chart.dataset.chart)"""
        )
        assert not without_table, f"charts without a table alternative: {without_table}"
    page.evaluate("window.scrollTo(0, 0)")
    report = []
    for scheme in ["light", "dark"]:
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        charts_follow_the_scheme(tracked)
        violations = axe_violations(tracked)
        if viewport == DESKTOP:  # the same colours at every width
            violations += hero_contrast_violations(tracked)
        if violations:
            report.append(f"{scheme}:\n{describe(violations)}")
        tracked.shoot(f"a11y-{request.node.callspec.id}-{scheme}", full_page=True)
    assert not report, f"axe-core on /{path}:\n" + "\n".join(report)
    tracked.assert_clean()


# --- the keyboard -------------------------------------------------------------------------

# What takes focus from the keyboard, and how to tell the focused element from the others.
INTERACTIVE = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, "
    "textarea, summary, [tabindex]:not([tabindex^='-'])"
)

MARK_INTERACTIVE = """selector => {
    const found = [...document.querySelectorAll(selector)].filter(el =>
        el.checkVisibility({visibilityProperty: true}) && !el.closest('[inert]'));
    found.forEach((el, i) => el.setAttribute('data-a11y-key', String(i)));
    return found.map(el => describe(el));
    function describe(el) {
        const text = (el.getAttribute('aria-label') || el.textContent || el.value || '')
            .trim().replace(/\\s+/g, ' ').slice(0, 40);
        return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> ${text}`;
    }
}"""

# The focused element, and whether a focus indicator is drawn: an outline or a box shadow on
# the element, on the label that wraps it (the picker's checkboxes ring their whole pill) or
# on its ::after (a card's link rings the whole card). An outline must also stand out from
# the background behind it (WCAG 1.4.11: a contrast of at least 3:1).
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const rgb = css => (css.match(/[\\d.]+/g) || []).map(Number);
    const luminance = css => {
        const [r, g, b] = rgb(css).map(v => v / 255)
            .map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const behind = node => {
        for (let n = node.parentElement; n; n = n.parentElement) {
            const colour = getComputedStyle(n).backgroundColor;
            const alpha = rgb(colour)[3];
            if (alpha === undefined || alpha > 0.9) return colour;
        }
        return 'rgb(255, 255, 255)';
    };
    const indicator = (node, pseudo) => {
        if (!node) return null;
        const s = getComputedStyle(node, pseudo);
        if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) {
            return {kind: 'outline', contrast: contrast(s.outlineColor, behind(node))};
        }
        if (s.boxShadow !== 'none') return {kind: 'box-shadow', contrast: null};
        return null;
    };
    const name = (el.getAttribute('aria-label') || el.textContent || el.value || '')
        .trim().replace(/\\s+/g, ' ').slice(0, 50);
    return {
        key: el.getAttribute('data-a11y-key'),
        what: `<${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim()
            .split(/\\s+/).join('.') : ''}> ${name}`,
        indicator: indicator(el, null) || indicator(el.closest('label'), null)
            || indicator(el, '::after'),
        focusVisible: el.matches(':focus-visible'),
    };
}"""


def tab_through(tracked: TrackedPage, limit: int = 400) -> tuple[list[str], list[dict[str, Any]]]:
    """Mark every interactive element, then press Tab from the top of the page until focus
    leaves the page or comes back round. Returns the interactive elements and what each Tab
    focused, in order."""
    page = tracked.page
    interactive: list[str] = page.evaluate(MARK_INTERACTIVE, INTERACTIVE)
    visits: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (visits and focused["key"] == visits[0]["key"]):
            break
        visits.append(focused)
    else:
        pytest.fail(f"Tab still had somewhere to go after {limit} presses")
    return interactive, visits


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("path", "ready"),
    [
        pytest.param("", None, id="home"),
        pytest.param(COMPARISON, None, id="comparison"),
        # With the picker's table shown: its scrolling box takes focus too.
        pytest.param(
            "technologies/graphql/?compare=graphql&compare=grpc",
            lambda tracked: tracked.page.locator(".picker-result table").wait_for(),
            id="technology-with-picker",
        ),
        pytest.param(f"search/?q={SEARCH_WORD}", wait_for_search_results, id="search"),
    ],
)
def test_tab_reaches_everything_and_always_shows_where_it_is(
    open_page: OpenPage,
    bundled_server: ServedSite,
    path: str,
    ready: Callable[[TrackedPage], None] | None,
    scheme: str,
) -> None:
    tracked = open_page(color_scheme=scheme)
    tracked.goto(bundled_server.url(path))
    if ready:
        ready(tracked)
    interactive, visits = tab_through(tracked)
    invisible = [v["what"] for v in visits if not (v["indicator"] and v["focusVisible"])]
    assert not invisible, "focused without a focus indicator:\n  " + "\n  ".join(invisible)
    faint = [
        f"{v['what']}: {v['indicator']['contrast']:.2f}:1"
        for v in visits
        if v["indicator"]["contrast"] is not None and v["indicator"]["contrast"] < 3
    ]
    assert not faint, "focus outline with too little contrast:\n  " + "\n  ".join(faint)
    reached = {v["key"] for v in visits}
    missed = [what for key, what in enumerate(interactive) if str(key) not in reached]
    assert not missed, "Tab never reached:\n  " + "\n  ".join(missed)
    tracked.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_tab_is_the_skip_link_and_it_moves_focus_to_main(
    open_page: OpenPage, bundled_server: ServedSite, scheme: str
) -> None:
    tracked = open_page(color_scheme=scheme)
    tracked.goto(bundled_server.url(COMPARISON))
    page = tracked.page
    skip = page.locator("a.skip-link")
    assert not skip.evaluate("el => el.getBoundingClientRect().bottom > 0"), (
        "the skip link shows before it is focused"
    )
    page.keyboard.press("Tab")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.inner_text().strip() == "Skip to content"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, "the focused skip link is off screen"
    assert skip.is_visible()
    tracked.shoot(f"a11y-skip-link-{scheme}")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab goes on from the start of the content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.getElementById('main').contains(document.activeElement)"
    ), "Tab after the skip link left the main content"
    tracked.assert_clean()


def test_the_header_search_box_works_from_the_keyboard(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_page()
    tracked.goto(bundled_server.url("technologies/grpc/"))
    page = tracked.page
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    else:
        pytest.fail("Tab never reached the header search box")
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/search/\?q={SEARCH_WORD}$"))
    wait_for_search_results(tracked)
    assert page.locator("#search-q").input_value() == SEARCH_WORD
    # From the search box, the keyboard gets on to the results.
    page.locator("#search-q").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.search-result')"):
            break
    else:
        pytest.fail("Tab from the search box never reached a result")
    tracked.assert_clean()
