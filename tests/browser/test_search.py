"""Search in Chromium: the Pagefind index of the bundled site, served by a plain static server,
queried from the search page and from the search box in the header of every page."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from techcompare import search_index
from techcompare.build import BuildOptions, build_site
from techcompare.build_cache import build_with_cache

from .conftest import DESKTOP, PHONE, OpenPage, ServedSite, TrackedPage, _serve, viewport_name

BUNDLED_CONTENT = Path(__file__).parents[2] / "content"
RESULT_LINKS = ".search-result .search-title a"

# Records every Content-Security-Policy violation the page reports, from the first script on.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def distinctive_pro_word() -> tuple[str, str]:
    """(technology slug, word): a word from one of the technology's pros that appears nowhere
    in any other technology's file, so a search for it must find that technology's page."""
    files = sorted((BUNDLED_CONTENT / "technologies").glob("*.yaml"))
    texts = {path.stem: path.read_text(encoding="utf-8").lower() for path in files}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        words = set()
        for pro in data["pros"]:
            text = pro["text"] if isinstance(pro, dict) else str(pro)
            text = re.sub(r"`[^`]*`|\(http[^)]*\)", " ", text)  # code and link targets
            words |= {word.lower() for word in re.findall(r"[A-Za-z]{7,}", text)}
        own = [w for w in words if not any(w in texts[s] for s in texts if s != path.stem)]
        if own:
            return path.stem, max(own, key=lambda word: (len(word), word))
    pytest.fail("no technology in the bundled content has a pro with a word of its own")


def open_tracked(open_page: OpenPage, **options: object) -> TrackedPage:
    tracked = open_page(**options)
    tracked.page.add_init_script(WATCH_CSP)
    return tracked


def csp_violations(tracked: TrackedPage) -> list[str]:
    violations: list[str] = tracked.page.evaluate("window.__cspViolations || []")
    return violations


def wait_for_results(tracked: TrackedPage) -> list[str]:
    """The result links' paths once the search page has shown its results."""
    page = tracked.page
    page.wait_for_selector(RESULT_LINKS, timeout=10_000)
    hrefs: list[str] = page.eval_on_selector_all(
        RESULT_LINKS, "links => links.map(a => new URL(a.href).pathname)"
    )
    return hrefs


def assert_clean(tracked: TrackedPage) -> None:
    tracked.assert_clean()
    assert not csp_violations(tracked), csp_violations(tracked)


# --- the search page ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "viewport", [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
)
def test_a_word_from_a_technologys_pros_finds_its_page(
    open_page: OpenPage, bundled_server: ServedSite, viewport: tuple[int, int], scheme: str
) -> None:
    slug, word = distinctive_pro_word()
    tracked = open_tracked(open_page, width=viewport[0], height=viewport[1], color_scheme=scheme)
    tracked.goto(bundled_server.url(f"/search/?q={word}"))
    results = wait_for_results(tracked)
    assert f"/technologies/{slug}/" in results, f"{word!r} did not find {slug}: {results}"
    page = tracked.page
    status = page.locator("#search-status").inner_text()
    assert re.fullmatch(rf"\d+ results? for “{word}”\.", status), status
    assert page.locator("#search-q").input_value() == word
    assert page.locator(".search-result mark").count() >= 1, "matched words are highlighted"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the search page scrolls sideways"
    tracked.shoot(f"search-{viewport_name(viewport)}-{scheme}", full_page=True)
    assert_clean(tracked)


def test_results_follow_what_is_typed_and_the_keyboard_reaches_them(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    slug, word = distinctive_pro_word()
    tracked = open_tracked(open_page)
    tracked.goto(bundled_server.url("/search/"))
    page = tracked.page
    assert page.locator("#search-status").inner_text().startswith("Type a word")
    page.locator("#search-q").focus()
    page.keyboard.type(word)
    results = wait_for_results(tracked)
    assert f"/technologies/{slug}/" in results
    assert parse_qs(urlsplit(page.url).query) == {"q": [word]}, "the address keeps the query"
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first result
    focused = page.evaluate("document.activeElement.closest('.search-title') !== null")
    assert focused, "Tab from the search field reaches the first result"
    assert_clean(tracked)
    first = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(first)


def test_no_results_and_markup_in_the_query_are_shown_as_text(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_tracked(open_page)
    tracked.goto(bundled_server.url("/search/?q=%3Cb%3Ezzzqqxx%3C%2Fb%3E"))
    page = tracked.page
    status = page.locator("#search-status")
    expect(status).to_have_text(re.compile("^No results for “<b>zzzqqxx</b>”"))
    assert status.locator("b").count() == 0
    assert page.locator(".search-result").count() == 0
    assert_clean(tracked)


def test_the_search_page_without_javascript_says_so(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_page(javascript=False)
    tracked.goto(bundled_server.url("/search/?q=latency"))
    main = tracked.page.locator("main").inner_text()
    assert "needs JavaScript" in main
    tracked.assert_clean()


# --- the search box on every page ---------------------------------------------------------


def test_the_header_search_box_leads_to_results(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    slug, word = distinctive_pro_word()
    tracked = open_tracked(open_page)
    tracked.goto(bundled_server.url("/"))
    page = tracked.page
    assert not [url for url in tracked.requested if "pagefind" in url or "/search." in url], (
        "pages other than the search page load no search code"
    )
    box = page.get_by_role("search", name="Site search").get_by_label(
        "Search comparisons and technologies"
    )
    box.fill(word)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert f"/technologies/{slug}/" in wait_for_results(tracked)
    assert_clean(tracked)


def test_the_header_search_box_works_without_javascript(
    open_page: OpenPage, bundled_server: ServedSite
) -> None:
    tracked = open_page(javascript=False)
    tracked.goto(bundled_server.url("/technologies/grpc/"))
    box = tracked.page.get_by_label("Search comparisons and technologies")
    box.fill("streaming")
    box.press("Enter")
    tracked.page.wait_for_url(bundled_server.url("/search/?q=streaming"))
    tracked.assert_clean()


# --- under a sub-path ---------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def sub_path_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled content built for the base URL `/sub/`, served from the folder above it;
    yields the server's root address."""
    root = tmp_path_factory.mktemp("sub-path")
    build_site(BuildOptions(content=BUNDLED_CONTENT, out=root / "sub", base_url="/sub/"))
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_search_works_under_a_sub_path(open_page: OpenPage, sub_path_server: str) -> None:
    slug, word = distinctive_pro_word()
    tracked = open_tracked(open_page)
    tracked.goto(sub_path_server + "sub/")
    page = tracked.page
    box = page.get_by_label("Search comparisons and technologies")
    box.fill(word)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/sub/search/\?q="))
    results = wait_for_results(tracked)
    assert f"/sub/technologies/{slug}/" in results
    assert all(path.startswith("/sub/") for path in results), results
    assert any("/sub/pagefind/pagefind.js" in url for url in tracked.requested)
    assert_clean(tracked)
    for path in results:
        assert page.request.get(sub_path_server + path.lstrip("/")).status == 200, path


# --- a sharded index ----------------------------------------------------------------------

# The bundled site's 7 indexed pages in shards of at most 3: three bundles, merged in the browser.
SHARD_PAGES = 3


@pytest.fixture(scope="module")
def sharded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The bundled content built with an index in shards of `SHARD_PAGES` pages, served."""
    out = tmp_path_factory.mktemp("sharded") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_PAGES", SHARD_PAGES)
        build_site(BuildOptions(content=BUNDLED_CONTENT, out=out, jobs=2))
    with _serve(out) as base_url:
        yield ServedSite(root=out, base_url=base_url)


def shard_contents(site: Path) -> list[dict[str, str]]:
    """For each bundle of the index, first to last: the text it holds by page address."""
    bundle = site / "pagefind"
    merged = json.loads((bundle / "shards.json").read_text())["merge"]
    shards = []
    for folder in [bundle, *(bundle / path for path in merged)]:
        pages = {}
        for fragment in sorted((folder / "fragment").iterdir()):
            record = json.loads(
                gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
            )
            pages[record["url"]] = record["content"]
        shards.append(pages)
    return shards


def words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z]{8,}", text)}


def a_word_of_each_shard(shards: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(page address, word) for one page of each shard: a word no other indexed page holds."""
    every = {url: words(text) for shard in shards for url, text in shard.items()}
    found = []
    for shard in shards:
        for url in sorted(shard):
            others = set().union(*(w for u, w in every.items() if u != url))
            own = sorted(every[url] - others, key=lambda word: (-len(word), word))
            if own:
                found.append((url, own[0]))
                break
        else:
            pytest.fail(f"no page of the shard {sorted(shard)} has a word of its own")
    return found


def test_a_large_index_is_built_in_shards(sharded_server: ServedSite) -> None:
    shards = shard_contents(sharded_server.root)
    assert [len(shard) for shard in shards] == [3, 2, 2]
    addresses = [url for shard in shards for url in shard]
    assert len(addresses) == len(set(addresses)) == 7, "each page is in exactly one shard"


def test_a_word_from_a_page_of_each_shard_finds_it(
    open_page: OpenPage, sharded_server: ServedSite
) -> None:
    tracked = open_tracked(open_page)
    page = tracked.page
    for url, word in a_word_of_each_shard(shard_contents(sharded_server.root)):
        tracked.goto(sharded_server.url(f"/search/?q={word}"))
        assert url in wait_for_results(tracked), f"{word!r} did not find {url}"
        assert page.locator(".search-result mark").count() >= 1, "matched words are highlighted"
    fetched = {url.split("?")[0] for url in tracked.requested}
    for number in (1, 2):
        entry = sharded_server.url(f"/pagefind/shard-{number}/pagefind-entry.json")
        assert entry in fetched, f"shard {number} was not merged"
    assert_clean(tracked)


def test_results_from_every_shard_are_listed_together(
    open_page: OpenPage, sharded_server: ServedSite
) -> None:
    # Category pages are found by their name and description only: "protocol" is in a page
    # of every shard (in the middle one, only the "API protocols" category page holds it).
    shards = shard_contents(sharded_server.root)
    expected = {
        url for shard in shards for url, text in shard.items() if "protocol" in text.lower()
    }
    holding = [shard for shard in shards if expected & set(shard)]
    assert len(holding) == len(shards), "the test needs a word found in every shard"
    tracked = open_tracked(open_page)
    tracked.goto(sharded_server.url("/"))
    page = tracked.page
    box = page.get_by_role("search", name="Site search").get_by_label(
        "Search comparisons and technologies"
    )
    box.fill("protocol")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=protocol"))
    results = wait_for_results(tracked)
    assert set(results) == expected, "one list holds the matching pages of every shard"
    assert len(results) == len(expected), "no page is listed twice"
    status = page.locator("#search-status").inner_text()
    assert status == f"{len(expected)} results for “protocol”.", status
    assert_clean(tracked)


def test_shards_kept_by_a_cached_build_search_together_with_the_new_one(
    open_page: OpenPage, tmp_path: Path
) -> None:
    """A cached build indexes again only the shard of the page an edit changed; the bundles
    it kept and the new one still merge into one search."""
    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, content)
    out = tmp_path / "site"
    options = BuildOptions(content=content, out=out, jobs=2)
    path = content / "technologies/grpc.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("overview: |\n  ") == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_PAGES", SHARD_PAGES)
        build_with_cache(options)
        before = file_ids(out / "pagefind")
        path.write_text(text.replace("overview: |\n  ", "overview: |\n  Zeppelinesque. "))
        assert build_with_cache(options).incremental
    after = file_ids(out / "pagefind")
    bundles = ["", "shard-1/", "shard-2/"]
    kept = [
        b for b in bundles if after[f"{b}pagefind-entry.json"] == before[f"{b}pagefind-entry.json"]
    ]
    assert len(kept) == 2, f"only the edited page's shard is indexed again, kept: {kept}"
    shards = shard_contents(out)
    with _serve(out) as base_url:
        site = ServedSite(root=out, base_url=base_url)
        tracked = open_tracked(open_page)
        searches = [("/technologies/grpc/", "zeppelinesque"), *a_word_of_each_shard(shards)]
        for url, word in searches:
            tracked.goto(site.url(f"/search/?q={word}"))
            assert url in wait_for_results(tracked), f"{word!r} did not find {url}"
        assert_clean(tracked)


def file_ids(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }
