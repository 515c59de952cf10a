"""Load a content folder: read every YAML file and validate it into its model.

Input: the content folder. Output: `LoadedContent`, every file that validated, with its
positions, and a `Problems` collector holding every mistake found in any file. A bad file
does not stop the others from being read, so one run reports everything.

A large content folder is read by forked worker processes (`jobs`), each reading and
validating whole files and sending back their `Source`; the result does not depend on the
number of jobs. A `Source` keeps the positions of its values for messages, not the values
themselves: the model holds them once.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from .file_review import file_notes
from .models import (
    SLUG_PATTERN,
    Comparison,
    MetricRegistry,
    SiteSettings,
    Technology,
    comparison_problems,
)
from .packed import PackedComparison
from .parallel import fork_map
from .problems import Problem, Problems
from .yaml_source import (
    Loc,
    Position,
    YamlDocument,
    YamlError,
    decode_text,
    parse_yaml,
    read_yaml_bytes,
    read_yaml_file,
)

M = TypeVar("M")

SITE_FILE = "site.yaml"
METRICS_FILE = "metrics.yaml"
TECHNOLOGIES_DIR = "technologies"
COMPARISONS_DIR = "comparisons"
# Validation problems reported per file: past this, the rest are counted, not listed.
MAX_PROBLEMS_PER_FILE = 50
# Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200


@dataclass(frozen=True)
class Source(Generic[M]):
    """One validated content file: its model and where each of its values came from.

    A technology or comparison file is kept with the positions of its top-level fields only
    (`shallow`), once its own problems are reported: the positions of every value were most
    of what a worker sent back, most of what the parent spent unpickling, and most of a
    loaded site's memory after its models. A deeper position, asked for a later message, is
    found by reading the file again, once."""

    path: Path
    display: str
    slug: str
    model: M
    document: YamlDocument  # positions only: `data` is None once the model is made
    # Warnings about this file alone, found as it was read (`file_review.py`): where, what.
    notes: tuple[tuple[Loc, str], ...] = ()
    # Whether `document` holds the positions of the top-level fields only.
    shallow: bool = False
    # A digest of the bytes it was read from (`content_digest`): a file whose stamp changed
    # but whose bytes did not (copied, checked out, touched) is not read again. Not compared:
    # a Source read from other bytes that is equal to this one is used in its place.
    digest: bytes = field(default=b"", compare=False, repr=False)
    # The positions of every value, once read again for a shallow Source (by `position`).
    _reread: list[YamlDocument] = field(default_factory=list, compare=False, repr=False)

    def position(self, loc: Loc) -> tuple[int, int]:
        if not self.shallow or len(loc) <= 1:
            return self.document.position(loc)
        if not self._reread:
            self._reread.append(_positions_of(self.path) or self.document)
        return self._reread[0].position(loc)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (sent back by a worker, kept in the build cache) as its fields, positions in
        # place of the document and without what was read again: every object pickled is
        # one more in the pickler's memo, and the build cache pickles 12,000 Sources at
        # 10,000 comparisons.
        fields = (self.path, self.display, self.slug, self.model, self.document.positions)
        return (_unpickled_source, (*fields, self.notes, self.shallow, self.digest))

    def without_deep_positions(self) -> Source[M]:
        """This Source with the positions of its top-level fields only (see above)."""
        top = {loc: at for loc, at in self.document.positions.items() if len(loc) <= 1}
        document = YamlDocument(None, PackedPositions(top))
        fields = (self.path, self.display, self.slug, self.model, document, self.notes)
        return Source(*fields, shallow=True, digest=self.digest)


def _unpickled_source(
    path: Path,
    display: str,
    slug: str,
    model: Any,
    positions: Mapping[Loc, Position],
    notes: tuple[tuple[Loc, str], ...],
    shallow: bool,
    digest: bytes,
) -> Source[Any]:
    document = YamlDocument(None, positions)
    return Source(path, display, slug, model, document, notes, shallow, digest)


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class PackedPositions(Mapping[Loc, Position]):
    """A few positions kept in little memory, as a loaded site keeps those of every top-level
    field of every file: the lines and columns in one array of numbers, and the fields (and
    their index) shared by every file whose fields come in the same order (as a dict of
    tuples of their own, some 45 MB of a site of 10,000 comparisons). Pickled as the shared
    fields and the numbers' bytes, and shared again when unpickled."""

    __slots__ = ("_index", "_locs", "_numbers")

    _locs: tuple[Loc, ...]
    _index: dict[Loc, int]
    _numbers: array[int]

    def __init__(self, positions: Mapping[Loc, Position]) -> None:
        self._locs, self._index = _shared_index(tuple(positions))
        self._numbers = array("I", [number for at in positions.values() for number in at])

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickled_positions, (self._locs, self._numbers.tobytes()))

    def __getitem__(self, loc: Loc) -> Position:
        i = 2 * self._index[loc]
        return (self._numbers[i], self._numbers[i + 1])

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._locs)

    def __len__(self) -> int:
        return len(self._locs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedPositions) and self._index is other._index:
            return self._numbers == other._numbers
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]


def _unpickled_positions(locs: tuple[Loc, ...], numbers: bytes) -> PackedPositions:
    packed = PackedPositions.__new__(PackedPositions)
    packed._locs, packed._index = _shared_index(locs)
    packed._numbers = array("I")
    packed._numbers.frombytes(numbers)
    return packed


# Each order of fields seen, and its index: the few orders a site's files come in.
_INDEXES: dict[tuple[Loc, ...], tuple[tuple[Loc, ...], dict[Loc, int]]] = {}


def _shared_index(locs: tuple[Loc, ...]) -> tuple[tuple[Loc, ...], dict[Loc, int]]:
    shared = _INDEXES.get(locs)
    if shared is None:
        shared = _INDEXES[locs] = (locs, {loc: i for i, loc in enumerate(locs)})
    return shared


def _positions_of(path: Path) -> YamlDocument | None:
    """The positions of every value of the file at `path`, read again; None when it can no
    longer be read as it was (the nearest top-level position is given then)."""
    try:
        return YamlDocument(None, read_yaml_file(path).positions)
    except (OSError, YamlError):
        return None


@dataclass
class LoadedContent:
    root: Path
    problems: Problems = field(default_factory=Problems)
    cache: LoadCache | None = None
    real_root: Path | None = None  # the content folder with symbolic links resolved
    site: Source[SiteSettings] | None = None
    metrics: Source[MetricRegistry] | None = None
    technologies: dict[str, Source[Technology]] = field(default_factory=dict)
    comparisons: dict[str, Source[PackedComparison]] = field(default_factory=dict)
    # Slugs of every file found, valid or not: a reference to a file that failed to load
    # is not also reported as unknown.
    technology_files: set[str] = field(default_factory=set)
    comparison_files: set[str] = field(default_factory=set)


@dataclass
class LoadCache:
    """Loaded files kept between runs (serve, incremental builds), keyed by path.

    A file whose size, modification time and inode are unchanged is not read again: its
    `Source` (the very same model objects) and its problems are reused.
    """

    # Problems are kept as tuples: most files have none, and an empty tuple is one object for
    # all (the build cache pickles every list on its own).
    entries: dict[Path, tuple[tuple[int, int, int], Source[Any] | None, tuple[Problem, ...]]] = (
        field(default_factory=dict)
    )
    # Content-quality warnings of one file (quality.py), with the Source and date they are for.
    reviews: dict[Path, tuple[Source[Any], date, tuple[Problem, ...]]] = field(default_factory=dict)
    # Warnings of one comparison about its technologies' metrics (quality.py), with the Source
    # and the metrics each of its technologies reports that they are for.
    comparison_reviews: dict[
        Path, tuple[Source[Any], tuple[frozenset[str], ...], tuple[Problem, ...]]
    ] = field(default_factory=dict)


def load_content(root: Path, cache: LoadCache | None = None, jobs: int | None = 1) -> LoadedContent:
    """Read and validate every content file under `root`; problems are collected, not raised.

    `jobs` worker processes read the files when there are many (None: one per core)."""
    # Reading makes millions of objects and no reference cycles: the cycle collector would
    # only walk them again and again (a fifth of the time of a large load).
    with _collector_paused():
        return _load_content(root, cache, jobs)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_content(root: Path, cache: LoadCache | None, jobs: int | None) -> LoadedContent:
    content = LoadedContent(root=root, cache=cache)
    if not root.is_dir():
        content.problems.add(root, 1, 1, "", "content folder not found")
        return content
    content.site = _load_one(content, root / SITE_FILE, SiteSettings, required=True)
    content.metrics = _load_one(content, root / METRICS_FILE, MetricRegistry, required=True)
    technologies = _content_files(content, TECHNOLOGIES_DIR)
    comparisons = _content_files(content, COMPARISONS_DIR)
    files: list[tuple[Path, type[BaseModel]]] = [
        *((path, Technology) for path in technologies),
        *((path, Comparison) for path in comparisons),
    ]
    # Each stamp is taken before the file is read, so a change made while it is read is
    # seen next time.
    stamps = {path: file_stamp(path) for path, _ in files}
    read = _read_changed(content, files, stamps, jobs or os.cpu_count() or 1)
    for path in technologies:
        content.technology_files.add(path.stem)
        tech = _load_one(content, path, Technology, listed=(stamps[path], read.get(path)))
        if tech is not None:
            content.technologies[tech.slug] = tech
    for path in comparisons:
        content.comparison_files.add(path.stem)
        comparison = _load_one(content, path, Comparison, listed=(stamps[path], read.get(path)))
        if comparison is not None:
            content.comparisons[comparison.slug] = comparison
    if cache is not None:  # forget the files that are gone
        known = {root / SITE_FILE, root / METRICS_FILE, *technologies, *comparisons}
        for path in [path for path in cache.entries if path not in known]:
            del cache.entries[path]
    return content


# What reading one file gave: its Source (None when it failed) and its problems.
Read = tuple["Source[Any] | None", tuple[Problem, ...]]
Stamp = tuple[int, int, int]
# The content being loaded, in a forked worker process (set in the parent before forking).
_worker_content: LoadedContent | None = None


def _read_changed(
    content: LoadedContent,
    files: list[tuple[Path, type[BaseModel]]],
    stamps: dict[Path, Stamp | None],
    jobs: int,
) -> dict[Path, Read]:
    """What the cache holds for the `files` whose stamps changed but whose bytes did not,
    and the others not in the cache read in `jobs` forked processes, when there are enough
    of them to be worth it; the rest are read one by one as they come."""
    reads, todo = {}, []
    for path, model in files:
        if _cached(content, path, stamps[path]) is None:
            same = _same_bytes(content, path, stamps[path])
            if same is not None:
                reads[path] = same
            else:
                todo.append((path, model))
    if jobs < 2 or len(todo) < PARALLEL_MIN_FILES:
        return reads
    global _worker_content
    _worker_content = content
    try:
        results = fork_map(_read_in_worker, todo, jobs)
    finally:
        _worker_content = None
    reads.update((path, read) for (path, _), read in zip(todo, results, strict=True))
    return reads


def _read_in_worker(item: tuple[Path, type[BaseModel]]) -> Read:
    assert _worker_content is not None
    gc.disable()  # as in the parent (`load_content`); the worker lives for this load only
    path, model = item
    scratch = LoadedContent(root=_worker_content.root, real_root=_worker_content.real_root)
    source = _read_and_validate(scratch, path, model, required=False, checked=True)
    return (source.without_deep_positions() if source else None), tuple(scratch.problems.items)


def _content_files(content: LoadedContent, folder: str) -> list[Path]:
    """The YAML files of one folder, sorted; stray files and bad names become problems."""
    directory = content.root / folder
    if not directory.is_dir():
        content.problems.add(directory, 1, 1, "", f"folder `{folder}/` not found")
        return []
    if not _inside(content, directory):
        shown = _display(content.root, directory)
        content.problems.add(shown, 1, 1, "", "links to a folder outside the content folder")
        return []
    shown_folder = _display(content.root, directory)
    files = []
    with os.scandir(directory) as entries:
        listed = sorted(entries, key=lambda entry: entry.name)
    for entry in listed:
        path = directory / entry.name
        shown = f"{shown_folder}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if path.suffix == ".yml":
            content.problems.add(shown, 1, 1, "", "rename to `.yaml`: only .yaml files are read")
            continue
        if path.suffix != ".yaml":
            continue
        # Only a symbolic link can lead out of a folder that is inside the content folder.
        if entry.is_symlink() and not _readable_content_file(content, path, shown):
            continue
        if not entry.is_file():
            content.problems.add(shown, 1, 1, "", "is not a regular file")
            continue
        if not re.fullmatch(SLUG_PATTERN, path.stem) or len(path.stem) > 64:
            content.problems.add(
                shown,
                1,
                1,
                "",
                "file name must be a slug: lower-case letters, digits and single hyphens, "
                "such as `message-queues.yaml`",
            )
            continue
        files.append(path)
    return files


def _inside(content: LoadedContent, path: Path) -> bool:
    """Whether `path`, symbolic links followed, stays inside the content folder."""
    if content.real_root is None:
        content.real_root = content.root.resolve()
    return path.resolve().is_relative_to(content.real_root)


def _readable_content_file(content: LoadedContent, path: Path, shown: str) -> bool:
    """Whether `path` may be read: a regular file inside the content folder. A link to a file
    elsewhere would publish it; a named pipe or a device would never finish reading."""
    if not _inside(content, path):
        content.problems.add(shown, 1, 1, "", "links to a file outside the content folder")
        return False
    if not path.is_file():
        content.problems.add(shown, 1, 1, "", "is not a regular file")
        return False
    return True


def _display(root: Path, path: Path) -> str:
    """The path as an editor sees it: relative to the working directory when inside it
    (so editors and CI annotations can open it), else relative to the content's parent."""
    absolute = path.absolute()
    for base in (Path.cwd(), root.absolute().parent):
        if absolute.is_relative_to(base):
            return str(absolute.relative_to(base))
    return str(path)


def untrusted(stamp: Stamp) -> Stamp:
    """A stamp no file has, with the size of `stamp`: the file counts as changed, but is not
    parsed again while its bytes are the same (`_same_bytes`)."""
    return (-1, stamp[1], -1)


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _cached(content: LoadedContent, path: Path, stamp: Stamp | None) -> Read | None:
    """What the cache holds for `path`, when the file has not changed since it was read."""
    if content.cache is None or stamp is None:
        return None
    cached = content.cache.entries.get(path)
    if cached is None or cached[0] != stamp:
        return None
    return cached[1], cached[2]


def _same_bytes(content: LoadedContent, path: Path, stamp: Stamp | None) -> Read | None:
    """What the cache holds for `path`, when the file's bytes are still those its Source was
    read from (its stamp changed, or was not trusted: see `build_cache.RACY_SECONDS`). A file
    of another size is not read to tell."""
    cached = content.cache.entries.get(path) if content.cache is not None else None
    if cached is None or cached[1] is None or not cached[1].digest:
        return None
    if stamp is None or stamp[1] != cached[0][1]:
        return None
    try:
        data = read_yaml_bytes(path)
    except (OSError, YamlError):
        return None  # read as a changed file, which reports it
    return (cached[1], cached[2]) if content_digest(data) == cached[1].digest else None


def _load_one(
    content: LoadedContent,
    path: Path,
    model: type[BaseModel],
    required: bool = False,
    listed: tuple[Stamp | None, Read | None] | None = None,
) -> Source[Any] | None:
    """Load one file: from the cache when the file has not changed since last time, else as
    a worker process read it (or the cache held it, its bytes unchanged), else read it now.
    `listed`: the file was found by `_content_files` (so it is known to be readable), with
    its stamp and what was read.
    """
    stamp, done = listed if listed is not None else (file_stamp(path), None)
    cached = _cached(content, path, stamp)
    if cached is not None:
        source, problems = cached
        content.problems.items.extend(problems)
        return source
    if done is not None:
        source, problems = done
        content.problems.items.extend(problems)
    else:
        before = len(content.problems.items)
        source = _read_and_validate(content, path, model, required, checked=listed is not None)
        problems = tuple(content.problems.items[before:])
        if source is not None and listed is not None:
            source = source.without_deep_positions()  # as a worker sends it back
    if content.cache is not None:
        if stamp is None:
            content.cache.entries.pop(path, None)
            return source
        known = content.cache.entries.get(path)
        if (
            known is not None
            and known[1] is not None
            and (known[1], known[2]) == (source, problems)
        ):
            # Touched but not changed, or read again because its stamp was not trusted: the
            # very same objects, so that whatever was made from them is reused.
            source, problems = known[1], known[2]
        if source is not None:
            path = source.path  # one object for both: the build cache pickles each one
        content.cache.entries[path] = (stamp, source, problems)
    return source


def _read_and_validate(
    content: LoadedContent,
    path: Path,
    model: type[BaseModel],
    required: bool,
    checked: bool = False,
) -> Source[Any] | None:
    """Read and validate one file; `checked`: `_content_files` listed it as readable."""
    shown = _display(content.root, path)
    if not checked:
        if not path.exists():
            if required:
                content.problems.add(shown, 1, 1, "", "required file not found")
            return None
        if not _readable_content_file(content, path, shown):
            return None
    try:
        data = read_yaml_bytes(path)
        document = parse_yaml(decode_text(data))
    except YamlError as exc:
        content.problems.add(shown, exc.line, exc.column, "", exc.message)
        return None
    except OSError as exc:
        content.problems.add(shown, 1, 1, "", f"cannot read the file: {exc.strerror}")
        return None
    if not isinstance(document.data, dict):
        content.problems.add(shown, 1, 1, "", "expected a mapping of fields at the top level")
        return None
    try:
        instance = model.model_validate(document.data)
    except ValidationError as exc:
        errors = exc.errors(include_input=False)
        for error in errors[:MAX_PROBLEMS_PER_FILE]:
            loc, message = describe_validation_error(error, model)
            line, column = document.position(loc)
            content.problems.add(shown, line, column, loc, message)
        if len(errors) > MAX_PROBLEMS_PER_FILE:
            more = len(errors) - MAX_PROBLEMS_PER_FILE
            content.problems.add(
                shown,
                1,
                1,
                "",
                f"{len(errors):,} problems in this file; the first {MAX_PROBLEMS_PER_FILE} "
                f"are listed, {more:,} more are not",
            )
        return None
    # A loaded site keeps its comparisons packed, and its other models as they are.
    kept: Any = instance
    if isinstance(instance, Comparison):
        for loc, message in comparison_problems(instance, path.stem):
            line, column = document.position(loc)
            content.problems.add(shown, line, column, loc, message)
        kept = PackedComparison.of(instance)
    positions = YamlDocument(None, document.positions)
    notes = file_notes(document.data, instance)
    return Source(path, shown, path.stem, kept, positions, notes, digest=content_digest(data))


def describe_validation_error(error: Any, model: type[BaseModel]) -> tuple[Loc, str]:
    """Turn one pydantic error into (location, message written for an editor)."""
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    message = str(error["msg"])
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        message = "unknown field"
        if allowed:
            message += f" (expected one of: {', '.join(allowed)})"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "string_pattern_mismatch" and "[a-z0-9]" in message:
        message = "expected a slug: lower-case letters, digits and single hyphens"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif message.startswith("Assertion failed, "):
        message = message.removeprefix("Assertion failed, ")
    return loc, message


def _allowed_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model found at `loc` inside `model`, for 'unknown field' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if info is None:
            # A dict keyed by slug: the part is a key, the value model stays the same.
            continue
        current = _inner_model(info.annotation)
    if current is None or not hasattr(current, "model_fields"):
        return []
    return list(current.model_fields)


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as `list[Claim] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
