"""`techcompare serve`: rebuilds on change, live-reload events, safe file serving, clean exits.

Most tests run the real command in a subprocess against a copy of the `databases` fixture
site, as a person would; the pieces with rules of their own (which paths are served, which
changes count, the event hub) are tested directly.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from testkit import copy_site, edit

from techcompare.serve import (
    EVENTS_PATH,
    LIVERELOAD_PATH,
    BuildFailure,
    EventHub,
    Reporter,
    ServeError,
    ServeOptions,
    classify_changes,
    find_file,
    inject_livereload,
    pages_to_reload,
    serve,
    url_parts,
)

SQLITE_SUMMARY = "A self-contained SQL database engine in a single file."
EDITED_SUMMARY = "A self-contained SQL engine, edited while serving."
COMPARISON = "compare/postgresql-vs-sqlite/"


# --- the serve process --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "techcompare", "serve", *args]


@dataclass
class ServeProcess:
    """`techcompare serve` running in a subprocess, its output going to files."""

    process: subprocess.Popen[bytes]
    base_url: str
    content: Path
    out: Path
    logs: Path

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url(path), timeout=5) as response:
            assert response.status == 200
            return str(response.read().decode("utf-8"))

    def status(self, raw_target: str) -> int:
        """The status of a GET for `raw_target`, sent exactly as written."""
        host, port = self.base_url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            connection.request("GET", raw_target)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def stop(self) -> tuple[int, str, str]:
        """Terminate (SIGTERM) and return the exit code, stdout and stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=10)
        return code, self.output("stdout"), self.output("stderr")

    def output(self, name: str) -> str:
        return (self.logs / name).read_text(encoding="utf-8")


def start_serve(tmp_path: Path, *extra: str) -> ServeProcess:
    """Start serve on a copy of the databases site and wait until it answers."""
    content = copy_site(tmp_path)
    out = tmp_path / "out"
    logs = tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    args = ["--content", str(content), "--out", str(out), "--port", str(port), *extra]
    with (logs / "stdout").open("wb") as stdout, (logs / "stderr").open("wb") as stderr:
        process = subprocess.Popen(serve_command(*args), cwd=tmp_path, stdout=stdout, stderr=stderr)
    server = ServeProcess(process, f"http://127.0.0.1:{port}/", content, out, logs)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, stdout_text, stderr_text = server.stop()
            pytest.fail(f"serve exited with {process.returncode}:\n{stderr_text}{stdout_text}")
        try:
            server.get("")
            return server
        except urllib.error.HTTPError as answered:  # up, but the first build failed
            _, stdout_text, stderr_text = server.stop()
            pytest.fail(f"serve answered {answered.code}:\n{stderr_text}{stdout_text}")
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    server.stop()
    pytest.fail("serve did not answer within 30 s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServeProcess]:
    server = start_serve(tmp_path)
    try:
        yield server
    finally:
        server.stop()


class EventStream:
    """A client of the server's Server-Sent Events, reading one event at a time."""

    def __init__(self, url: str) -> None:
        self.response = urllib.request.urlopen(url, timeout=10)

    def next(self, name: str) -> dict[str, object]:
        """The data of the next event called `name` (earlier events of other names skipped)."""
        event, data = "", ""
        while True:
            line = self.response.readline().decode("utf-8")
            assert line, "the event stream ended"
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = line.removeprefix("data: ")
            elif not line and event:
                if event == name:
                    return dict(json.loads(data))
                event, data = "", ""

    def close(self) -> None:
        self.response.close()


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll `condition` until true; return how long it took, fail after `seconds`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            pytest.fail(f"{what} did not happen within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - started


def html_mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.html")}


# --- editing while serving ----------------------------------------------------------------


def test_an_edit_rewrites_only_the_pages_it_affects(served: ServeProcess) -> None:
    assert "PostgreSQL vs SQLite" in served.get(COMPARISON)
    before = html_mtimes(served.out)
    events = EventStream(served.url(EVENTS_PATH))
    try:
        edit(served.content / "technologies" / "sqlite.yaml", SQLITE_SUMMARY, EDITED_SUMMARY)
        wait_for(
            lambda: EDITED_SUMMARY in served.get("technologies/sqlite/"), 2.0, "the new summary"
        )
        reload = events.next("reload")
    finally:
        events.close()
    after = html_mtimes(served.out)
    rewritten = sorted(page for page in before if after[page] != before[page])
    assert "technologies/sqlite/index.html" in rewritten
    for untouched in ("technologies/postgresql/index.html", f"{COMPARISON}index.html", "404.html"):
        assert untouched not in rewritten, f"{untouched} was rewritten"
    assert reload["all"] is False
    reloaded = reload["pages"]
    assert isinstance(reloaded, list)
    assert set(rewritten) <= set(reloaded)
    assert not {"technologies/postgresql/index.html", "404.html"} & set(reloaded)
    code, stdout, _ = served.stop()
    assert code == 0
    rebuilt = rf"Rebuilt {len(rewritten)} pages( and \d+ other files?)? in \d+ ms \(content/"
    assert re.search(rebuilt + r"technologies/sqlite\.yaml\)", stdout), stdout


def test_a_content_error_is_reported_and_the_last_good_pages_stay(
    served: ServeProcess, tmp_path: Path
) -> None:
    sqlite = served.content / "technologies" / "sqlite.yaml"
    edit(sqlite, SQLITE_SUMMARY, EDITED_SUMMARY)
    wait_for(lambda: EDITED_SUMMARY in served.get("technologies/sqlite/"), 2.0, "the edit")
    events = EventStream(served.url(EVENTS_PATH))
    try:
        sqlite.write_text(sqlite.read_text(encoding="utf-8") + "summmary: typo\n", "utf-8")
        problems = events.next("problems")["problems"]
    finally:
        events.close()
    assert isinstance(problems, list)
    [problem] = [p for p in problems if "summmary" in p["message"]]
    assert problem["location"].startswith("content/technologies/sqlite.yaml:")
    assert "unknown field" in problem["message"]
    assert EDITED_SUMMARY in served.get("technologies/sqlite/")  # the last good page

    # A page opened now hears about the problems at once.
    late = EventStream(served.url(EVENTS_PATH))
    try:
        assert late.next("problems")["problems"] == problems
    finally:
        late.close()

    code, _, stderr = served.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    build = subprocess.run(
        [sys.executable, "-m", "techcompare", "build", "--content", "content", "--out", "b"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 1
    build_lines = [line for line in build.stderr.splitlines() if "summmary" in line]
    assert build_lines, build.stderr
    for line in build_lines:
        assert line in stderr.splitlines(), f"serve did not print `{line}`:\n{stderr}"
    assert "Build failed: 1 error(s); serving the last good pages." in stderr


def test_fixing_the_content_rewrites_the_pages_changed_while_it_was_broken(
    served: ServeProcess,
) -> None:
    sqlite = served.content / "technologies" / "sqlite.yaml"
    good = sqlite.read_text(encoding="utf-8")
    events = EventStream(served.url(EVENTS_PATH))
    try:
        postgresql = served.content / "technologies" / "postgresql.yaml"
        sqlite.write_text(good + "summmary: typo\n", "utf-8")
        events.next("problems")
        # Edited while sqlite.yaml is still broken: nothing can be built yet.
        edit(postgresql, "summary: An object", "summary: Edited while broken. An object")
        events.next("problems")
        sqlite.write_text(good, "utf-8")
        reload = events.next("reload")
    finally:
        events.close()
    assert "technologies/postgresql/index.html" in reload["pages"]  # type: ignore[operator]
    assert "Edited while broken." in served.get("technologies/postgresql/")


def test_a_template_change_rebuilds_everything_and_template_errors_show(
    tmp_path: Path,
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    served = start_serve(tmp_path, "--templates", str(templates))
    events = EventStream(served.url(EVENTS_PATH))
    try:
        (templates / "404.html").write_text("{% if %}broken", "utf-8")
        problems = events.next("problems")["problems"]
        (templates / "404.html").write_text(
            '{% extends "base.html" %}{% block main %}<p>Overridden 404</p>{% endblock %}',
            "utf-8",
        )
        reload = events.next("reload")
    finally:
        events.close()
        code, stdout, stderr = served.stop()
    assert isinstance(problems, list)
    [problem] = problems
    assert problem["location"] == f"{templates / '404.html'}:1"
    assert problem["message"].startswith("template error: ")
    assert reload["all"] is True
    assert "Overridden 404" in (served.out / "404.html").read_text("utf-8")
    assert code == 0
    assert "template error" in stderr
    assert re.search(r"^Built \d+ pages.* in \d+ ms \(.*templates/404\.html\)$", stdout, re.M)


# --- serving files ------------------------------------------------------------------------


def test_pages_get_the_live_reload_script_and_other_files_do_not(served: ServeProcess) -> None:
    page = served.get(COMPARISON)
    assert f'<script src="{LIVERELOAD_PATH}" data-page="{COMPARISON}index.html" defer>' in page
    assert page.rstrip().endswith("</script></body></html>")
    assert "__techcompare" not in (served.out / COMPARISON / "index.html").read_text("utf-8")
    script = served.get(LIVERELOAD_PATH)
    assert "EventSource" in script
    with urllib.request.urlopen(served.url(LIVERELOAD_PATH), timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
    assert served.status("/compare/postgresql-vs-sqlite") == 302
    assert served.status("/__techcompare/other") == 404
    with pytest.raises(urllib.error.HTTPError) as missing:
        served.get("no-such-page/")
    assert missing.value.code == 404
    assert 'data-page=""' in missing.value.read().decode("utf-8")


TRAVERSALS = [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/assets/..%2f..%2f..%2fetc/passwd",
    "/..%5c..%5cetc%5cpasswd",
    "//etc/passwd",
    "/etc/passwd",
    "http://127.0.0.1/../../etc/passwd",
    "/%00",
    "/%ff%fe",
    "/" + "a" * 5000,
    "/leak.txt",
    "/leak-folder/secret.txt",
    "/../secret.txt",
    "/%2e%2e/secret.txt",
]


def test_nothing_outside_the_output_folder_is_served(served: ServeProcess, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", "utf-8")
    (served.out / "leak.txt").symlink_to(secret)
    (served.out / "leak-folder").symlink_to(tmp_path, target_is_directory=True)
    for target in TRAVERSALS:
        assert served.status(target) == 404, target
    assert served.status("/") == 200


def test_a_client_that_goes_away_mid_response_does_not_stop_the_server(
    served: ServeProcess,
) -> None:
    big = max((served.out / "assets").iterdir(), key=lambda p: p.stat().st_size)
    host, port = served.base_url.removeprefix("http://").rstrip("/").split(":")
    for target in (f"/assets/{big.name}", EVENTS_PATH, "/"):
        for _ in range(3):
            client = socket.create_connection((host, int(port)), timeout=5)
            client.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            client.recv(100)
            # Close with a reset, as a browser does when it stops a load.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
    assert "PostgreSQL vs SQLite" in served.get(COMPARISON)
    code, _, stderr = served.stop()
    assert code == 0
    assert "Traceback" not in stderr
    assert "Error" not in stderr


def test_requests_are_not_logged_unless_asked(served: ServeProcess, tmp_path: Path) -> None:
    served.get(COMPARISON)
    _, stdout, stderr = served.stop()
    assert "GET" not in stdout + stderr
    verbose = start_serve(tmp_path / "verbose", "--verbose")
    try:
        verbose.get(COMPARISON)
    finally:
        _, stdout, _ = verbose.stop()
    assert f'"GET /{COMPARISON} HTTP/1.1" 200' in stdout


# --- starting and stopping ----------------------------------------------------------------


def run_serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        serve_command(*args), cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False
    )


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve(tmp_path, "--content", str(content), "--port", str(port))
    assert result.returncode == 2
    assert result.stderr == f"error: port {port} is in use; try --port {port + 1}\n"


def test_missing_folders_are_usage_errors(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--content", "nowhere", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr == "error: content folder nowhere/ not found (choose one with --content)\n"
    copy_site(tmp_path)
    result = run_serve(tmp_path, "--templates", "no-templates", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr == "error: templates folder no-templates/ not found\n"


def test_an_output_folder_inside_the_content_is_refused(tmp_path: Path) -> None:
    copy_site(tmp_path)
    result = run_serve(tmp_path, "--out", "content/site", "--port", str(free_port()))
    assert result.returncode == 2
    assert "overlaps the watched folder content" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    server = start_serve(tmp_path)
    server.process.send_signal(signal.SIGINT)
    code, stdout, stderr = server.stop()
    assert code == 0
    assert stdout.rstrip().endswith("Stopped.")
    assert "Traceback" not in stderr


def test_the_default_output_folder_is_temporary_and_removed(tmp_path: Path) -> None:
    copy_site(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        serve_command("--port", str(port)),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        serving = next(line for line in lines if line.startswith("Serving "))
        out = Path(serving.split(" from ", 1)[1].split("/ (", 1)[0])
        assert (out / "index.html").is_file()
        assert not out.is_relative_to(tmp_path)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


# --- the serve function -------------------------------------------------------------------


class Collect(Reporter):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, line: str) -> None:
        self.lines.append(line)

    def problem(self, line: str) -> None:
        self.lines.append(line)


def test_serve_runs_until_its_stop_event_is_set(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    ready: list[str] = []
    stop = threading.Event()
    reporter = Collect()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            serve(
                ServeOptions(content=content, out=tmp_path / "out"),
                port=0,
                ready_callback=ready.append,
                stop_event=stop,
                reporter=reporter,
            )
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        wait_for(lambda: bool(ready) or bool(errors), 30, "serve becoming ready")
        assert not errors
        with urllib.request.urlopen(ready[0] + COMPARISON, timeout=5) as response:
            assert response.status == 200
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert reporter.lines[-1] == "Stopped."
    assert any(re.match(r"Built \d+ pages.* in \d+ ms$", line) for line in reporter.lines)


def test_serve_refuses_a_missing_content_folder(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match=r"content folder .* not found"):
        serve(ServeOptions(content=tmp_path / "nowhere"))


# --- the pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../etc",
        "/a/../../b",
        "/%2e%2e/x",
        "/%2E%2e%2fx",
        "/a\\..\\b",
        "/%5c",
        "/%00",
        "/%ff",
        "*",
        "etc",
    ],
)
def test_url_parts_refuses_leaving_the_root(target: str) -> None:
    assert url_parts(target) is None


def test_url_parts_decodes_and_drops_the_query() -> None:
    assert url_parts("/compare/a%20b/?x=1#top") == ["compare", "a b"]
    assert url_parts("http://example.org/a/b") == ["a", "b"]
    assert url_parts("/") == []


def test_find_file_stays_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("a", "utf-8")
    (root / "inside.txt").write_text("in", "utf-8")
    (tmp_path / "outside.txt").write_text("out", "utf-8")
    (root / "link-in.txt").symlink_to(root / "inside.txt")
    (root / "link-out.txt").symlink_to(tmp_path / "outside.txt")
    (root / "loop").symlink_to(root / "loop")
    assert find_file(root, ["a"]) == (root / "a" / "index.html").resolve()
    assert find_file(root, ["link-in.txt"]) == (root / "inside.txt").resolve()
    assert find_file(root, ["link-out.txt"]) is None
    assert find_file(root, ["loop"]) is None
    assert find_file(root, ["missing"]) is None
    assert find_file(root, [str(tmp_path / "outside.txt")]) is None  # an absolute segment


def test_inject_livereload_goes_before_the_last_body_end() -> None:
    page = inject_livereload(b"<p>a</p></BODY></html>", 'x/"index".html')
    assert page == (
        b'<p>a</p><script src="/__techcompare/livereload.js" data-page="x/&quot;index&quot;.html"'
        b" defer></script></BODY></html>"
    )
    assert inject_livereload(b"<p>", "").startswith(b"<p><script ")


def test_the_hub_remembers_problems_until_a_build_succeeds() -> None:
    hub = EventHub()
    first = hub.subscribe()
    hub.problems([BuildFailure("a.yaml:1:2", "name: missing")])
    event = first.get_nowait()
    assert event is not None
    assert event.startswith("event: problems\ndata: ")
    assert json.loads(event.split("data: ", 1)[1]) == {
        "problems": [{"location": "a.yaml:1:2", "message": "name: missing"}]
    }
    assert hub.subscribe().get_nowait() == event  # a late page sees them at once
    hub.reload(["b.html", "a.html"])
    assert (
        first.get_nowait() == 'event: reload\ndata: {"all":false,"pages":["a.html","b.html"]}\n\n'
    )
    assert hub.subscribe().empty()
    hub.close()
    assert first.get_nowait() is None


def test_classify_changes_sorts_content_from_theme(tmp_path: Path) -> None:
    content, templates, static = tmp_path / "content", tmp_path / "t", tmp_path / "s"
    for folder in (content / "technologies", templates, static):
        folder.mkdir(parents=True)
    changes = classify_changes(
        [
            content / "technologies" / "a.yaml",
            content / "technologies" / ".a.yaml.swp",
            content / "technologies" / "4913",
            content / "technologies" / "a.yaml~",
            content / "notes.txt",
            content / "technologies",
            templates / "base.html",
            static / "site.css",
            tmp_path / "elsewhere.yaml",
        ],
        content,
        [templates, static],
    )
    assert changes.content == [content / "technologies", content / "technologies" / "a.yaml"]
    assert changes.theme == [static / "site.css", templates / "base.html"]
    assert not classify_changes([content / "4913"], content, [templates])


def test_a_rewritten_file_beside_a_page_reloads_that_page(tmp_path: Path) -> None:
    for page in ("index.html", "compare/a/index.html"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("<body></body>", "utf-8")
    written = ["compare/a/charts.json", "404.html", "sitemap.xml", "api/a.json", "gone/index.html"]
    assert pages_to_reload(written, tmp_path) == [
        "404.html",
        "compare/a/index.html",
        "gone/index.html",
        "index.html",
    ]


def test_problem_lines_split_into_location_and_message() -> None:
    from techcompare.problems import Problem

    failure = BuildFailure.from_problem(Problem("c/a.yaml", 3, 1, "name", "field required"))
    assert failure == BuildFailure("c/a.yaml:3:1", "name: field required")
    assert str(failure) == "c/a.yaml:3:1: name: field required"


def test_no_request_reaches_a_file_outside_the_output(tmp_path: Path) -> None:
    """The same guarantees through `ServedSite.respond`, without a server."""
    from techcompare.serve import ServedSite

    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<body>home</body>", "utf-8")
    (tmp_path / "secret").write_text("secret", "utf-8")
    site = ServedSite(root)
    assert site.respond("/").status == 503  # nothing built yet
    site.ready = True
    assert site.respond("/").body.startswith(b"<body>home<script ")
    for target in ("/../secret", "/%2e%2e/secret", os.fspath(tmp_path / "secret")):
        assert site.respond(target).status == 404
