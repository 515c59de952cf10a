"""The content guide: Markdown for editors, generated from the content models.

`render_content_guide()` walks the models in `models.py` and writes one section per kind of
content file, with a table of every field (its type in plain words, whether it is required,
and its description) and a sub-section for every nested model. The committed copy is
`docs/content-guide.md`; a test fails when it differs from what the models give now. Each
file section ends with an example read from `docs/examples/<kind>.yaml`.

Regenerate it with `python -m techcompare.guide > docs/content-guide.md`.
"""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any

import annotated_types
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from . import models
from .models import MODEL_FOR_KIND, SLUG_PATTERN, Model

REGENERATE = "python -m techcompare.guide > docs/content-guide.md"

# Small but complete example files, one per kind; tests check each one validates against its
# model. They live in the repository, not the package: without them the guide has no examples.
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@dataclass(frozen=True)
class FileKind:
    """One kind of content file as the guide presents it."""

    kind: str
    heading: str
    path: str
    schemas_dir: str  # `schemas/` as seen from the file's folder
    example_path: str  # where the example would sit in a site, for the guide's caption

    @property
    def model(self) -> type[Model]:
        return MODEL_FOR_KIND[self.kind]

    @property
    def example_file(self) -> Path:
        """The example file for this kind: `docs/examples/<kind>.yaml`."""
        return EXAMPLES / f"{self.kind}.yaml"

    @property
    def example(self) -> str | None:
        """The example's text, or None when `docs/examples/` is not at hand (an installed wheel)."""
        if not EXAMPLES.is_dir():
            return None
        return self.example_file.read_text(encoding="utf-8")

    @property
    def schema_line(self) -> str:
        """The first line of every file of this kind, pointing an editor at its schema."""
        return f"# yaml-language-server: $schema={self.schemas_dir}{self.kind}.schema.json"


FILE_KINDS = (
    FileKind("site", "Site settings", "content/site.yaml", "../schemas/", "content/site.yaml"),
    FileKind("metrics", "Metrics", "content/metrics.yaml", "../schemas/", "content/metrics.yaml"),
    FileKind(
        "technology",
        "Technologies",
        "content/technologies/<slug>.yaml",
        "../../schemas/",
        "content/technologies/postgresql.yaml",
    ),
    FileKind(
        "comparison",
        "Comparisons",
        "content/comparisons/<slug>.yaml",
        "../../schemas/",
        "content/comparisons/postgresql-vs-sqlite.yaml",
    ),
)

HEADER = f"""\
# Content guide

<!-- Generated from src/techcompare/models.py; do not edit by hand.
     Regenerate with: {REGENERATE} -->

Everything on a techcompare site comes from the YAML files under `content/`. This guide
lists every field those files can hold. It is generated from the content models, so it
always matches what `techcompare check` and `techcompare build` accept.

```
content/
  site.yaml                 title, tagline, navigation, categories, featured comparisons
  metrics.yaml              every metric once: label, unit, what it measures, which way is better
  technologies/<slug>.yaml  one technology: overview, pros and cons, figures, pricing, code
  comparisons/<slug>.yaml   2 to 6 technologies side by side: quick comparison, decision guide
```

A file's name is its slug: lower-case letters and digits, words joined by single hyphens,
such as `apache-kafka.yaml`. Other files refer to it by that slug.
"""

HOW_TO = """\
## Add a technology

1. **Create the file.** `techcompare new technology SLUG` starts
   `content/technologies/SLUG.yaml` for you to fill in. You can also copy an existing
   technology and change it.
2. **Fill in the fields** described under [Technologies](#technologies). `categories` take
   category slugs from `site.yaml`. Every figure names a metric from `metrics.yaml`: add a
   metric there first if none fits, and give each figure a `source` and an `as_of` date.
3. **Run `techcompare check`.** It reports every mistake at once as
   `file:line:column: field.path: message`. Besides the fields themselves it checks what
   one file alone cannot show: that categories and metrics exist, that figures sit in the
   section of their metric's group, that counts are whole numbers, and that no as-of date
   lies in the future. Fix what it reports and run it again until it reports no errors.
4. **Build** with `techcompare build` and look at the technology's page.

## Add a comparison

1. **Make sure every technology has its file** (see above).
2. **Create the file.** `techcompare new comparison SLUG --with A --with B` starts
   `content/comparisons/SLUG.yaml` comparing technologies `A` and `B`; give `--with` once
   for each of the 2 to 6 technologies, in display order.
3. **Fill in the fields** described under [Comparisons](#comparisons).
   `quick_comparison` needs a column for every technology; the keys of `decision_guide`
   and `side_by_side.approaches` must be technologies of the comparison.
4. **Run `techcompare check`** and fix what it reports, then `techcompare build`. To show
   the comparison first on the home page, add its slug to `featured` in `site.yaml`.

## Writing the YAML

- Long Markdown goes in a block scalar: `overview: |` followed by indented lines. A long
  one-line text can be folded over several lines with `>-`.
- Dates are written `2025-06-01` (year, month, day).
- Only `true` and `false` are booleans. `NO`, `on` or `012` stay text, and numbers are
  written plainly, such as `1500` or `0.5`.
- Unknown fields are errors, so a misspelt field name is caught rather than ignored.
- Each file starts with a line such as
  `# yaml-language-server: $schema=../../schemas/technology.schema.json`. Editors with a
  YAML language server (for example VS Code with the Red Hat YAML extension) then complete
  field names, show these descriptions on hover and underline mistakes as you type. The
  schemas in `schemas/` are generated from the same models:
  `techcompare schema --out schemas`.

## Types

The tables below name each field's type in plain words:

| Type | What to write |
|---|---|
| text | Text, usually one line or a few sentences; the limit in characters is given. |
| Markdown | Markdown text, usually as a block scalar (`\\|`); no raw HTML. |
| slug | Lower-case words joined by hyphens, such as `message-queues`. |
| URL | An absolute `http://` or `https://` address. |
| date | A date written `YYYY-MM-DD`. |
| number | A number such as `1500` or `0.5`; whole numbers where the type says so. |
| `true` or `false` | A switch. |
| one of `a`/`b` | Exactly one of the listed words. |
| list of X | A YAML list: one `- ` item per line, or `[a, b]` on one line. |
| mapping slug → X | Keys are slugs (usually technology slugs), each with an X as its value. |

In the *Required* column, *required* fields must be given, *optional* ones may be left out,
and fields with a default take that value when left out.
"""


def render_content_guide() -> str:
    """The content guide as Markdown: how to add content, then every field of every file."""
    documented: set[type[BaseModel]] = set()
    parts = [HEADER, _contents(), HOW_TO]
    for file_kind in FILE_KINDS:
        parts.append(_kind_section(file_kind, documented))
    return "\n".join(parts).rstrip("\n") + "\n"


def documented_models() -> list[type[BaseModel]]:
    """Every model the guide documents: the file models and every model nested in them."""
    found: list[type[BaseModel]] = []
    for file_kind in FILE_KINDS:
        for model in (file_kind.model, *_nested_models(file_kind.model)):
            if model not in found:
                found.append(model)
    return found


# --- sections -----------------------------------------------------------------------------


def _contents() -> str:
    lines = [
        "## Contents",
        "",
        "- [Add a technology](#add-a-technology), [add a comparison](#add-a-comparison), "
        "[writing the YAML](#writing-the-yaml), [types](#types)",
    ]
    listed: set[type[BaseModel]] = set()
    for file_kind in FILE_KINDS:
        nested = [model for model in _nested_models(file_kind.model) if model not in listed]
        listed.update(nested)
        links = ", ".join(f"[{model.__name__}](#{model.__name__.lower()})" for model in nested)
        lines.append(
            f"- [{file_kind.heading}](#{_anchor(file_kind.model, file_kind)})"
            f" (`{file_kind.path.removeprefix('content/')}`): {links}"
        )
    return "\n".join(lines) + "\n"


def _kind_section(file_kind: FileKind, documented: set[type[BaseModel]]) -> str:
    model = file_kind.model
    lines = [
        f"## {file_kind.heading}",
        "",
        f"File: `{file_kind.path}`. {_purpose(model)}",
        "",
        f"First line: `{file_kind.schema_line}`",
        "",
        *_field_table(model),
        "",
    ]
    example = file_kind.example
    if example is not None:
        lines += [
            "### Example",
            "",
            f"A short `{file_kind.example_path}`:",
            "",
            "```yaml",
            example.rstrip("\n"),
            "```",
            "",
        ]
    documented.add(model)
    for nested in _nested_models(model):
        if nested in documented:
            continue
        documented.add(nested)
        lines += _model_section(nested, file_kind)
    return "\n".join(lines)


def _model_section(model: type[BaseModel], file_kind: FileKind) -> list[str]:
    fields_by_parent: dict[type[BaseModel], list[str]] = {}
    for parent, name in _uses(model, file_kind.model):
        fields_by_parent.setdefault(parent, []).append(f"`{name}`")
    uses = ", ".join(
        f"{_and(names)} of [{_display_name(parent, file_kind)}](#{_anchor(parent, file_kind)})"
        for parent, names in fields_by_parent.items()
    )
    intro = f"{model.__doc__.strip()} " if model.__doc__ else ""
    return [
        f"### {model.__name__}",
        "",
        f"{intro}Used in {uses}.",
        "",
        *_field_table(model),
        "",
    ]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _purpose(model: type[BaseModel]) -> str:
    """The part of a file model's docstring after `path:`, as a sentence."""
    doc = (model.__doc__ or "").strip()
    _, _, purpose = doc.partition(": ")
    purpose = purpose or doc
    return purpose[:1].upper() + purpose[1:]


def _display_name(model: type[BaseModel], file_kind: FileKind) -> str:
    return file_kind.heading if model is file_kind.model else model.__name__


def _anchor(model: type[BaseModel], file_kind: FileKind) -> str:
    """The GitHub-style anchor of the model's heading."""
    return re.sub(r"[^a-z0-9-]", "", _display_name(model, file_kind).lower().replace(" ", "-"))


def _field_table(model: type[BaseModel]) -> list[str]:
    hints = typing.get_type_hints(model, include_extras=True)
    rows = [
        "| Field | Type | Required | Description |",
        "|---|---|---|---|",
    ]
    for name, field in model.model_fields.items():
        kind = describe_type(hints[name], field.metadata)
        cells = (f"`{name}`", kind, _requirement(field), field.description or "")
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return rows


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _requirement(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    default = field.default
    if default is None or default is PydanticUndefined:
        return "optional"
    if isinstance(default, bool):
        return f"default `{str(default).lower()}`"
    return f"default `{default}`"


# --- types in plain words -----------------------------------------------------------------

# Named types whose word says more than the underlying `str` or `float`.
_NAMED: tuple[tuple[Any, str], ...] = (
    (models.Slug, "slug"),
    (models.Url, "URL"),
    (models.Markdown, "Markdown"),
    (models.Date, "date"),
    (models.Number, "number"),
)
_PLURAL = {"slug": "slugs", "URL": "URLs", "date": "dates", "number": "numbers"}


def describe_type(annotation: Any, extra: list[Any] | None = None) -> str:
    """A field's type in plain words, such as `list of slugs (at least 1)`.

    `annotation` is the field's type with its `Annotated` metadata; `extra` holds
    constraints given in `Field(...)` (such as a list's `min_length`).
    """
    annotation = _without_none(annotation)
    metadata = list(extra or [])
    if typing.get_origin(annotation) is Annotated:
        for alias, word in _NAMED:
            if _is_alias(annotation, alias):
                return word
        base, *own = typing.get_args(annotation)
        return describe_type(base, [*own, *metadata])
    limits = _limits(metadata)
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        word = describe_type(item)
        return f"list of {_PLURAL.get(word, word)}{_count(limits, 'item')}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"mapping {describe_type(key)} → {describe_type(value)}{_count(limits, 'entry')}"
    if isinstance(annotation, type):
        return _describe_class(annotation, limits)
    raise TypeError(f"no plain words for the type {annotation!r}")


def _describe_class(cls: type, limits: dict[str, Any]) -> str:
    if issubclass(cls, BaseModel):
        return f"[{cls.__name__}](#{cls.__name__.lower()})"
    if issubclass(cls, Enum):
        return "one of " + "/".join(f"`{member.value}`" for member in cls)
    if cls is bool:
        return "`true` or `false`"
    if cls is int:
        if "ge" in limits and "le" in limits:
            return f"whole number from {limits['ge']} to {limits['le']}"
        return "whole number"
    if cls is float:
        return "number"
    if cls is date:
        return "date"
    if cls is str:
        if limits.get("pattern") == SLUG_PATTERN:
            return "slug"
        if "max_length" in limits:
            return f"text (up to {limits['max_length']:,} characters)"
        return "text"
    raise TypeError(f"no plain words for the type {cls!r}")


def _without_none(annotation: Any) -> Any:
    """`X | None` → `X`: whether a field may be left out shows in the Required column."""
    if typing.get_origin(annotation) in (typing.Union, UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not NoneType]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_alias(annotation: Any, alias: Any) -> bool:
    """Whether `annotation` is the named type `alias`, perhaps with more metadata after it."""
    own = alias.__metadata__
    return bool(
        annotation.__origin__ is alias.__origin__ and annotation.__metadata__[: len(own)] == own
    )


def _limits(metadata: list[Any]) -> dict[str, Any]:
    """Length, bound and pattern constraints found in `Annotated` and `Field` metadata."""
    found: dict[str, Any] = {}
    for item in _flatten(metadata):
        if isinstance(item, StringConstraints):
            for key in ("min_length", "max_length", "pattern"):
                if getattr(item, key) is not None:
                    found[key] = getattr(item, key)
        elif isinstance(item, annotated_types.MinLen):
            found["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
        elif isinstance(item, annotated_types.Ge):
            found["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            found["le"] = item.le
    return found


def _flatten(metadata: list[Any]) -> Iterator[Any]:
    for item in metadata:
        if isinstance(item, FieldInfo):
            yield from _flatten(item.metadata)
        else:
            yield item


def _count(limits: dict[str, Any], noun: str) -> str:
    low, high = limits.get("min_length"), limits.get("max_length")
    if low and high:
        return f" ({low} to {high})"
    if low:
        return f" (at least {low})" if low > 1 else f" (at least one {noun})"
    if high:
        return f" (up to {high})"
    return ""


# --- walking the models -------------------------------------------------------------------


def _nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """Models used by `model`'s fields, depth first, in field order, each once."""
    found: list[type[BaseModel]] = []

    def visit(current: type[BaseModel]) -> None:
        hints = typing.get_type_hints(current, include_extras=True)
        for name in current.model_fields:
            for used in _models_in(hints[name]):
                if used not in found and used is not model:
                    found.append(used)
                    visit(used)

    visit(model)
    return found


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _uses(model: type[BaseModel], root: type[BaseModel]) -> list[tuple[type[BaseModel], str]]:
    """Where `model` is used under `root`: (parent model, field name) pairs."""
    uses = []
    for parent in (root, *_nested_models(root)):
        hints = typing.get_type_hints(parent, include_extras=True)
        for name in parent.model_fields:
            if model in _models_in(hints[name]):
                uses.append((parent, name))
    return uses


if __name__ == "__main__":
    sys.stdout.write(render_content_guide())
