"""`techcompare new`: start a technology or comparison file as a commented skeleton.

Input: the content folder, the new file's slug and, for a comparison, the technologies it
compares. Output: a `Scaffold`, the path and text of a YAML file in which every field of the
model appears. Required fields hold placeholders that already pass `techcompare check`;
optional ones are commented-out examples. Field order and the comment above each field come
from the pydantic models, so a field added to a model shows up here without a change.
"""

from __future__ import annotations

import json
import re
import textwrap
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .loading import COMPARISONS_DIR, METRICS_FILE, SITE_FILE, TECHNOLOGIES_DIR
from .models import (
    SLUG_PATTERN,
    Claim,
    CodeSample,
    Comparison,
    Figure,
    MetricGroup,
    MetricRegistry,
    Pricing,
    QuickRow,
    Related,
    SiteSettings,
    Technology,
)
from .yaml_source import YamlError, read_yaml_file, resolve_plain

SLUG_MAX_LENGTH = 64
SLUG_HELP = (
    "a slug is lower-case letters and digits, words joined by single hyphens, "
    f"at most {SLUG_MAX_LENGTH} characters, such as `message-queues`"
)
MIN_TECHNOLOGIES = 2
MAX_TECHNOLOGIES = 6

# Wrap description comments so that even a nested, commented-out one stays within 100
# columns, the width the project's Python and YAML keep to.
_COMMENT_WIDTH = 92


class ScaffoldError(Exception):
    """The skeleton cannot be written; the message says why, for the editor."""


class ArgumentError(ScaffoldError):
    """The command was given a bad argument: a malformed slug, an unknown technology."""


@dataclass(frozen=True)
class Scaffold:
    """A content file to create: where it goes and what it says."""

    path: Path
    text: str


def is_slug(text: str) -> bool:
    """Whether `text` can name a content file (the rule `loading.py` applies to file names)."""
    return len(text) <= SLUG_MAX_LENGTH and re.fullmatch(SLUG_PATTERN, text) is not None


def technology_scaffold(content: Path, slug: str, today: date | None = None) -> Scaffold:
    """The skeleton of `technologies/<slug>.yaml`, or ScaffoldError when it cannot be made."""
    _check_slug(slug, "the technology slug")
    path = _content_path(content, TECHNOLOGIES_DIR, slug)
    settings = _read_site(content)
    metrics = _read_metrics(content)
    category_slugs = [category.slug for category in settings.categories]
    plan = _Plan(
        today=today or date.today(),
        values={
            ("name",): _clamp(_title_from_slug(slug), Technology, "name"),
            ("categories",): _Sequence([_Text(category_slugs[0])], flow=True, todo=True),
            ("homepage",): _Text("https://example.com/", todo=True),
            ("repository",): f"https://github.com/example/{slug}",
            ("benchmarks", "metric"): _first(metrics, MetricGroup.performance),
            ("community", "figures", "metric"): _first(metrics, MetricGroup.community),
            ("pricing", "total_cost", "metric"): _first(metrics, MetricGroup.cost),
        },
        notes={
            ("categories",): _known("Known categories", category_slugs),
            ("benchmarks", "metric"): _known(
                "Performance metrics", metrics[MetricGroup.performance]
            ),
            ("community", "figures", "metric"): _known(
                "Community metrics", metrics[MetricGroup.community]
            ),
            ("pricing", "total_cost", "metric"): _known("Cost metrics", metrics[MetricGroup.cost]),
        },
    )
    fields = plan.mapping(Technology, ())
    header = _header(
        schema="technology",
        about=f"{_scalar_text(fields, 'name')}: a technology, shown on its own page and in the "
        "comparisons that name it.",
        command=f"techcompare new technology {slug}",
        today=plan.today,
    )
    return Scaffold(path, header + _render_groups(fields, _TECHNOLOGY_GROUPS))


def comparison_scaffold(
    content: Path, slug: str, technologies: Sequence[str], today: date | None = None
) -> Scaffold:
    """The skeleton of `comparisons/<slug>.yaml` comparing `technologies`, in that order.

    Every technology must have its file already; ArgumentError says which do not.
    """
    _check_slug(slug, "the comparison slug")
    path = _content_path(content, COMPARISONS_DIR, slug)
    _check_technologies(content, technologies)
    settings = _read_site(content)
    category_slugs = [category.slug for category in settings.categories]
    names = [_technology_name(content, tech) for tech in technologies]
    others = sorted(p.stem for p in (content / COMPARISONS_DIR).glob("*.yaml") if p.stem != slug)
    plan = _Plan(
        today=today or date.today(),
        keys=list(technologies),
        values={
            ("title",): _clamp(" vs ".join(names), Comparison, "title"),
            ("category",): _Text(category_slugs[0], todo=True),
            ("technologies",): _Sequence([_Text(tech) for tech in technologies], flow=True),
            ("related", "comparison"): others[0] if others else "another-comparison",
        },
        notes={("category",): _known("Known categories", category_slugs)},
    )
    fields = plan.mapping(Comparison, ())
    header = _header(
        schema="comparison",
        about=f"{_scalar_text(fields, 'title')}: a comparison page.",
        command=f"techcompare new comparison {slug} "
        + " ".join(f"--with {tech}" for tech in technologies),
        today=plan.today,
    )
    return Scaffold(path, header + _render_groups(fields, _COMPARISON_GROUPS))


def write_scaffold(scaffold: Scaffold) -> None:
    """Create the scaffold's file; ScaffoldError, and nothing written, when it exists already."""
    try:
        scaffold.path.parent.mkdir(exist_ok=True)
    except OSError as exc:
        raise ScaffoldError(f"cannot create {scaffold.path.parent}: {exc.strerror}") from None
    try:
        # Mode "x" creates the file only if nothing is there, so an existing file (or a
        # link) is never overwritten, even when it appears after the command started.
        with scaffold.path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(scaffold.text)
    except FileExistsError:
        raise ScaffoldError(
            f"{scaffold.path} already exists; edit it, or choose another slug (nothing was written)"
        ) from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {scaffold.path}: {exc.strerror}") from None


# --- reading what the skeleton refers to ---------------------------------------------------


def _check_slug(slug: str, what: str) -> None:
    if not slug:
        raise ArgumentError(f"{what} is empty; {SLUG_HELP}")
    if not is_slug(slug):
        raise ArgumentError(f"`{slug}` is not a valid slug; {SLUG_HELP}")


def _content_path(content: Path, folder: str, slug: str) -> Path:
    path = content / folder / f"{slug}.yaml"
    # The slug rule already rules out `/` and `..`; this keeps a future change to that rule
    # from ever writing outside the content folder.
    if path.parent != content / folder:
        raise ArgumentError(f"`{slug}` is not a valid slug; {SLUG_HELP}")
    return path


def _check_technologies(content: Path, technologies: Sequence[str]) -> None:
    if len(technologies) < MIN_TECHNOLOGIES:
        raise ArgumentError(
            f"a comparison needs at least {MIN_TECHNOLOGIES} technologies; give "
            "`--with SLUG` once for each, in display order"
        )
    if len(technologies) > MAX_TECHNOLOGIES:
        raise ArgumentError(
            f"a comparison compares at most {MAX_TECHNOLOGIES} technologies "
            f"({len(technologies)} given)"
        )
    seen: set[str] = set()
    for tech in technologies:
        _check_slug(tech, "a `--with` technology")
        if tech in seen:
            raise ArgumentError(f"technology `{tech}` is given twice")
        seen.add(tech)
    known = sorted(
        path.stem for path in (content / TECHNOLOGIES_DIR).glob("*.yaml") if is_slug(path.stem)
    )
    unknown = [tech for tech in technologies if tech not in known]
    if unknown:
        listed = ", ".join(f"`{tech}`" for tech in unknown)
        raise ArgumentError(
            f"unknown technology {listed} (known: {', '.join(known) or 'none'}); "
            f"create it first with `techcompare new technology {unknown[0]}`"
        )


def _read_site(content: Path) -> SiteSettings:
    path = content / SITE_FILE
    if not content.is_dir():
        raise ScaffoldError(f"content folder {content} not found")
    try:
        data = read_yaml_file(path).data
        return SiteSettings.model_validate(data)
    except FileNotFoundError:
        raise ScaffoldError(f"{path} not found; is {content} the content folder?") from None
    except (YamlError, ValidationError, OSError):
        raise ScaffoldError(
            f"cannot read the categories from {path}; `techcompare check` says what is wrong"
        ) from None


def _read_metrics(content: Path) -> dict[MetricGroup, list[str]]:
    """Metric slugs by group, for the figure examples; empty when metrics.yaml is unreadable,
    since the examples are commented out and `techcompare check` will report that file."""
    groups: dict[MetricGroup, list[str]] = {group: [] for group in MetricGroup}
    try:
        registry = MetricRegistry.model_validate(read_yaml_file(content / METRICS_FILE).data)
    except (YamlError, ValidationError, OSError):
        return groups
    for slug, metric in registry.metrics.items():
        groups[metric.group].append(slug)
    return groups


def _technology_name(content: Path, slug: str) -> str:
    """The technology's `name`, read leniently: a file being edited may not validate yet."""
    try:
        data = read_yaml_file(content / TECHNOLOGIES_DIR / f"{slug}.yaml").data
    except (YamlError, OSError):
        data = None
    name = data.get("name") if isinstance(data, dict) else None
    if isinstance(name, str) and 0 < len(name.strip()) <= 60:
        return name.strip()
    return _title_from_slug(slug)


def _title_from_slug(slug: str) -> str:
    return " ".join(word.capitalize() for word in slug.split("-"))


def _first(metrics: dict[MetricGroup, list[str]], group: MetricGroup) -> str:
    return metrics[group][0] if metrics[group] else f"{group.value}-metric"


def _known(what: str, slugs: list[str]) -> str:
    return f"{what}: {', '.join(slugs)}." if slugs else f"{what}: none yet."


def _clamp(text: str, model: type[BaseModel], name: str) -> str:
    """`text` cut to the field's maximum length, so a long guess still validates."""
    limit = _max_length(model.model_fields[name].metadata)
    return text[:limit].rstrip() if limit is not None else text


# --- the skeleton as a tree ----------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A scalar. `block` writes it as a `|` block (Markdown, code); `todo` marks a placeholder
    that cannot say TODO itself (a URL, a number, a choice) with a trailing comment."""

    value: str | int | float | bool | date
    block: bool = False
    todo: bool = False


@dataclass(frozen=True)
class _Sequence:
    items: list[_Node]
    flow: bool = False
    todo: bool = False


@dataclass(frozen=True)
class _Entry:
    key: str
    value: _Node
    comment: list[str]
    commented_out: bool


@dataclass(frozen=True)
class _Mapping:
    entries: list[_Entry]


_Node = _Text | _Sequence | _Mapping

# Placeholders for fields whose type alone makes a poor example, by model and field. Fields
# not listed get one from their type: TODO for text, today for dates, a model's own fields.
_EXAMPLES: dict[tuple[type[BaseModel], str], Any] = {
    (Technology, "license"): "Apache-2.0",
    (Claim, "sources"): ["https://example.com/"],
    (Figure, "value"): 100,
    (Figure, "min"): 50,
    (Figure, "max"): 150,
    (Figure, "approximate"): True,
    (Figure, "or_more"): True,
    (Figure, "or_less"): True,
    (Figure, "source"): "https://example.com/",
    (CodeSample, "language"): "python",
    (QuickRow, "complexity"): _Text("medium", todo=True),
    (QuickRow, "performance_score"): _Text(5, todo=True),
}

# Optional fields that stay commented out even inside a commented-out example: alternatives
# (a range instead of a value), flags and fields that only some entries need.
_OPTIONAL_IN_EXAMPLES = {
    (Figure, "min"),
    (Figure, "max"),
    (Figure, "approximate"),
    (Figure, "or_more"),
    (Figure, "or_less"),
    (Figure, "subject"),
    (Figure, "note"),
    (Pricing, "license_note"),
    (Related, "comparison"),
}

# Sections of the file, in order: a heading and the fields under it. A field no group names
# (a new one) lands in a last section, so nothing is ever left out.
_TECHNOLOGY_GROUPS = (
    ("What it is", ("name", "kind", "categories", "summary", "best_for")),
    ("Where to find it", ("homepage", "repository", "license")),
    ("Overview", ("overview", "pros", "cons", "use_cases")),
    ("Performance", ("performance_summary", "benchmarks")),
    ("Community", ("community", "companies")),
    ("Pricing", ("pricing",)),
    ("Code", ("code_samples",)),
    ("Review", ("reviewed_on",)),
)
_COMPARISON_GROUPS = (
    ("What it compares", ("title", "category", "technologies", "summary", "intro")),
    ("Dates", ("published", "updated")),
    ("Quick comparison: a column per technology", ("quick_comparison",)),
    ("The figures together", ("benchmark_context", "community_insights", "cost_summary")),
    ("Running them", ("industry_metrics",)),
    ("Side by side", ("side_by_side", "analysis")),
    ("The verdict", ("decision_guide", "recommendation", "bottom_line")),
    ("Further reading", ("faq", "related")),
)
_OTHER_GROUP = "More"


@dataclass
class _Plan:
    """Builds the skeleton of a model, field by field.

    `values` and `notes` hold placeholders and extra comment text by field path (list
    positions and per-technology keys left out); `keys` are the keys of per-technology
    mappings. A model is described in full the first time it appears; later appearances
    (the second figure, the second column) show only what must be filled in.
    """

    today: date
    values: dict[tuple[str, ...], Any] = field(default_factory=dict)
    notes: dict[tuple[str, ...], str] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    described: set[type[BaseModel]] = field(default_factory=set)

    def mapping(
        self, model: type[BaseModel], path: tuple[str, ...], in_example: bool = False
    ) -> _Mapping:
        """The fields of `model`. `in_example`: inside a commented-out example, where
        optional fields are shown filled in, since uncommenting the example is opting in."""
        in_full = model not in self.described
        self.described.add(model)
        entries = []
        for name, info in model.model_fields.items():
            field_path = (*path, name)
            optional = not info.is_required()
            commented_out = optional and (not in_example or (model, name) in _OPTIONAL_IN_EXAMPLES)
            if commented_out and not in_full:
                continue
            value = self.value(model, name, info, field_path, in_example or optional)
            parts = [info.description] if in_full and info.description else []
            if field_path in self.notes:
                parts.append(self.notes[field_path])
            comment = [" ".join(parts)] if parts else []
            entries.append(_Entry(name, value, comment, commented_out))
        return _Mapping(entries)

    def value(
        self,
        model: type[BaseModel],
        name: str,
        info: FieldInfo,
        path: tuple[str, ...],
        in_example: bool,
    ) -> _Node:
        if path in self.values:
            return _node(self.values[path], info.metadata)
        if (model, name) in _EXAMPLES:
            return _node(_EXAMPLES[model, name], info.metadata)
        return self.from_type(info.annotation, list(info.metadata), info.default, path, in_example)

    def from_type(
        self,
        annotation: Any,
        metadata: list[Any],
        default: Any,
        path: tuple[str, ...],
        in_example: bool,
    ) -> _Node:
        """A placeholder that validates against `annotation`, built from the type alone."""
        annotation, metadata = _unwrap(annotation, metadata)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.mapping(annotation, path, in_example)
        if origin is list:
            (item,) = typing.get_args(annotation)
            return _Sequence([self.from_type(item, [], PydanticUndefined, path, in_example)])
        if origin is dict:
            _, item = typing.get_args(annotation)
            entries = [
                _Entry(
                    key, self.from_type(item, [], PydanticUndefined, path, in_example), [], False
                )
                for key in self.keys
            ]
            return _Mapping(entries)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return _Text(next(iter(annotation)).value, todo=True)
        if annotation is bool:
            return _Text(default if isinstance(default, bool) else True)
        if annotation in (int, float):
            low = next((m.ge for m in metadata if hasattr(m, "ge")), 0)
            return _Text(low, todo=True)
        if annotation is date:
            return _Text(self.today)
        return _node("TODO", metadata)


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The type inside `Annotated[...]` and `... | None`, with the constraints met on the way."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata = [*metadata, *getattr(item, "metadata", [item])]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = options[0]
        else:
            return annotation, metadata


def _max_length(metadata: list[Any]) -> int | None:
    lengths = [m.max_length for m in metadata if getattr(m, "max_length", None) is not None]
    return min(lengths) if lengths else None


def _node(value: Any, metadata: list[Any]) -> _Node:
    """A placeholder given as plain Python: lists become sequences, long text a `|` block."""
    if isinstance(value, _Text | _Sequence | _Mapping):
        return value
    if isinstance(value, list):
        items = [_node(item, []) for item in value]
        return _Sequence(items, flow=all(isinstance(v, str) and is_slug(v) for v in value))
    limit = _max_length(metadata)
    # Markdown and code fields allow thousands of characters; one-line fields a few hundred.
    return _Text(value, block=isinstance(value, str) and limit is not None and limit > 600)


# --- the tree as YAML text -----------------------------------------------------------------


def _header(schema: str, about: str, command: str, today: date) -> str:
    lines = [
        f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json",
        "#",
        *_wrap(about, 0),
        *_wrap(f"Started with `{command}` on {today.isoformat()}.", 0),
        "#",
        "# How to fill it in:",
        "# - Replace every TODO. Each field's comment says what it holds.",
        "# - Optional fields are commented out. To use one, remove the `# ` in front of its",
        "#   lines; leave the rest as they are, or delete them.",
        "# - Run `techcompare check`. It reports every mistake at its line, and its warnings",
        "#   list what is still empty. docs/content-guide.md describes every field.",
    ]
    return "\n".join(lines) + "\n"


def _scalar_text(fields: _Mapping, key: str) -> str:
    value = next(e.value for e in fields.entries if e.key == key)
    return str(value.value) if isinstance(value, _Text) else key


def _render_groups(fields: _Mapping, groups: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """The top-level fields under a ruled heading per group, a blank line between fields."""
    by_key = {entry.key: entry for entry in fields.entries}
    named = {key for _, keys in groups for key in keys}
    leftover = tuple(entry.key for entry in fields.entries if entry.key not in named)
    out: list[str] = []
    for heading, keys in (*groups, (_OTHER_GROUP, leftover)):
        entries = [by_key[key] for key in keys if key in by_key]
        if not entries:
            continue
        out += ["", f"# --- {heading} ".ljust(_COMMENT_WIDTH, "-")]
        for entry in entries:
            out += ["", *_render_entry(entry, 0)]
    return "\n".join(out) + "\n"


def _render_entry(entry: _Entry, indent: int) -> list[str]:
    lines = [line for text in entry.comment for line in _wrap(text, indent)]
    body = _render_value(entry.key, entry.value, indent)
    if entry.commented_out:
        body = [line[:indent] + "# " + line[indent:] for line in body]
    return lines + body


def _render_value(key: str, node: _Node, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(node, _Text):
        if node.block:
            return [f"{pad}{key}: |", *(f"{pad}  {line}" for line in str(node.value).splitlines())]
        return [f"{pad}{key}: {_scalar(node.value)}{_todo(node.todo)}"]
    if isinstance(node, _Sequence):
        if node.flow:
            items = ", ".join(_scalar(item.value) for item in node.items if isinstance(item, _Text))
            return [f"{pad}{key}: [{items}]{_todo(node.todo)}"]
        return [
            f"{pad}{key}:",
            *(line for item in node.items for line in _render_item(item, indent + 2)),
        ]
    return [f"{pad}{key}:", *(line for e in node.entries for line in _render_entry(e, indent + 2))]


def _render_item(node: _Node, indent: int) -> list[str]:
    """One list item: `- ` on its first line that is not a comment, comments above it."""
    pad = " " * indent
    if isinstance(node, _Text):
        return [f"{pad}- {_scalar(node.value)}{_todo(node.todo)}"]
    if isinstance(node, _Sequence):
        raise TypeError("lists of lists do not occur in the content model")
    # The dash must stand on a field that is not commented out, so that field goes first.
    entries = sorted(node.entries, key=lambda entry: entry.commented_out)
    lines = [line for e in entries for line in _render_entry(e, indent + 2)]
    for index, line in enumerate(lines):
        if not line.lstrip().startswith("#"):
            lines[index] = f"{pad}- {line[indent + 2 :]}"
            break
        lines[index] = line[2:]
    return lines


def _wrap(text: str, indent: int) -> list[str]:
    """`text` as comment lines starting at column `indent`, never breaking a word or slug."""
    pad = " " * indent + "# "
    width = max(_COMMENT_WIDTH - indent, 40)
    return textwrap.wrap(
        text,
        width,
        initial_indent=pad,
        subsequent_indent=pad,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _todo(todo: bool) -> str:
    return "  # TODO" if todo else ""


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,()/+-]*|https?://[A-Za-z0-9./_-]+")


def _scalar(value: str | int | float | bool | date) -> str:
    """`value` as a YAML scalar: plain where that reads back the same, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date):
        return value.isoformat() if isinstance(value, date) else repr(value)
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and resolve_plain(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)
