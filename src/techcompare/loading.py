"""Load a content folder: read every YAML file and validate it into its model.

Input: the content folder. Output: `LoadedContent`, every file that validated, with its
positions, and a `Problems` collector holding every mistake found in any file. A bad file
does not stop the others from being read, so one run reports everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from .models import SLUG_PATTERN, Comparison, MetricRegistry, SiteSettings, Technology
from .problems import Problem, Problems
from .yaml_source import YamlDocument, YamlError, read_yaml_file

M = TypeVar("M", bound=BaseModel)

SITE_FILE = "site.yaml"
METRICS_FILE = "metrics.yaml"
TECHNOLOGIES_DIR = "technologies"
COMPARISONS_DIR = "comparisons"
# Validation problems reported per file: past this, the rest are counted, not listed.
MAX_PROBLEMS_PER_FILE = 50


@dataclass(frozen=True)
class Source(Generic[M]):
    """One validated content file: its model and where each of its values came from."""

    path: Path
    display: str
    slug: str
    model: M
    document: YamlDocument

    def position(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        return self.document.position(loc)


@dataclass
class LoadedContent:
    root: Path
    problems: Problems = field(default_factory=Problems)
    cache: LoadCache | None = None
    real_root: Path | None = None  # the content folder with symbolic links resolved
    site: Source[SiteSettings] | None = None
    metrics: Source[MetricRegistry] | None = None
    technologies: dict[str, Source[Technology]] = field(default_factory=dict)
    comparisons: dict[str, Source[Comparison]] = field(default_factory=dict)
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

    entries: dict[Path, tuple[tuple[int, int, int], Source[Any] | None, list[Problem]]] = field(
        default_factory=dict
    )
    # Content-quality warnings of one file (quality.py), with the Source and date they are for.
    reviews: dict[Path, tuple[Source[Any], date, list[Problem]]] = field(default_factory=dict)


def load_content(root: Path, cache: LoadCache | None = None) -> LoadedContent:
    """Read and validate every content file under `root`; problems are collected, not raised."""
    content = LoadedContent(root=root, cache=cache)
    if not root.is_dir():
        content.problems.add(root, 1, 1, "", "content folder not found")
        return content
    content.site = _load_one(content, root / SITE_FILE, SiteSettings, required=True)
    content.metrics = _load_one(content, root / METRICS_FILE, MetricRegistry, required=True)
    for path in _content_files(content, TECHNOLOGIES_DIR):
        content.technology_files.add(path.stem)
        tech = _load_one(content, path, Technology)
        if tech is not None:
            content.technologies[tech.slug] = tech
    for path in _content_files(content, COMPARISONS_DIR):
        content.comparison_files.add(path.stem)
        comparison = _load_one(content, path, Comparison)
        if comparison is not None:
            content.comparisons[comparison.slug] = comparison
    return content


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
    files = []
    for path in sorted(directory.iterdir()):
        shown = _display(content.root, path)
        if path.name.startswith("."):
            continue
        if path.suffix == ".yml":
            content.problems.add(shown, 1, 1, "", "rename to `.yaml`: only .yaml files are read")
            continue
        if path.suffix != ".yaml":
            continue
        if not _readable_content_file(content, path, shown):
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


def _load_one(
    content: LoadedContent, path: Path, model: type[M], required: bool = False
) -> Source[M] | None:
    """Load one file, through the cache when the file has not changed since last time."""
    if content.cache is None:
        return _read_and_validate(content, path, model, required)
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
    except OSError:
        content.cache.entries.pop(path, None)
        return _read_and_validate(content, path, model, required)
    cached = content.cache.entries.get(path)
    if cached is not None and cached[0] == stamp:
        content.problems.items.extend(cached[2])
        return cached[1]
    before = len(content.problems.items)
    source = _read_and_validate(content, path, model, required)
    content.cache.entries[path] = (stamp, source, content.problems.items[before:])
    return source


def _read_and_validate(
    content: LoadedContent, path: Path, model: type[M], required: bool
) -> Source[M] | None:
    shown = _display(content.root, path)
    if not path.exists():
        if required:
            content.problems.add(shown, 1, 1, "", "required file not found")
        return None
    if not _readable_content_file(content, path, shown):
        return None
    try:
        document = read_yaml_file(path)
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
    return Source(path, shown, path.stem, instance, document)


def describe_validation_error(
    error: Any, model: type[BaseModel]
) -> tuple[tuple[str | int, ...], str]:
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


def _allowed_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
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
