"""Links in built sites (`links.py`), and the workflows and guides that publish them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from testkit import BUNDLED_CONTENT, REPO, build

from techcompare.links import find_broken_links
from techcompare.loading import MAX_PROBLEMS_PER_FILE
from techcompare.yaml_source import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUES,
    TAB_WIDTH,
    read_yaml_file,
)

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


# --- publishing: the workflows and the guides ---------------------------------------------

WORKFLOWS = REPO / ".github" / "workflows"


def workflow(name: str) -> dict[str, Any]:
    """A workflow file, read by our own strict YAML reader (no duplicate keys; `on` stays a
    key, where YAML 1.1 would make it `True`)."""
    data = read_yaml_file(WORKFLOWS / name).data
    assert isinstance(data, dict)
    return data


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_check_workflow_runs_the_checks_and_make_test_on_pull_requests() -> None:
    check = workflow("check.yml")
    assert "pull_request" in check["on"]
    runs = [step.get("run", "") for step in steps(check)]
    assert "make test" in runs
    assert any(run.startswith("techcompare check") and "--format github" in run for run in runs), (
        runs
    )
    python = [
        s["with"]["python-version"] for s in steps(check) if "setup-python" in s.get("uses", "")
    ]
    containers = [job.get("container", "") for job in check["jobs"].values()]
    assert "3.11" in python
    assert "python:3.11-bookworm" in containers  # make test installs Debian's chromium


def test_deploy_workflow_builds_for_the_pages_address_and_publishes() -> None:
    deploy = workflow("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    all_steps = steps(deploy)
    uses = [step.get("uses", "").split("@")[0] for step in all_steps]
    for action in (
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ):
        assert action in uses
    pages = next(s for s in all_steps if s.get("uses", "").startswith("actions/configure-pages"))
    build = next(s for s in all_steps if s.get("run", "").startswith("techcompare build"))
    out = re.search(r"--out (\S+)", build["run"])
    assert out is not None
    assert f'--base-url "${{{{ steps.{pages["id"]}.outputs.base_url }}}}/"' in build["run"]
    upload = next(s for s in all_steps if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == out[1]
    assert deploy["jobs"]["deploy"]["needs"] == "build"
    assert deploy["jobs"]["deploy"]["environment"]["name"] == "github-pages"


DEPLOY_GUIDE = REPO / "docs" / "deploy.md"
IMMUTABLE = "public, max-age=31536000, immutable"


def code_blocks(text: str, language: str) -> list[str]:
    """The fenced code blocks of a Markdown text written in `language` ("" for none)."""
    fences = re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    return [fence[2] for fence in fences if fence[1] == language]


def test_netlify_snippet_is_valid_toml_with_the_cache_rules() -> None:
    (snippet,) = code_blocks(DEPLOY_GUIDE.read_text(), "toml")
    config = tomllib.loads(snippet)
    assert config["build"]["publish"] == "site"
    assert "techcompare build" in config["build"]["command"]
    rules = {rule["for"]: rule["values"] for rule in config["headers"]}
    assert rules["/assets/*"]["Cache-Control"] == IMMUTABLE
    assert rules["/pagefind/*"]["Cache-Control"].startswith("public, max-age=")
    assert "Cache-Control" not in rules["/*"]  # it would match the assets too


def test_cloudflare_headers_give_each_path_one_cache_rule(bundled_sub_site: Path) -> None:
    (headers,) = code_blocks(DEPLOY_GUIDE.read_text(), "")
    rules: dict[str, dict[str, str]] = {}
    for line in headers.splitlines():
        if line.startswith("/"):
            path = line.strip()
            rules[path] = {}
        elif line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            rules[path][name] = value
    assert rules["/assets/*"]["Cache-Control"] == IMMUTABLE
    cached = [p for p, values in rules.items() if "Cache-Control" in values]

    def matches(pattern: str, path: str) -> bool:
        return path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1]))

    # Every file of a built site gets exactly one Cache-Control rule.
    for file in bundled_sub_site.rglob("*"):
        if file.is_file() and not file.name.startswith("."):
            path = "/" + file.relative_to(bundled_sub_site).as_posix()
            served = path.removesuffix("index.html") if path.endswith("/index.html") else path
            found = [p for p in cached if matches(p, served)]
            assert len(found) == 1, (served, found)


def test_s3_commands_upload_assets_first_with_their_cache_headers() -> None:
    (script,) = code_blocks(DEPLOY_GUIDE.read_text(), "sh")[1:]
    commands = [c for c in script.replace("\\\n", " ").splitlines() if c.startswith("aws s3")]
    assert commands[0].startswith("aws s3 sync site/assets")
    assert f'--cache-control "{IMMUTABLE}"' in commands[0]
    pages = next(c for c in commands if c.startswith('aws s3 sync site "$BUCKET"'))
    assert '--cache-control "no-cache"' in pages
    assert '--exclude "assets/*"' in pages


def test_every_file_under_assets_has_a_content_hash_in_its_name(bundled_site: Path) -> None:
    fingerprint = re.compile(r"\.[0-9a-f]{12}\.")
    unhashed = [
        p.name
        for p in (bundled_site / "assets").rglob("*")
        if p.is_file() and not fingerprint.search(p.name)
    ]
    assert unhashed == []


def test_security_guide_states_the_limits_the_reader_enforces() -> None:
    guide = (REPO / "docs" / "security.md").read_text()
    assert f"{MAX_FILE_BYTES:,} bytes (`MAX_FILE_BYTES`)" in guide
    assert f"{MAX_VALUES:,} (`MAX_VALUES`)" in guide
    assert f"{MAX_DEPTH} levels (`MAX_DEPTH`)" in guide
    assert f"up to {MAX_PROBLEMS_PER_FILE} (`loading.MAX_PROBLEMS_PER_FILE`)" in guide
    assert {1: "one", 2: "two", 4: "four"}[TAB_WIDTH] + " spaces (`TAB_WIDTH`)" in guide
