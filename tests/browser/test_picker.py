"""The technology picker in Chromium: a shared address shows its table, mouse and keyboard
both compare, the selection lands in the address, 2 to 4 is enforced, the base path is
respected, untrusted names stay text, and without JavaScript the form still submits."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator

from techcompare.build import BuildOptions, build_site

from .conftest import (
    DATABASES_CONTENT,
    DESKTOP,
    PHONE,
    OpenPage,
    ServedSite,
    TrackedPage,
    _serve,
    viewport_name,
)

RESULT_TABLE = ".picker-result table"
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# A name that would draw an image (and fail to load it) if the picker ever wrote data as HTML.
HOSTILE_NAME = "Mallory <img src=x onerror=alert(1)>"


def selection(tracked: TrackedPage) -> list[str]:
    """The technologies the page's address asks to compare."""
    return parse_qs(urlsplit(tracked.page.url).query).get("compare", [])


def box(tracked: TrackedPage, slug: str) -> Locator:
    return tracked.page.locator(f'.picker input[name="compare"][value="{slug}"]')


def table_headers(tracked: TrackedPage) -> list[str]:
    return [
        text.strip() for text in tracked.page.locator(f"{RESULT_TABLE} thead th").all_inner_texts()
    ]


def fits_the_viewport(tracked: TrackedPage) -> bool:
    return bool(
        tracked.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    )


# --- sites of our own ---------------------------------------------------------------------


def _add_technology(content: Path, slug: str, name: str) -> None:
    text = (content / "technologies" / "postgresql.yaml").read_text(encoding="utf-8")
    assert text.startswith("name: PostgreSQL\n")
    text = text.replace("name: PostgreSQL\n", f"name: '{name}'\n", 1)
    (content / "technologies" / f"{slug}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def many_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The `databases` site with three more technologies (five in all), one of them with a
    name full of markup, built with the base path `/sub/` and served under it."""
    root = tmp_path_factory.mktemp("picker")
    content = root / "content"
    shutil.copytree(DATABASES_CONTENT, content)
    _add_technology(content, "cockroachdb", "CockroachDB")
    _add_technology(content, "mariadb", "MariaDB")
    _add_technology(content, "mallory", HOSTILE_NAME)
    served = root / "www"
    build_site(BuildOptions(content=content, out=served / "sub", base_url="/sub/"))
    with _serve(served) as base_url:
        yield ServedSite(root=served / "sub", base_url=base_url + "sub/")


# --- (a) a shared address -----------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=viewport_name)
def test_a_shared_address_shows_the_table(
    open_page: OpenPage, bundled_server: ServedSite, viewport: tuple[int, int], scheme: str
) -> None:
    tracked = open_page(width=viewport[0], height=viewport[1], color_scheme=scheme)
    tracked.goto(bundled_server.url("technologies/websockets/?compare=graphql&compare=grpc"))
    page = tracked.page
    table = page.locator(RESULT_TABLE)
    table.wait_for()
    assert page.locator(".picker-result").get_attribute("aria-live") == "polite"
    if viewport == DESKTOP:
        assert table_headers(tracked) == ["GraphQL", "gRPC"]
    text = table.inner_text()
    assert "GraphQL" in text and "gRPC" in text and "WebSockets" not in text
    assert "50,000–100,000 requests/s" in text  # gRPC's throughput, with its unit
    throughput = table.locator("tr", has_text="Request throughput")
    assert throughput.locator("a[href^='https://']").count() >= 2  # every figure's source
    assert throughput.locator("time[datetime]").count() >= 2  # and its as-of date
    # gRPC's throughput is best, and says so in words as well as colour.
    best = throughput.locator("td.best")
    assert best.count() == 1 and best.get_attribute("data-label") == "gRPC"
    assert best.locator(".visually-hidden", has_text="(best)").count() == 1
    assert box(tracked, "graphql").is_checked() and box(tracked, "grpc").is_checked()
    assert not box(tracked, "websockets").is_checked()
    assert fits_the_viewport(tracked), "the picker makes the page scroll sideways"
    page.locator("#picker").scroll_into_view_if_needed()
    tracked.shoot(f"picker-{viewport_name(viewport)}-{scheme}")
    page.locator("#picker").screenshot()  # the section draws
    tracked.assert_clean()


# --- (b) mouse ----------------------------------------------------------------------------


def test_clicking_two_boxes_and_compare_shows_them_and_puts_them_in_the_address(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_page()
    tracked.goto(bundled_server.url("technologies/graphql/"))
    page = tracked.page
    assert page.locator(RESULT_TABLE).count() == 0
    page.locator(".picker label", has_text="GraphQL").click()
    page.locator(".picker label", has_text="WebSockets").click()
    page.get_by_role("button", name="Compare").click()
    page.locator(RESULT_TABLE).wait_for()
    assert table_headers(tracked) == ["GraphQL", "WebSockets"]
    assert selection(tracked) == ["graphql", "websockets"]
    assert urlsplit(page.url).path == "/technologies/graphql/"
    tracked.assert_clean()
    # Someone opening the address gets the same table: that is what makes it shareable.
    link = page.locator(".picker-after a", has_text="Link to this comparison")
    assert link.get_attribute("href") == page.url
    other = open_page()
    other.goto(page.url)
    other.page.locator(RESULT_TABLE).wait_for()
    assert table_headers(other) == ["GraphQL", "WebSockets"]
    assert not box(other, "grpc").is_checked()
    other.assert_clean()


def test_one_technology_is_not_enough(open_page: OpenPage, bundled_server: ServedSite) -> None:
    tracked = open_page()
    tracked.goto(bundled_server.url("categories/backend/"))
    page = tracked.page
    page.locator(".picker label", has_text="gRPC").click()
    page.get_by_role("button", name="Compare").click()
    message = page.locator(".picker-message")
    assert "at least" in message.inner_text()
    assert page.locator(RESULT_TABLE).count() == 0
    assert selection(tracked) == []
    tracked.assert_clean()


# --- (c) keyboard -------------------------------------------------------------------------


def test_the_keyboard_alone_compares(open_page: OpenPage, bundled_server: ServedSite) -> None:
    tracked = open_page()
    tracked.goto(bundled_server.url("technologies/grpc/"))
    page = tracked.page
    first = page.locator('.picker input[name="compare"]').first
    for _ in range(80):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the picker's first checkbox")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.locator(RESULT_TABLE).wait_for()
    assert table_headers(tracked) == ["GraphQL", "gRPC"]
    assert selection(tracked) == ["graphql", "grpc"]
    tracked.assert_clean()


# --- (d) two to four, base path, untrusted names ------------------------------------------


def test_at_four_the_other_boxes_are_disabled(open_page: OpenPage, many_server: ServedSite) -> None:
    tracked = open_page(width=PHONE[0], height=PHONE[1])
    tracked.goto(many_server.url("technologies/sqlite/"))
    page = tracked.page
    slugs = page.locator('.picker input[name="compare"]').evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )
    assert slugs == ["cockroachdb", "mallory", "mariadb", "postgresql", "sqlite"]
    for slug in ["cockroachdb", "mariadb", "postgresql", "sqlite"]:
        box(tracked, slug).check()
    assert box(tracked, "mallory").is_disabled()
    assert all(box(tracked, s).is_enabled() for s in ["cockroachdb", "mariadb", "sqlite"])
    assert "4 is the most" in page.locator(".picker-message").inner_text()
    page.get_by_role("button", name="Compare").click()
    page.locator(RESULT_TABLE).wait_for()
    assert len(page.locator(f"{RESULT_TABLE} thead th").all()) == 4
    assert selection(tracked) == ["cockroachdb", "mariadb", "postgresql", "sqlite"]
    assert fits_the_viewport(tracked), "four columns make the phone page scroll sideways"
    tracked.shoot("picker-four-phone", full_page=True)
    box(tracked, "postgresql").uncheck()
    assert box(tracked, "mallory").is_enabled()
    tracked.assert_clean()


def test_an_address_asking_for_more_than_four_gets_four(
    open_page: OpenPage, many_server: ServedSite
) -> None:
    tracked = open_page()
    query = "&".join(
        f"compare={s}"
        for s in ["sqlite", "mariadb", "nonsense", "postgresql", "mallory", "cockroachdb"]
    )
    tracked.goto(many_server.url(f"technologies/sqlite/?{query}"))
    page = tracked.page
    page.locator(RESULT_TABLE).wait_for()
    checked = page.locator('.picker input[name="compare"]:checked').evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )
    assert sorted(checked) == ["mallory", "mariadb", "postgresql", "sqlite"]
    assert box(tracked, "cockroachdb").is_disabled()
    tracked.assert_clean()


def test_the_picker_works_under_a_base_path_and_keeps_names_as_text(
    open_page: OpenPage, many_server: ServedSite
) -> None:
    tracked = open_page()
    tracked.goto(many_server.url("categories/databases/?compare=sqlite&compare=mallory"))
    page = tracked.page
    page.locator(RESULT_TABLE).wait_for()
    assert any(url.endswith("/sub/api/picker.json") for url in tracked.requested)
    assert box(tracked, "mallory").is_checked()
    assert HOSTILE_NAME in table_headers(tracked)
    assert page.locator(".picker-result img").count() == 0
    # Links from the table stay under the base path.
    link = page.locator(f"{RESULT_TABLE} thead a", has_text="SQLite")
    assert link.get_attribute("href") == "/sub/technologies/sqlite/"
    tracked.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=viewport_name)
def test_axe_finds_nothing_in_the_picker_and_its_table(
    open_page: OpenPage, bundled_server: ServedSite, viewport: tuple[int, int], scheme: str
) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm install` to check accessibility with axe-core")
    tracked = open_page(width=viewport[0], height=viewport[1], color_scheme=scheme)
    # An init script, because the page's CSP refuses inline scripts (add_script_tag).
    tracked.page.add_init_script(path=str(AXE))
    tracked.goto(bundled_server.url("categories/backend/?compare=graphql&compare=grpc"))
    tracked.page.locator(RESULT_TABLE).wait_for()
    violations = tracked.page.evaluate(
        """() => axe.run(document.getElementById('picker')).then(r => r.violations.map(
            v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"""
    )
    assert not violations
    tracked.assert_clean()


# --- without JavaScript -------------------------------------------------------------------


def test_without_javascript_the_form_submits_the_selection(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_page(javascript=False)
    tracked.goto(bundled_server.url("technologies/graphql/"))
    page = tracked.page
    assert page.locator(".picker-noscript").is_visible()
    page.locator(".picker label", has_text="GraphQL").click()
    page.locator(".picker label", has_text="gRPC").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    assert urlsplit(page.url).path == "/technologies/graphql/"
    assert selection(tracked) == ["graphql", "grpc"]
    assert urlsplit(page.url).fragment == "picker"
    tracked.assert_clean()
