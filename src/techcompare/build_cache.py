"""`techcompare build` with its cache: after a few content files change, the next build
renders only the pages that depend on them, and gives the same site as a clean build.

The cache is the state of a `SiteBuilder` after a successful build (the files it loaded,
rendered technologies, serialised /api/ pieces, the pages and what each depends on), pickled
into `.<out>.cache` beside the output folder; never inside it, since the output is published.
It is used only when everything else the build reads is as it was: the same techcompare code
and dependencies, the same options and date, the same templates and static files, and an
output folder exactly as that build left it (every file's size, modification time and inode).
Anything else, an unreadable cache included, means a full build, which writes a new cache.

A cached build finds the content files whose size, modification time or inode changed (and
the files added or removed), lets `SiteBuilder` re-render the pages that depend on them into a
copy of the output made of hard links, indexes the site for search again, and swaps the copy
into place as a full build does: a failure leaves the previous site and its cache as they were.

A file changed within `RACY_SECONDS` before a build may change again without its modification
time moving (coarse file-system clocks): the cache does not trust those files' stamps. The next
build compares their bytes with a digest of those they were read from (as for any file whose
stamp changed, `loading.py`), and reads again the ones that changed.

The file is written so that writing and reading it takes little memory beyond the builder's:
each technology is pickled on its own before the builder, which refers to them (pickled
with it, their objects were all in the pickler's memo at once; a comparison is kept packed,
`packed.py`, and is a few objects); the pieces of the /api/ export (as large as
`site.json`: 200 MB at 10,000 comparisons) follow the builder as they are, written one at a
time, and a cached build reads each from the file when it writes `site.json` again (pickled
with the builder, they were all in memory while the cache was written, and all read back
into memory by the next build). The bytes of each packed comparison follow in the same way,
read when the comparison is unpacked: a cached build reads those whose pages it renders
again (at 10,000 comparisons, 170 MB not read: a build after one edit went from 635 to
476 MB).

The cache is local state of one machine, read with `pickle`: keep it out of version control
and never use one from somewhere else.
"""

from __future__ import annotations

import gc
import importlib.metadata
import os
import pickle
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from . import __version__
from .api_export import Piece, PieceStore, StoredPiece
from .build import BuildOptions, BuildReport, SiteBuilder
from .loading import (
    COMPARISONS_DIR,
    METRICS_FILE,
    SITE_FILE,
    TECHNOLOGIES_DIR,
    file_stamp,
    untrusted,
)
from .models import Model, Technology, shared_fields_set, unpickle_model
from .output import process_running, staged_output
from .packed import PackedComparison
from .problems import ContentError, Problem
from .theme import PACKAGE_DIR, default_static_dir, default_templates_dir

# Raise when what the cache holds changes shape.
CACHE_FORMAT = 8
RACY_SECONDS = 2.0
# Pages are rendered again one by one: when more than this share of them is affected, the
# full build, with a worker per core, is quicker.
FULL_BUILD_SHARE = 0.5
# Distributions whose version can change the output.
DEPENDENCIES = (
    "jinja2",
    "pyyaml",
    "markdown-it-py",
    "markdown-it-pyrs",
    "pydantic",
    "plotly",
    "pygments",
    "minify-html",
    "rjsmin",
    "pagefind-bin",
)
# A stamp no file or folder has: it counts as changed (a file keeps its size, `untrusted`).
UNTRUSTED = (-1, -1, -1)

Stamps = dict[str, tuple[int, int, int]]


def cache_path(out: Path) -> Path:
    """Where the cache of builds into `out` lives: beside it, hidden."""
    out = out.absolute()
    return out.parent / f".{out.name}.cache"


def build_with_cache(options: BuildOptions) -> BuildReport:
    """Build `options.out` from `options.content`, re-rendering only what changed since the
    build that wrote the cache (a full build when there is no usable cache); then save the
    cache for the next build. With no content file changed, the output and the cache are
    left as they are."""
    started, started_ns = time.perf_counter(), time.time_ns()
    path = cache_path(options.out)
    key = cache_key(options)
    # Taken before anything is read, as the files' stamps are (see loading.py).
    folders = _folder_stamps(options.content)
    builder, changed = None, []
    with _open_cache(path, key, options) as (header, cache):
        if header is not None and cache is not None:
            changed = changed_files(options.content, header.content)
            # A folder's stamp moves when a file is added, removed or renamed in it: one the
            # load reads or one it reports (`x.yml`), so the load must run.
            if not changed and folders == header.folders:
                return _unchanged(options, header, started)
            builder = _read_builder(cache, options)
    del header  # its stamps and warnings, 20 MB at 10,000 comparisons, are not needed now
    if builder is None:
        builder = SiteBuilder(options)
        report = builder.build()
    else:
        report = _update(builder, changed, started)
    _save(path, key, builder, report, folders, started_ns - int(RACY_SECONDS * 1e9))
    report.seconds = time.perf_counter() - started
    return report


def _update(builder: SiteBuilder, changed: list[Path], started: float) -> BuildReport:
    options = builder.options
    update = builder.prepare_update(changed)
    if update is None or len(update.affected) > FULL_BUILD_SHARE * len(update.specs):
        return builder.build()
    with staged_output(options.out, link_previous=True) as staging:
        # The whole index, as a clean build has it: a cached build gives the same site.
        return builder.apply_update(update, staging, started, search_limit=None)


def _unchanged(options: BuildOptions, header: _Header, started: float) -> BuildReport:
    """The report of a build that found nothing to do: the site is as the cache left it."""
    if options.strict and header.warnings:
        raise ContentError(header.warnings)
    report = BuildReport(options.out, header.pages, rendered=0, incremental=True)
    report.warnings = header.warnings
    report.seconds = time.perf_counter() - started
    return report


def changed_files(content: Path, known: Stamps) -> list[Path]:
    """The content files whose stamps differ from `known` (the files as the cached build read
    them, by path as the loader names them), the new ones, and those gone. Other files in
    the folders are for the load to report, not to render."""
    current = {str(path): file_stamp(path) for path in _listed(content)}
    changed = [Path(path) for path, stamp in current.items() if known.get(path) != stamp]
    changed += [Path(path) for path in known if path not in current]
    return sorted(changed)


def _folder_stamps(content: Path) -> Stamps:
    """The stamps of the content folder and the folders of technologies and comparisons."""
    stamps: Stamps = {}
    for folder in (content, content / TECHNOLOGIES_DIR, content / COMPARISONS_DIR):
        stamp = file_stamp(folder)
        if stamp is not None:
            stamps[str(folder)] = stamp
    return stamps


def _listed(content: Path) -> list[Path]:
    paths = [content / SITE_FILE, content / METRICS_FILE]
    for folder in (TECHNOLOGIES_DIR, COMPARISONS_DIR):
        try:
            with os.scandir(content / folder) as entries:
                paths += [
                    content / folder / entry.name
                    for entry in entries
                    if entry.name.endswith(".yaml") and not entry.name.startswith(".")
                ]
        except OSError:
            pass  # the load reports it
    return paths


# --- what a cache is valid for ------------------------------------------------------------


def cache_key(options: BuildOptions) -> dict[str, Any]:
    """Everything besides the content that a build's output depends on."""
    today = options.today or date.today()
    templates = [d for d in (options.templates, default_templates_dir()) if d is not None]
    return {
        "format": CACHE_FORMAT,
        "techcompare": __version__,
        "python": sys.version,
        "dependencies": {name: _version(name) for name in DEPENDENCIES},
        "code": _tree_stamps(PACKAGE_DIR),
        "templates": [(str(d.absolute()), _tree_stamps(d)) for d in templates],
        "static": _tree_stamps(default_static_dir()),
        # As given and as resolved: the loader keys its files by the path as given.
        "content": (str(options.content), str(options.content.absolute())),
        "base_url": options.base_url,
        "today": today.isoformat(),
        "minify": options.minify,
    }


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _tree_stamps(root: Path) -> Stamps:
    """Modification time, size and inode of every file under `root`, by path in it."""
    stamps: Stamps = {}
    folders = [("", str(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            listing = os.scandir(folder)
        except FileNotFoundError:
            continue
        with listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append((f"{prefix}{entry.name}/", entry.path))
                    continue
                info = entry.stat()
                stamps[prefix + entry.name] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return stamps


# --- reading and writing the cache --------------------------------------------------------


@dataclass
class _Header:
    """Read before the builder state: enough to tell that the cache is for something else,
    or that nothing changed since, at little cost."""

    key: dict[str, Any]
    output: Stamps  # the output folder as the build left it
    content: Stamps  # the content files as the build read them, by path as loaded
    folders: Stamps  # their folders (`_folder_stamps`) before the build read them
    pages: int
    warnings: list[Problem]


@contextmanager
def _open_cache(
    path: Path, key: dict[str, Any], options: BuildOptions
) -> Iterator[tuple[_Header | None, BinaryIO | None]]:
    """The header of the cache at `path` and the file, positioned at the builder state; both
    None when the cache is missing, unreadable, for other options or for another output."""
    try:
        file = open(path, "rb")  # noqa: SIM115 (closed below, after the caller read it)
    except OSError:
        yield None, None
        return
    with file:
        try:
            header = pickle.load(file)
        except Exception:  # a cache written by other code, or cut short: build without it
            header = None
        valid = (
            isinstance(header, _Header)
            and header.key == key
            # not changed or removed by something else since
            and header.output == _tree_stamps(options.out.absolute())
        )
        yield (header, file) if valid else (None, None)


def _read_builder(file: BinaryIO, options: BuildOptions) -> SiteBuilder | None:
    """The builder pickled in `file` after the header (see `_write_models`); None when the
    file is cut short or holds something else."""
    # The export's pieces stay in the file, read by a store of their own that keeps it open
    # (the next build's cache replaces the file, not what this descriptor reads).
    store = PieceStore(open(os.dup(file.fileno()), "rb"))  # noqa: SIM115 (the store closes it)
    # Millions of objects and no garbage: the cycle collector would only walk them.
    gc.disable()
    try:
        size = int.from_bytes(file.read(MODELS_SIZE_BYTES), "little")
        models = (file.tell(), size)
        file.seek(models[0] + size)
        unpickler = _CacheUnpickler(file, store, models)
        builder = unpickler.load()
    except Exception:  # cut short: build without it
        return None
    finally:
        gc.enable()
    store.base = file.tell()
    if not isinstance(builder, SiteBuilder):
        return None
    if os.fstat(file.fileno()).st_size != store.base + unpickler.pieces_end:
        return None  # the pieces cut short
    builder.options = options  # the same in all that matters (the key), jobs aside
    return builder


def _save(
    path: Path,
    key: dict[str, Any],
    builder: SiteBuilder,
    report: BuildReport,
    folders: Stamps,
    trusted_before: int,
) -> None:
    """Write the cache for the output as it is now, atomically. Stamps of files and folders
    modified at or after `trusted_before` (nanoseconds since the epoch) are not trusted next
    time."""
    entries = builder.load_cache.entries
    for read, (stamp, source, problems) in list(entries.items()):
        if stamp[0] >= trusted_before:
            entries[read] = (untrusted(stamp), source, problems)
    content = {str(read): stamp for read, (stamp, _, _) in entries.items()}
    folders = {
        folder: UNTRUSTED if stamp[0] >= trusted_before else stamp
        for folder, stamp in folders.items()
    }
    output = _tree_stamps(builder.options.out.absolute())
    header = _Header(key, output, content, folders, report.pages, report.warnings)
    _remove_abandoned(path)
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with open(partial, "wb") as file:
            pickle.dump(header, file, protocol=pickle.HIGHEST_PROTOCOL)
            pickler = _CachePickler(file, _write_models(file, builder))
            pickler.dump(builder)
            for piece in pickler.pieces:
                file.write(bytes(piece))
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# The size of the technologies written before the builder (`_write_models`).
MODELS_SIZE_BYTES = 8


def _write_models(file: BinaryIO, builder: SiteBuilder) -> dict[int, tuple[int, int]]:
    """Pickle each technology of the builder's site on its own into `file`, after their
    size in all; return where each one is, by the model's id.

    Pickled with the rest, the objects they are made of would all be in the pickler's memo
    at once; pickled one by one, each memo is gone with its model."""
    site = builder.site
    models = list(site.technologies.values()) if site else []
    size_at = file.tell()
    file.write(bytes(MODELS_SIZE_BYTES))
    where, offset = {}, 0
    for model in models:
        data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        file.write(data)
        where[id(model)] = (offset, len(data))
        offset += len(data)
    end = file.tell()
    file.seek(size_at)
    file.write(offset.to_bytes(MODELS_SIZE_BYTES, "little"))
    file.seek(end)
    return where


class _CachePickler(pickle.Pickler):
    """Pickles a builder with each model written before it (`models`: where, by id) as where
    it is, and each of the export's stored pieces and each packed comparison's bytes as where
    they will be in the file after the pickle (`pieces`, in that order)."""

    def __init__(self, file: BinaryIO, models: dict[int, tuple[int, int]]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.models = models
        self.pieces: list[Piece] = []
        self._end = 0

    def _piece(self, piece: Piece) -> tuple[int, int]:
        self.pieces.append(piece)
        offset, self._end = self._end, self._end + len(piece)
        return offset, len(piece)

    def reducer_override(self, obj: Any) -> Any:
        # Called once for each object that is not of a built-in container or scalar type
        # (the memo has the others).
        kind = type(obj)
        if kind is StoredPiece:
            return _stored_piece, self._piece(obj)
        if kind is PackedComparison:
            return _stored_comparison, (obj.kept(), *self._piece(obj.data))
        if kind is Technology:
            where = self.models.get(id(obj))
            if where is not None:
                return _stored_model, where
        if kind is date:  # as its day number: one object fewer in the memo than its own way
            return _day, (obj.toordinal(),)
        return NotImplemented


def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _stored_piece(offset: int, length: int) -> StoredPiece:
    """What a pickled stored piece names; `_CacheUnpickler` gives its own in its place."""
    raise pickle.UnpicklingError("a stored piece read outside the build cache")


def _stored_comparison(kept: tuple[Any, ...], offset: int, length: int) -> PackedComparison:
    """What a packed comparison is pickled as, its bytes kept apart like a stored piece;
    `_CacheUnpickler` gives one that reads them from the cache when it is unpacked."""
    raise pickle.UnpicklingError("a stored comparison read outside the build cache")


def _stored_model(offset: int, length: int) -> Model:
    """What a model written apart is pickled as; `_CacheUnpickler` reads it in its place."""
    raise pickle.UnpicklingError("a stored model read outside the build cache")


class _CacheUnpickler(pickle.Unpickler):
    """Unpickles a builder with the models written before it (`models`: where they start in
    the file, and their size) and each of the export's pieces in `store`."""

    def __init__(self, file: BinaryIO, store: PieceStore, models: tuple[int, int]) -> None:
        super().__init__(file)
        self.file = file
        self.store = store
        self.models = models
        self.pieces_end = 0  # where the last piece ends, from the end of the pickle

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _stored_piece.__name__:
            return self._piece
        if module == __name__ and name == _stored_comparison.__name__:
            return self._comparison
        if module == __name__ and name == _stored_model.__name__:
            return self._model
        return super().find_class(module, name)

    def _piece(self, offset: int, length: int) -> StoredPiece:
        self.pieces_end = max(self.pieces_end, offset + length)
        return StoredPiece(self.store, offset, length)

    def _comparison(self, kept: tuple[Any, ...], offset: int, length: int) -> PackedComparison:
        fields: tuple[Any, ...] = (*kept, self._piece(offset, length))
        return PackedComparison(*fields)

    def _model(self, offset: int, length: int) -> Model:
        start, size = self.models
        if offset + length > size:
            raise pickle.UnpicklingError("a stored model beyond the models")
        data = os.pread(self.file.fileno(), length, start + offset)
        model = _ModelUnpickler(BytesIO(data)).load()
        if not isinstance(model, Technology):
            raise pickle.UnpicklingError("a stored model of another kind")
        return model


class _ModelUnpickler(pickle.Unpickler):
    """Unpickles one model written apart (`_write_models`), its models' fields sets shared
    with those of every other model, as if they had all been pickled together."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file)
        self._shared: dict[int, set[str]] = {}  # by the unpickled set, alive while this runs

    def find_class(self, module: str, name: str) -> Any:
        if module == unpickle_model.__module__ and name == unpickle_model.__name__:
            return self._model
        return super().find_class(module, name)

    def _model(self, cls: type[Model], fields: dict[str, Any], fields_set: set[str]) -> Model:
        shared = self._shared.get(id(fields_set))
        if shared is None:
            shared = self._shared[id(fields_set)] = shared_fields_set(fields_set)
        return unpickle_model(cls, fields, shared)


def _remove_abandoned(path: Path) -> None:
    """Remove what a build that was killed while it saved the cache left behind."""
    prefix = f"{path.name}.tmp-"
    for leftover in path.parent.glob(f"{prefix}*"):
        pid = leftover.name[len(prefix) :]
        if pid.isdigit() and not process_running(int(pid)):
            leftover.unlink(missing_ok=True)
