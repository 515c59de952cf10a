"""Links in built sites (`links.py`), and the workflows and guide that publish them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from testkit import BUNDLED_CONTENT, REPO, build

from techcompare.links import find_broken_links

# --- built sites --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "site"
    build(BUNDLED_CONTENT, out, today=None)
    return out


@pytest.fixture(scope="module")
def bundled_sub_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled-sub") / "site"
    build(BUNDLED_CONTENT, out, today=None, base_url="https://example.org/sub/")
    return out


def test_bundled_site_has_no_broken_links(bundled_site: Path) -> None:
    assert find_broken_links(bundled_site) == []


def test_bundled_site_under_a_sub_path_has_no_broken_links(bundled_sub_site: Path) -> None:
    assert find_broken_links(bundled_sub_site, "https://example.org/sub/") == []
    assert find_broken_links(bundled_sub_site, "/sub/") == []


def test_the_checker_sees_the_links_of_every_page(bundled_sub_site: Path) -> None:
    # Checked as if served from /sub/other/, the links of every page leave the base path.
    broken = find_broken_links(bundled_sub_site, "/sub/other/")
    pages = {
        path.relative_to(bundled_sub_site).as_posix() for path in bundled_sub_site.rglob("*.html")
    }
    assert {line.split(":")[0] for line in broken} == pages
    assert all(line.endswith(": outside the base path /sub/other/") for line in broken)


def test_fixture_site_has_no_broken_links(databases_site: Path) -> None:
    assert find_broken_links(databases_site) == []


# --- the checker, on a hand-made site -----------------------------------------------------

PAGES = {
    "index.html": """<!doctype html><title>Home</title>
        <a href="guide/">guide</a> <a href="/guide/#install">install</a>
        <a href="guide/#nowhere">broken anchor</a> <a href="missing/">missing page</a>
        <a href="#top" id="top">top</a> <a href="#">also top</a>
        <a href="https://example.net/x">elsewhere</a> <a href="mailto:a@example.net">mail</a>
        <a href="//cdn.example.net/x.js">other host</a> <a href="data:text/plain,x">data</a>
        <a href="../escape.html">escapes</a> <a href="/guide">folder without slash</a>
        <a href="empty/">folder without index</a> <a href="guide/?q=1#legacy">query</a>
        <a href="a%20b.html">encoded</a> <a href="guide/#caf%C3%A9">encoded anchor</a>
        <img src="img/one.png" srcset="img/one.png 1x, img/two.png 2x" alt="">
        <link rel="stylesheet" href="style.css">""",
    "guide/index.html": """<!doctype html><title>Guide</title>
        <h2 id="install">Install</h2><a name="legacy"></a><h2 id="café">Café</h2>
        <a href="../index.html#top">home</a> <a href="../">home</a> <a href="./">here</a>""",
    "a b.html": "<!doctype html><title>Space</title>",
    "img/one.png": "",
    "style.css": "body { background: url('img/one.png') } h1 { background: url(gone.png) }",
}


@pytest.fixture
def handmade(tmp_path: Path) -> Path:
    for name, text in PAGES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_checker_finds_broken_links_and_anchors_only(handmade: Path) -> None:
    assert find_broken_links(handmade) == [
        'index.html: href="../escape.html": leads outside the site',
        'index.html: href="empty/": no such file in the site',
        'index.html: href="guide/#nowhere": guide/index.html has no element with id `nowhere`',
        'index.html: href="missing/": no such file in the site',
        'index.html: srcset="img/two.png": no such file in the site',
        'style.css: url("gone.png"): no such file in the site',
    ]


def test_root_relative_links_must_stay_under_the_base_path(handmade: Path) -> None:
    broken = find_broken_links(handmade, "/sub/")
    assert 'index.html: href="/guide/#install": outside the base path /sub/' in broken
    assert 'index.html: href="/guide": outside the base path /sub/' in broken


def test_absolute_links_to_the_site_itself_are_checked(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<a href="https://example.org/sub/">home</a>'
        '<a href="https://example.org/sub/nope/">gone</a>'
        '<a href="https://example.org/elsewhere/">outside</a>'
        '<a href="https://other.example/sub/nope/">other host</a>'
    )
    assert find_broken_links(tmp_path, "https://example.org/sub/") == [
        'index.html: href="https://example.org/elsewhere/": outside the base path /sub/',
        'index.html: href="https://example.org/sub/nope/": no such file in the site',
    ]


def test_a_base_element_changes_what_relative_links_mean(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.html").write_text('<base href="/"><a href="docs/">self</a>')
    assert find_broken_links(tmp_path) == []
