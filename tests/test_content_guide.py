"""The content guide (`docs/content-guide.md`): generated from the models and held to them.

Like datasette's documentation tests, these fail when a field is added to a model but not to
the guide, when the committed guide is stale, or when an example stops validating.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import annotated_types
import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from techcompare import guide as guide_module
from techcompare import models
from techcompare.guide import (
    EXAMPLES,
    FILE_KINDS,
    REGENERATE,
    FileKind,
    describe_type,
    documented_models,
    render_content_guide,
)
from techcompare.schema import content_schema
from techcompare.yaml_source import parse_yaml

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "content-guide.md"


@pytest.fixture(scope="module")
def guide() -> str:
    return render_content_guide()


def section(guide: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    match = re.search(
        rf"^{re.escape(heading)}\n(.*?)(?=^#{{1,{len(level)}}} |\Z)", guide, re.M | re.S
    )
    assert match, f"no section `{heading}` in the guide"
    return match.group(1)


def table_rows(text: str) -> dict[str, list[str]]:
    """The rows of the first field table in `text`, by field name, as lists of cells."""
    table = re.search(
        r"^\| Field \| Type \| Required \| Description \|\n\|---.*?(?=\n\n|\Z)", text, re.M | re.S
    )
    assert table, "no field table"
    rows = {}
    for line in table.group(0).splitlines()[2:]:
        found = re.fullmatch(r"\| `([a-z_]+)` \| (.*) \|", line)
        assert found, f"not a field row: {line}"
        rows[found.group(1)] = [cell.strip() for cell in found.group(2).split(" | ")]
    return rows


def heading_of(model: type[BaseModel]) -> str:
    for file_kind in FILE_KINDS:
        if model is file_kind.model:
            return f"## {file_kind.heading}"
    return f"### {model.__name__}"


def content_models() -> list[type[BaseModel]]:
    """Every content model defined in models.py, found independently of the guide."""
    return [
        value
        for _, value in inspect.getmembers(models, inspect.isclass)
        if issubclass(value, models.Model)
        and value is not models.Model
        and value.__module__ == models.__name__
    ]


# --- the committed file -------------------------------------------------------------------


def test_committed_guide_is_current(guide: str) -> None:
    assert GUIDE.is_file(), f"docs/content-guide.md is missing; regenerate it: {REGENERATE}"
    assert GUIDE.read_text(encoding="utf-8") == guide, (
        f"docs/content-guide.md differs from the models; regenerate it: {REGENERATE}"
    )


def test_module_prints_the_guide(guide: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "techcompare.guide"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert result.stdout == guide


def test_guide_is_deterministic(guide: str) -> None:
    assert render_content_guide() == guide
    assert guide.endswith("\n") and not guide.endswith("\n\n")


# --- completeness -------------------------------------------------------------------------


def test_every_content_model_is_documented() -> None:
    assert set(documented_models()) == set(content_models())


@pytest.mark.parametrize("model", content_models(), ids=lambda model: model.__name__)
def test_every_field_appears_in_its_model_section(guide: str, model: type[BaseModel]) -> None:
    rows = table_rows(section(guide, heading_of(model)))
    assert list(rows) == list(model.model_fields), f"fields of {model.__name__} in the guide"
    for name, field in model.model_fields.items():
        kind, required, description = rows[name]
        assert kind, f"{model.__name__}.{name} has no type in the guide"
        assert (required == "required") == field.is_required(), f"{model.__name__}.{name}"
        assert description == " ".join((field.description or "").split()).replace("|", "\\|")
        assert description, f"{model.__name__}.{name} has no description in models.py"


def test_each_model_is_documented_once(guide: str) -> None:
    for model in content_models():
        heading = heading_of(model)
        assert len(re.findall(rf"^{re.escape(heading)}$", guide, re.M)) == 1, heading


def test_intro_explains_adding_content(guide: str) -> None:
    for needed in (
        "## Add a technology",
        "## Add a comparison",
        "`techcompare check`",
        "`techcompare new technology SLUG`",
        "`techcompare new comparison SLUG --with A --with B`",
        "`techcompare schema --out schemas`",
    ):
        assert needed in guide


def test_links_point_at_headings(guide: str) -> None:
    def anchor(heading: str) -> str:
        text = heading.lower().replace(" ", "-")
        return re.sub(r"[^a-z0-9_-]", "", text)

    anchors = {anchor(h) for h in re.findall(r"^#+ (.+)$", guide, re.M)}
    targets = set(re.findall(r"\]\(#([^)]+)\)", guide))
    assert targets, "the guide should link nested models"
    assert targets <= anchors, f"links to missing headings: {sorted(targets - anchors)}"


# --- examples -----------------------------------------------------------------------------


def example(file_kind: FileKind) -> str:
    """The example file of `file_kind`, read from `docs/examples/`."""
    path = EXAMPLES / f"{file_kind.kind}.yaml"
    assert path.is_file(), f"docs/examples/{path.name} is missing"
    return path.read_text(encoding="utf-8")


def test_examples_are_read_from_docs_examples() -> None:
    assert {file_kind.example_file for file_kind in FILE_KINDS} == set(EXAMPLES.glob("*.yaml"))
    for file_kind in FILE_KINDS:
        assert file_kind.example == example(file_kind)


@pytest.mark.parametrize("file_kind", FILE_KINDS, ids=lambda kind: kind.kind)
def test_example_validates_against_the_model(file_kind: FileKind) -> None:
    document = parse_yaml(example(file_kind))
    file_kind.model.model_validate(document.data)


@pytest.mark.parametrize("file_kind", FILE_KINDS, ids=lambda kind: kind.kind)
def test_example_validates_against_the_schema(file_kind: FileKind) -> None:
    validator = Draft202012Validator(
        content_schema(file_kind.kind), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [error.message for error in validator.iter_errors(parse_yaml(example(file_kind)).data)]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("file_kind", FILE_KINDS, ids=lambda kind: kind.kind)
def test_example_starts_with_its_schema_line(guide: str, file_kind: FileKind) -> None:
    text = example(file_kind)
    first_line = text.partition("\n")[0]
    assert first_line == file_kind.schema_line
    reference = first_line.removeprefix("# yaml-language-server: $schema=")
    target = (REPO / file_kind.example_path).parent / reference
    assert target.resolve() == (REPO / "schemas" / f"{file_kind.kind}.schema.json").resolve()
    assert f"```yaml\n{text}```" in guide


def test_guide_has_no_examples_without_docs_examples(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(guide_module, "EXAMPLES", tmp_path / "missing")
    text = render_content_guide()
    assert "### Example" not in text and "```yaml" not in text
    assert "## Technologies" in text


# --- types in plain words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "extra", "words"),
    [
        (models.Slug, [], "slug"),
        (models.Url | None, [], "URL"),
        (models.Markdown, [], "Markdown"),
        (models.Date, [], "date"),
        (models.Short, [], "text (up to 60 characters)"),
        (bool, [], "`true` or `false`"),
        (models.Level, [], "one of `low`/`medium`/`high`"),
        (
            Annotated[int, annotated_types.Ge(1), annotated_types.Le(10)],
            [],
            "whole number from 1 to 10",
        ),
        (list[models.Slug], [annotated_types.MinLen(1)], "list of slugs (at least one item)"),
        (list[models.Url], [annotated_types.MaxLen(12)], "list of URLs (up to 12)"),
        (dict[models.Slug, models.QuickRow], [], "mapping slug → [QuickRow](#quickrow)"),
    ],
)
def test_types_in_plain_words(annotation: object, extra: list[object], words: str) -> None:
    assert describe_type(annotation, extra) == words
