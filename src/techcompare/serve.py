"""`techcompare serve`: build the site, serve it locally, rebuild on change, reload open pages.

The story: check the folders, listen on the port, build once, then watch content, templates
and static files. A content change goes to `SiteBuilder.rebuild`, which rewrites only the
pages it affects; a template or static change rebuilds everything. After a successful rebuild
every open page hears a `reload` event over Server-Sent Events (`/__techcompare/events`) from
the script the server adds to each HTML page (`/__techcompare/livereload.js`); after a failed
one it hears `problems`, shows them in an overlay, and the server keeps serving the last good
pages. Nothing outside the output folder is ever served.
"""

from __future__ import annotations

import contextlib
import errno
import html
import itertools
import json
import mimetypes
import posixpath
import queue
import signal
import socket
import socketserver
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

import click
from jinja2 import TemplateError, TemplateSyntaxError

from .build import BuildOptions, BuildReport, SiteBuilder
from .output import OutputError, check_output_dir
from .problems import ContentError, Problem
from .theme import default_static_dir, default_templates_dir

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

RESERVED_PREFIX = "/__techcompare/"
LIVERELOAD_PATH = RESERVED_PREFIX + "livereload.js"
EVENTS_PATH = RESERVED_PREFIX + "events"
LIVERELOAD_SOURCE = Path(__file__).parent / "devserver" / "livereload.js"

# Seconds between keep-alive comments on an event stream; a closed tab is noticed then.
HEARTBEAT_SECONDS = 15.0
# Content files the loader reads (`.yml` too, so that its "rename to .yaml" problem shows).
CONTENT_SUFFIXES = (".yaml", ".yml")
CONTENT_FOLDERS = ("technologies", "comparisons")


class ServeError(Exception):
    """serve cannot start (missing folder, port in use, bad --out); the CLI exits with 2."""


@dataclass(frozen=True)
class ServeOptions:
    """What to build and watch. `out=None` builds into a temporary folder removed on exit."""

    content: Path
    out: Path | None = None
    templates: Path | None = None
    log_requests: bool = False


# --- reporting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildFailure:
    """One line of a failed rebuild, split for the overlay: where, and what is wrong."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    @classmethod
    def from_problem(cls, problem: Problem) -> BuildFailure:
        location = f"{problem.file}:{problem.line}:{problem.column}"
        return cls(location, str(problem).removeprefix(location + ":").strip())


class Reporter:
    """Tells the person at the terminal what serve does; one line per rebuild.

    Serve runs until stopped, so it reports as things happen instead of returning a result
    for the CLI to print. Tests pass their own reporter to collect the lines.
    """

    def info(self, line: str) -> None:
        click.echo(line)

    def problem(self, line: str) -> None:
        click.echo(line, err=True)


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- the event hub ------------------------------------------------------------------------

_CLOSED = None


def format_event(name: str, data: object) -> str:
    """One Server-Sent Event: its name and a JSON payload on a single `data:` line."""
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class EventHub:
    """Fans build events out to every open event stream, one queue per stream.

    While the last build failed, its `problems` event is remembered and sent first to every
    new stream, so a page opened (or reloaded) in the meantime shows the overlay too.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: set[queue.SimpleQueue[str | None]] = set()
        self._problems: str | None = None
        self._closed = False

    def subscribe(self) -> queue.SimpleQueue[str | None]:
        stream: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                stream.put(_CLOSED)
            elif self._problems is not None:
                stream.put(self._problems)
            self._streams.add(stream)
        return stream

    def unsubscribe(self, stream: queue.SimpleQueue[str | None]) -> None:
        with self._lock:
            self._streams.discard(stream)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._streams)

    def reload(self, pages: Iterable[str], everything: bool = False) -> None:
        """After a successful build: pages that were rewritten (output paths), or all."""
        with self._lock:
            self._problems = None
        self._send(format_event("reload", {"all": everything, "pages": sorted(pages)}))

    def problems(self, failures: list[BuildFailure]) -> None:
        """After a failed build: what went wrong, until the next successful one."""
        payload = [{"location": f.location, "message": f.message} for f in failures]
        event = format_event("problems", {"problems": payload})
        with self._lock:
            self._problems = event
        self._send(event)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._lock:
            self._closed = True
        self._send(_CLOSED)

    def _send(self, event: str | None) -> None:
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            stream.put(event)


# --- what a request gets ------------------------------------------------------------------


def url_parts(request_target: str) -> list[str] | None:
    """The decoded path segments of a request target, or None when it tries to leave the root.

    `..` and `.` segments (also percent-encoded), backslashes and NUL bytes are refused
    rather than normalised: no legitimate link to a static page contains them.
    """
    target = request_target
    if target.startswith(("http://", "https://")):
        target = urlsplit(target).path or "/"  # absolute-form: http://host/path
    if not target.startswith("/"):
        return None
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    return parts


def find_file(root: Path, parts: list[str]) -> Path | None:
    """The file under `root` that the segments name (a folder means its index.html), or None
    when it does not exist or resolves (through symlinks too) to anything outside `root`."""
    try:
        base = root.resolve()
        target = base.joinpath(*parts).resolve()
        if target.is_dir():
            target = (target / "index.html").resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return None
    except (OSError, RuntimeError, ValueError):  # too long, a symlink loop, bad bytes
        return None
    return target


def livereload_tag(page: str) -> bytes:
    """The script element added to served HTML; `page` is the output file it came from."""
    return (
        f'<script src="{LIVERELOAD_PATH}" data-page="{html.escape(page)}" defer></script>'
    ).encode()


def inject_livereload(document: bytes, page: str) -> bytes:
    """The HTML with the live-reload script added just before `</body>` (or at the end)."""
    tag = livereload_tag(page)
    index = document.lower().rfind(b"</body>")
    return document[:index] + tag + document[index:] if index >= 0 else document + tag


WAITING_PAGE = b"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waiting for a successful build</title>
<link rel="icon" href="data:,">
</head>
<body>
<main>
<h1>Waiting for a successful build</h1>
<p>techcompare serve could not build the site yet. The problems are listed in the terminal;
fix them and save, and this page reloads by itself.</p>
</main>
</body>
</html>
"""


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _content_type(path: Path) -> str:
    if path.suffix == ".js":
        return "text/javascript; charset=utf-8"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "image/svg+xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


class ServedSite:
    """The output folder as requests see it.

    `lock` is held while a build writes and while a request reads a file, so a page is never
    sent half-written. Until the first build succeeds every page is a waiting page.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.ready = False

    def respond(self, request_target: str) -> Response:
        """The response to a GET for `request_target` (not the reserved /__techcompare/ paths)."""
        parts = url_parts(request_target)
        with self.lock:
            if not self.ready:
                body = inject_livereload(WAITING_PAGE, "")
                return Response(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", body)
            found = None if parts is None else find_file(self.root, parts)
            if found is None:
                return self._not_found()
            raw_path = request_target.split("?", 1)[0]
            if parts and not raw_path.endswith("/") and self.root.joinpath(*parts).is_dir():
                # Relative links in the page only work from the folder's own URL.
                location = "/" + "/".join(parts) + "/"
                return Response(HTTPStatus.FOUND, "text/plain", b"", {"Location": location})
            body = found.read_bytes()
        if found.suffix == ".html":
            page = found.relative_to(self.root.resolve()).as_posix()
            body = inject_livereload(body, page)
        return Response(HTTPStatus.OK, _content_type(found), body)

    def _not_found(self) -> Response:
        page = self.root / "404.html"
        if page.is_file():
            body = inject_livereload(page.read_bytes(), "")
            return Response(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body)
        return Response(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n")


# --- the HTTP server ----------------------------------------------------------------------


class DevServer(ThreadingHTTPServer):
    """The standard library's threading HTTP server, with the site, the hub and a reporter."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        site: ServedSite,
        hub: EventHub,
        request_log: Reporter | None = None,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.site = site
        self.hub = hub
        self.request_log = request_log
        super().__init__(address, DevRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's fully qualified name, which can stall
        # without a network; the address is all a dev server needs.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser went away mid-response (a reload, a closed tab)
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        if host in ("0.0.0.0", "::"):
            host = "localhost"
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/"


class DevRequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the output folder, the live-reload script and its events."""

    server: DevServer
    server_version = "techcompare-serve"
    timeout = 60  # seconds an idle connection may hold a thread

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):  # the client went away or stopped reading
            self.close_connection = True

    def _answer(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH and send_body:
            self._stream_events()
            return
        if path == LIVERELOAD_PATH:
            response = Response(
                HTTPStatus.OK, "text/javascript; charset=utf-8", LIVERELOAD_SOURCE.read_bytes()
            )
        elif path.startswith(RESERVED_PREFIX):
            response = Response(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n")
        else:
            response = self.server.site.respond(self.path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.close_connection = True
        hub = self.server.hub
        stream = hub.subscribe()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                try:
                    event = stream.get(timeout=HEARTBEAT_SECONDS)
                except queue.Empty:
                    event = ": keep-alive\n\n"
                if event is _CLOSED:
                    break
                self.wfile.write(event.encode())
        except (ConnectionError, TimeoutError):
            pass  # the page closed or reloaded
        finally:
            hub.unsubscribe(stream)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.request_log is not None:
            self.server.request_log.info(f"{self.address_string()} {format % args}")


def _listen(
    host: str, port: int, site: ServedSite, hub: EventHub, log: Reporter | None
) -> DevServer:
    try:
        return DevServer((host, port), site, hub, log)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} is in use; try --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise ServeError(
                f"no permission to listen on port {port}; try a port above 1023, such as 8000"
            ) from None
        reason = exc.strerror or str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None


# --- watching and rebuilding --------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What a batch of file changes asks for: content files to rebuild from, or everything."""

    content: list[Path]
    theme: list[Path]

    def __bool__(self) -> bool:
        return bool(self.content or self.theme)


def classify_changes(paths: Iterable[str | Path], content: Path, theme: list[Path]) -> Changes:
    """Sort changed paths into content files and theme files, dropping editor clutter
    (hidden files, swap and backup files, files the loader never reads)."""
    content_root = content.absolute()
    content_files: set[Path] = set()
    theme_files: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.name.startswith(".") or path.name.endswith("~"):
            continue
        if any(path.is_relative_to(folder.absolute()) for folder in theme):
            if path.suffix or path.is_dir():
                theme_files.add(path)
        elif path.is_relative_to(content_root) and (
            path.suffix in CONTENT_SUFFIXES or path.name in CONTENT_FOLDERS or path.is_dir()
        ):
            content_files.add(path)
    return Changes(sorted(content_files), sorted(theme_files))


class Rebuilder:
    """Runs builds for serve: reports each one, tells the hub, remembers what is pending.

    Changes that arrive while the content is broken stay pending until a build succeeds, so
    the pages they affect are rewritten once the last mistake is fixed.
    """

    def __init__(
        self, builder: SiteBuilder, site: ServedSite, hub: EventHub, reporter: Reporter
    ) -> None:
        self.builder = builder
        self.site = site
        self.hub = hub
        self.reporter = reporter
        self.pending_content: set[Path] = set()
        self.pending_theme: set[Path] = set()
        self.pending_full = True  # the first build renders everything
        self.warnings_shown: set[str] = set()

    def run(self, changes: Changes | None = None) -> bool:
        """Build (everything, or the pages `changes` affect); False when the build failed."""
        if changes is not None:
            self.pending_content.update(changes.content)
            self.pending_theme.update(changes.theme)
        full = self.pending_full or bool(self.pending_theme)
        try:
            with self.site.lock:
                if full:
                    report = self.builder.build()
                else:
                    report = self.builder.rebuild(sorted(self.pending_content))
                self.site.ready = True
        except ContentError as exc:
            lines = [str(p) for p in exc.problems + exc.warnings]
            self._failed(lines, [BuildFailure.from_problem(p) for p in exc.problems])
            return False
        except TemplateSyntaxError as exc:
            where = f"{exc.filename or exc.name or 'template'}:{exc.lineno}"
            failure = BuildFailure(where, f"template error: {exc.message}")
            self._failed([str(failure)], [failure])
            return False
        except TemplateError as exc:
            failure = BuildFailure("", f"template error: {exc.message}")
            self._failed([str(failure)], [failure])
            return False
        except OutputError as exc:
            failure = BuildFailure("", f"error: {exc}")
            self._failed([str(failure)], [failure])
            return False
        except Exception as exc:  # a bug: show it, keep serving the last good pages
            self.reporter.problem(traceback.format_exc().rstrip())
            failure = BuildFailure("", f"internal error: {type(exc).__name__}: {exc}")
            self._failed([], [failure])
            return False
        changed = sorted(self.pending_content | self.pending_theme)
        self.pending_content.clear()
        self.pending_theme.clear()
        self.pending_full = False
        self._succeeded(report, full, changed)
        return True

    def _succeeded(self, report: BuildReport, full: bool, changed: list[Path]) -> None:
        for warning in report.warnings:
            if str(warning) not in self.warnings_shown:
                self.warnings_shown.add(str(warning))
                self.reporter.problem(str(warning))
        took = _milliseconds(report.seconds)
        what = f" ({', '.join(_shown(p) for p in changed)})" if changed else ""
        if full:
            self.reporter.info(f"Built {_count(report.written)} in {took}{what}")
        elif report.written:
            self.reporter.info(f"Rebuilt {_count(report.written)} in {took}{what}")
        else:
            self.reporter.info(f"No page changed ({took}){what}")
        self.hub.reload(pages_to_reload(report.written, self.site.root), everything=full)

    def _failed(self, lines: list[str], failures: list[BuildFailure]) -> None:
        for line in lines:
            self.reporter.problem(line)
        errors = len(failures)
        still = "serving the last good pages" if self.site.ready else "nothing to serve yet"
        self.reporter.problem(f"Build failed: {errors} error(s); {still}.")
        self.hub.problems(failures)


def pages_to_reload(written: Iterable[str], root: Path) -> list[str]:
    """The pages (output paths) whose open tabs must reload after `written` files changed:
    rewritten or removed pages, and the page beside any other rewritten file (data that the
    page loads, such as the chart data next to a comparison)."""
    pages: set[str] = set()
    for path in written:
        if path.endswith(".html"):
            pages.add(path)
            continue
        page = posixpath.join(posixpath.dirname(path), "index.html")
        if (root / page).is_file():
            pages.add(page)
    return sorted(pages)


def _count(written: list[str]) -> str:
    pages = sum(1 for path in written if path.endswith(".html"))
    others = len(written) - pages
    if not others:
        return _pages(pages)
    return f"{_pages(pages)} and {others} other file{'' if others == 1 else 's'}"


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.absolute().relative_to(Path.cwd()))
    return str(path)


def watch_changes(content: Path, theme: list[Path], stop: threading.Event) -> Iterator[Changes]:
    """Batches of relevant changes until `stop` is set (or Ctrl-C raises KeyboardInterrupt).

    The first batch comes within a tenth of a second, empty unless something changed: from
    then on the folders are watched, and changes made while the caller is busy building are
    kept for the next batch.
    """
    import watchfiles  # imported here: only serve needs it, and it loads a native module

    folders = [content.absolute(), *(folder.absolute() for folder in theme)]
    for batch in watchfiles.watch(
        *folders, stop_event=stop, debounce=1600, step=50, rust_timeout=100, yield_on_timeout=True
    ):
        yield classify_changes((path for _, path in batch), content, theme)


# --- putting it together ------------------------------------------------------------------


def check_folders(options: ServeOptions) -> tuple[Path, list[Path]]:
    """The content folder and the theme folders to watch; ServeError when one is missing."""
    content = options.content
    if not content.exists():
        raise ServeError(f"content folder {content}/ not found (choose one with --content)")
    if not content.is_dir():
        raise ServeError(f"content folder {content} is not a folder")
    theme: list[Path] = []
    if options.templates is not None:
        if not options.templates.is_dir():
            raise ServeError(f"templates folder {options.templates}/ not found")
        theme.append(options.templates)
    for folder, what in ((default_templates_dir(), "templates"), (default_static_dir(), "static")):
        if not folder.is_dir():
            raise ServeError(f"the default {what} folder {folder}/ is missing (reinstall)")
        theme.append(folder)
    return content, theme


def _check_out(out: Path, watched: list[Path]) -> None:
    try:
        check_output_dir(out)
    except OutputError as exc:
        raise ServeError(str(exc)) from None
    target = out.resolve()
    for folder in watched:
        source = folder.resolve()
        if target.is_relative_to(source) or source.is_relative_to(target):
            raise ServeError(
                f"--out {out} overlaps the watched folder {folder}; choose a folder outside it"
            )


@contextlib.contextmanager
def _output_folder(out: Path | None) -> Iterator[Path]:
    if out is not None:
        yield out
        return
    with tempfile.TemporaryDirectory(prefix="techcompare-serve-") as temporary:
        yield Path(temporary) / "site"


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """Let SIGTERM end serve like Ctrl-C does (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    options: ServeOptions,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    ready_callback: Callable[[str], None] | None = None,
    stop_event: threading.Event | None = None,
    reporter: Reporter | None = None,
) -> None:
    """Build `options.content`, serve it on host:port and rebuild on change until stopped.

    Returns when `stop_event` is set, on Ctrl-C or on SIGTERM. `ready_callback` gets the
    site's URL once the first build ran and the server answers. Raises ServeError when it
    cannot start.
    """
    reporter = reporter or Reporter()
    stop = stop_event or threading.Event()
    content, theme = check_folders(options)
    with _output_folder(options.out) as out:
        _check_out(out, [content, *theme])
        # Served from the root of its own address, whatever base_url site.yaml names.
        builder = SiteBuilder(
            BuildOptions(content=content, out=out, base_url="/", templates=options.templates)
        )
        site = ServedSite(out)
        hub = EventHub()
        server = _listen(host, port, site, hub, reporter if options.log_requests else None)
        thread = threading.Thread(target=server.serve_forever, name="techcompare serve")
        try:
            with _stop_on_sigterm(stop):
                rebuilder = Rebuilder(builder, site, hub, reporter)
                batches = watch_changes(content, theme, stop)
                first = next(batches, None)  # watching from here on
                rebuilder.run()
                thread.start()
                reporter.info(f"Serving {server.url} from {out}/ (Ctrl-C to stop)")
                if host not in ("127.0.0.1", "localhost", "::1"):
                    reporter.info(f"Listening on {host}: other machines can read this site.")
                if ready_callback is not None:
                    ready_callback(server.url)
                for changes in itertools.chain([first] if first else [], batches):
                    if changes:
                        rebuilder.run(changes)
        except KeyboardInterrupt:
            pass
        finally:
            hub.close()
            if thread.is_alive():
                server.shutdown()
                thread.join(timeout=5)
            server.server_close()
        reporter.info("Stopped.")
