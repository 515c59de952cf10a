"""The bundled comparison page in Chromium: it loads cleanly, draws every chart, keeps the
data tables as the charts' text alternative, fits phones and desktops, follows dark mode,
and still reads well without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser

from .conftest import (
    DESKTOP,
    PHONE,
    OpenPage,
    ServedSite,
    TrackedPage,
    draw_all_charts,
    draw_first_chart,
    page_maker,
    viewport_name,
)

PAGE = "compare/graphql-vs-grpc-vs-websockets/"

VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def open_comparison(
    open_page: OpenPage, site: ServedSite, viewport: tuple[int, int] = DESKTOP, **options: object
) -> TrackedPage:
    tracked = open_page(width=viewport[0], height=viewport[1], **options)
    tracked.goto(site.url(PAGE))
    return tracked


SharedPage = Callable[..., TrackedPage]


@pytest.fixture(scope="module")
def drawn_page(browser: Browser, bundled_server: ServedSite) -> Iterator[SharedPage]:
    """`drawn_page(viewport, scheme, every_chart=True)`: the comparison page with every chart
    (or only the first) drawn, opened once per viewport and colour scheme for the whole module.
    Loading plotly and drawing eleven charts takes seconds, so the tests that only look share
    these pages; each one sets the scroll position it needs. Tests that change a page open
    their own with `open_page`."""
    pages: dict[tuple[tuple[int, int], str], TrackedPage] = {}
    with page_maker(browser) as make:

        def get(
            viewport: tuple[int, int] = DESKTOP, scheme: str = "light", every_chart: bool = True
        ) -> TrackedPage:
            if (viewport, scheme) not in pages:
                tracked = open_comparison(make, bundled_server, viewport, color_scheme=scheme)
                draw_first_chart(tracked)
                pages[viewport, scheme] = tracked
            tracked = pages[viewport, scheme]
            if every_chart and tracked.drawn_charts is None:
                draw_all_charts(tracked)
                tracked.shoot(f"comparison-{viewport_name(viewport)}-{scheme}", full_page=True)
            return tracked

        yield get


def technologies(tracked: TrackedPage) -> list[str]:
    """The technologies compared, in page order, from the quick comparison's column headers."""
    names = tracked.page.locator(".quick-table thead th[scope=col]").all_text_contents()
    return [name.strip() for name in names]


# --- colours ------------------------------------------------------------------------------


def rgb(css: str) -> tuple[float, float, float]:
    """The red, green, blue channels (0–255) of a computed CSS colour such as `rgb(1, 2, 3)`."""
    match = re.fullmatch(r"rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:[,/]\s*([\d.]+))?\)", css)
    assert match, f"unexpected colour {css!r}"
    if match.group(4) is not None:
        assert float(match.group(4)) > 0.9, f"colour {css!r} is (partly) transparent"
    return float(match.group(1)), float(match.group(2)), float(match.group(3))


def luminance(css: str) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def body_colours(tracked: TrackedPage) -> tuple[str, str]:
    return tracked.page.evaluate(
        """() => { const s = getComputedStyle(document.body);
                   return [s.backgroundColor, s.color]; }"""
    )


# --- loading and charts -------------------------------------------------------------------


def test_page_loads_cleanly_and_fetches_plotly_only_when_a_chart_nears(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_comparison(open_page, bundled_server)
    page = tracked.page
    tracked.assert_clean()  # waits for the network to settle
    # The declared icon is fetched instead of a missing /favicon.ico.
    assert not [url for url in tracked.requested if url.endswith("/favicon.ico")]
    first = page.locator(".chart").first
    if first.evaluate("el => el.getBoundingClientRect().top") > DESKTOP[1] + 400:
        # Far below the first screen, beyond the look-ahead: plotly must wait.
        assert not [url for url in tracked.requested if "plotly" in url], (
            "plotly.js was fetched before any chart came near the viewport"
        )
    draw_first_chart(tracked)
    plotly = [url for url in tracked.requested if "plotly" in url]
    assert len(plotly) == 1, plotly
    tracked.assert_clean()


def test_every_chart_draws(drawn_page: SharedPage) -> None:
    tracked = drawn_page(DESKTOP)
    page = tracked.page
    charts = page.locator(".chart")
    expected = charts.count()
    # Performance, community and cost each have at least one chart.
    assert expected >= 3
    for section in ("performance", "community", "pricing"):
        assert page.locator(f"#{section} .chart").count() >= 1, f"no chart in #{section}"

    assert tracked.drawn_charts == expected
    for index in range(expected):
        chart = charts.nth(index)
        assert chart.locator("svg.main-svg").count() >= 1
        # One row of the chart per figure in the data table beside it, named after its
        # technology.
        table = chart.locator("xpath=ancestor::figure[1]").locator("table.data-table")
        figures = table.locator(".figure").count()
        labels = [label.strip() for label in chart.locator(".ytick text").all_text_contents()]
        assert len(labels) == figures, f"chart {index}: {labels} for {figures} figures"
        for name in table.locator("tbody th[scope=row]").all_text_contents():
            assert any(label.startswith(name.strip()) for label in labels), (name, labels)
        box = chart.bounding_box()
        assert box is not None and box["width"] >= 600 and box["height"] >= 120, box
    tracked.assert_clean()


def test_charts_are_hidden_from_assistive_technology_and_have_data_tables(
    drawn_page: SharedPage,
) -> None:
    tracked = drawn_page(DESKTOP)
    names = technologies(tracked)
    assert len(names) >= 2
    figures = tracked.page.evaluate(
        """() => [...document.querySelectorAll('.chart')].map(chart => {
            const figure = chart.closest('figure.metric');
            const table = figure && figure.querySelector('table.data-table');
            const follows = !!table
                && !!(chart.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
            const rows = table ? [...table.querySelectorAll('tbody tr')].map(row =>
                row.querySelector('th[scope=row]').textContent.trim()) : [];
            const missing = figure && figure.querySelector('.no-data');
            return {
                id: figure && figure.id,
                hidden: chart.getAttribute('aria-hidden'),
                focusable: chart.querySelectorAll('a, button, input, [tabindex]').length,
                follows, rows,
                missing: missing ? missing.textContent : '',
            };
        })"""
    )
    assert figures, "no charts on the page"
    for figure in figures:
        assert figure["id"], "a chart outside figure.metric"
        assert figure["hidden"] == "true", f"{figure['id']}: chart is not aria-hidden"
        assert figure["follows"], f"{figure['id']}: no data table after the chart"
        assert figure["focusable"] == 0, f"{figure['id']}: focusable controls in a hidden chart"
        # A row per technology with figures, in page order; the others are named below it.
        rows = figure["rows"]
        assert len(rows) >= 2, f"{figure['id']}: a chart for fewer than two technologies"
        assert rows == [name for name in names if name in rows], figure
        for name in names:
            if name not in rows:
                assert name in figure["missing"], f"{figure['id']}: {name} is not accounted for"


# --- layout -------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_layout_fits_the_viewport(drawn_page: SharedPage, viewport: tuple[int, int]) -> None:
    tracked = drawn_page(viewport)
    page = tracked.page
    widths = page.evaluate(
        """() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                    client: document.documentElement.clientWidth })"""
    )
    assert widths["scroll"] <= widths["inner"], f"the page scrolls sideways: {widths}"

    table = page.locator(".quick-table")
    box = table.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= widths["client"], box
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")

    # Every heading is shown whole, inside the viewport's width.
    headings = page.evaluate(
        """() => [...document.querySelectorAll('h1, .content h2, .content h3')].map(h => {
            const r = h.getBoundingClientRect(), s = getComputedStyle(h);
            return { text: h.textContent.trim(), left: r.left, right: r.right,
                     width: r.width, height: r.height, visible: s.visibility === 'visible',
                     overflow: h.scrollWidth > h.clientWidth + 1,
                     hidden: !!h.closest('.visually-hidden') };
        })"""
    )
    assert len(headings) >= 10
    bad = [
        heading
        for heading in headings
        if not heading["hidden"]
        and (
            not heading["visible"]
            or heading["width"] == 0
            or heading["height"] == 0
            or heading["left"] < 0
            or heading["right"] > widths["client"] + 0.5
            or heading["overflow"]
        )
    ]
    assert not bad, f"headings hidden, cut off or outside the viewport: {bad}"
    tracked.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_quick_table_cells_are_labelled_on_phones_only(
    drawn_page: SharedPage, viewport: tuple[int, int]
) -> None:
    tracked = drawn_page(viewport)
    names = technologies(tracked)
    cells = tracked.page.evaluate(
        """() => [...document.querySelectorAll('.quick-table tbody td')].map(td => ({
            label: td.dataset.label,
            before: getComputedStyle(td, '::before').content,
        }))"""
    )
    assert len(cells) >= len(names) * 3
    assert {cell["label"] for cell in cells} == set(names)
    for cell in cells:
        if viewport == PHONE:
            # `content: attr(data-label)` computes to the quoted label.
            assert cell["before"] == f'"{cell["label"]}"', cell
        else:
            assert cell["before"] in ("none", "normal"), cell


def test_best_badge_keeps_its_size_on_phones(drawn_page: SharedPage) -> None:
    tracked = drawn_page(PHONE)
    badges = tracked.page.evaluate(
        """() => [...document.querySelectorAll('.quick-table .best-badge')].map(badge => {
            const range = document.createRange();
            range.selectNodeContents(badge);
            return { width: badge.getBoundingClientRect().width,
                     text: range.getBoundingClientRect().width };
        })"""
    )
    assert badges, "no 'Best' badge in the quick comparison"
    for badge in badges:
        # The text plus its padding and border, not the width of the column.
        assert badge["width"] <= badge["text"] + 24, badge


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param(PHONE, id="phone"),
        pytest.param(DESKTOP, id="desktop"),
    ],
)
def test_chart_labels_stay_inside_the_chart(
    drawn_page: SharedPage, viewport: tuple[int, int]
) -> None:
    tracked = drawn_page(viewport)
    clipped = tracked.page.evaluate(
        """() => [...document.querySelectorAll('.chart.is-drawn')].flatMap(chart => {
            const box = chart.getBoundingClientRect();
            return [...chart.querySelectorAll('.xtick text, .ytick text, .g-xtitle text')]
                .map(text => [text.textContent, text.getBoundingClientRect()])
                .filter(([, r]) => r.width > 0
                    && (r.left < box.left - 1 || r.right > box.right + 1))
                .map(([label, r]) => `${chart.dataset.chart}: "${label}" spans `
                    + `${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} `
                    + `of 0..${Math.round(box.width)}`);
        })"""
    )
    assert not clipped, "labels cut off at the chart's edges:\n  " + "\n  ".join(clipped)


def test_chart_plot_area_is_usable_on_phones(drawn_page: SharedPage) -> None:
    tracked = drawn_page(PHONE)
    narrow = tracked.page.evaluate(
        """() => [...document.querySelectorAll('.chart.is-drawn')].map(chart => {
            const plot = chart.querySelector('.nsewdrag').getBoundingClientRect();
            return [chart.dataset.chart, plot.width, chart.getBoundingClientRect().width];
        }).filter(([, plot, whole]) => plot < whole / 2)"""
    )
    assert not narrow, f"plot areas narrower than half the chart: {narrow}"


# --- colour schemes -----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_scheme(drawn_page: SharedPage, scheme: str) -> None:
    tracked = drawn_page(DESKTOP, scheme, every_chart=False)
    page = tracked.page
    background, text = body_colours(tracked)
    if scheme == "dark":
        assert luminance(background) < 0.05, f"dark mode background {background} is not dark"
        assert luminance(text) > 0.6, f"dark mode text {text} is not light"
    else:
        assert luminance(background) > 0.9, f"light mode background {background} is not light"
        assert luminance(text) < 0.05, f"light mode text {text} is not dark"
    assert contrast(background, text) >= 7

    # Muted text, links, badges and the charts' axis labels keep enough contrast on whatever
    # background is behind them.
    samples = page.evaluate(
        """() => {
            const selectors = ['.meta', '.lede', '.toc a', '.content a[href^="/"]',
                '.quick-table tbody th', '.quick-table td.best', '.best-badge', '.metric .muted',
                '.figure-source', '.no-data', '.because', '.pro-title', '.con-title', '.target',
                '.chart .xtick text', '.chart .ytick text', '.chart .g-xtitle text'];
            const solid = c => !/^rgba\\(.*, 0\\)$|^transparent$/.test(c);
            return selectors.map(sel => [sel, document.querySelector(sel)])
                .filter(([, el]) => el)
                .map(([sel, el]) => {
                    let node = el, bg = 'transparent';
                    while (node && !solid(bg)) {
                        bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
                    }
                    if (!solid(bg)) bg = getComputedStyle(document.body).backgroundColor;
                    const style = getComputedStyle(el);
                    return [sel, el instanceof SVGElement ? style.fill : style.color, bg];
                });
        }"""
    )
    assert len(samples) >= 10, samples
    low = [
        f"{selector}: {colour} on {bg} ({contrast(colour, bg):.2f}:1)"
        for selector, colour, bg in samples
        if contrast(colour, bg) < 4.5
    ]
    assert not low, "text below 4.5:1 contrast:\n  " + "\n  ".join(low)
    tracked.assert_clean()


def test_drawn_charts_follow_a_change_of_colour_scheme(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_comparison(open_page, bundled_server, color_scheme="light")
    page = tracked.page
    draw_first_chart(tracked)
    tick = page.locator(".chart").first.locator(".xtick text").first
    light_fill = tick.evaluate("el => getComputedStyle(el).fill")
    page.emulate_media(color_scheme="dark")
    background, _ = body_colours(tracked)
    assert luminance(background) < 0.05
    page.wait_for_function(
        "([el, before]) => getComputedStyle(el).fill !== before",
        arg=[tick.element_handle(), light_fill],
    )
    dark_fill = tick.evaluate("el => getComputedStyle(el).fill")
    assert contrast(dark_fill, background) >= 4.5, f"axis labels {dark_fill} on {background}"
    tracked.assert_clean()


# --- section navigation -------------------------------------------------------------------


def test_section_links_resolve(drawn_page: SharedPage) -> None:
    page = drawn_page(DESKTOP).page
    links = page.evaluate(
        "() => [...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'))"
    )
    assert len(links) >= 5
    assert all(href.startswith("#") for href in links), links
    targets = [href[1:] for href in links]
    assert len(set(targets)) == len(targets), f"duplicate section links: {targets}"
    missing = page.evaluate("ids => ids.filter(id => !document.getElementById(id))", targets)
    assert not missing, f"section links without a target: {missing}"
    # Every section of the article is in the navigation, in page order.
    sections = page.evaluate(
        "() => [...document.querySelectorAll('article.content > section[id]')].map(s => s.id)"
    )
    assert sections == targets


def test_section_link_scrolls_to_its_section(drawn_page: SharedPage) -> None:
    page = drawn_page(DESKTOP).page
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    page.locator('nav.toc a[href="#pricing"]').click()
    page.wait_for_function("location.hash === '#pricing'")
    # Smooth scrolling may still be under way: wait for the section to arrive at the top.
    page.wait_for_function(
        """() => { const top = document.getElementById('pricing').getBoundingClientRect().top;
                   return top >= 0 && top <= 64; }""",
        timeout=5_000,
    )


def test_section_navigation_is_sticky_on_desktop(drawn_page: SharedPage) -> None:
    page = drawn_page(DESKTOP).page
    toc = page.locator("nav.toc")
    assert toc.evaluate("el => getComputedStyle(el).position") == "sticky"
    # It actually stays in view, whole, while the reader is deep in the page.
    page.evaluate("document.getElementById('community').scrollIntoView({behavior: 'instant'})")
    box = toc.bounding_box()
    assert box is not None
    assert 0 <= box["y"] <= 64, f"the section navigation scrolled away: {box}"
    assert box["y"] + box["height"] <= DESKTOP[1], f"the section navigation is cut off: {box}"


def test_section_navigation_is_not_sticky_on_phones(drawn_page: SharedPage) -> None:
    toc = drawn_page(PHONE).page.locator("nav.toc")
    assert toc.evaluate("el => getComputedStyle(el).position") in ("static", "relative")


# --- without JavaScript -------------------------------------------------------------------


def test_page_works_without_javascript(open_page: OpenPage, bundled_server: ServedSite) -> None:
    tracked = open_comparison(open_page, bundled_server, javascript=False)
    page = tracked.page
    quick = page.locator(".quick-table")
    quick.scroll_into_view_if_needed()
    assert quick.is_visible()
    assert page.locator(".quick-table tbody tr").count() >= 3

    metrics = page.locator("figure.metric")
    tables = page.locator("figure.metric table.data-table")
    assert metrics.count() >= 3
    assert tables.count() == metrics.count()
    for index in range(tables.count()):
        table = tables.nth(index)
        table.scroll_into_view_if_needed()
        assert table.is_visible()
        assert table.locator("tbody tr").count() >= 1
    # No chart was drawn, and neither plotly nor chart data was fetched.
    assert page.locator(".chart svg").count() == 0
    assert not [url for url in tracked.requested if "plotly" in url or url.endswith(".json")]
    tracked.shoot("comparison-desktop-light-no-javascript", full_page=True)
    tracked.assert_clean()


def test_no_empty_chart_boxes_without_javascript(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_comparison(open_page, bundled_server, javascript=False)
    heights = tracked.page.evaluate(
        "() => [...document.querySelectorAll('.chart')].map(c => c.getBoundingClientRect().height)"
    )
    assert heights, "no chart placeholders on the page"
    assert max(heights) == 0, f"empty chart boxes without JavaScript, heights {heights}"
