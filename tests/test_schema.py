"""JSON Schemas of the content files: complete, committed, referenced, and in step with the models.

The schemas are for editors, so the tests check what an editor relies on: every property
explains itself, the bundled content is accepted, and the mistakes the models refuse are
refused by the schema too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from techcompare.cli import main
from techcompare.models import MODEL_FOR_KIND, SLUG_PATTERN
from techcompare.schema import (
    DRAFT,
    KINDS,
    content_schema,
    content_schemas,
    schema_file_name,
    schema_json,
    write_schemas,
)

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
SCHEMAS = REPO / "schemas"
REGENERATE = "run `techcompare schema --out schemas`"


def kind_of(path: Path) -> str:
    """The kind of a content file, from where it sits under `content/`."""
    relative = path.relative_to(CONTENT)
    if relative.parent == Path("technologies"):
        return "technology"
    if relative.parent == Path("comparisons"):
        return "comparison"
    return {"site.yaml": "site", "metrics.yaml": "metrics"}[relative.as_posix()]


CONTENT_FILES = sorted(CONTENT.rglob("*.yaml"))
CONTENT_IDS = [path.relative_to(CONTENT).as_posix() for path in CONTENT_FILES]


def without_dates(value: Any) -> Any:
    """YAML 1.1 turns `2025-06-01` into a date; the schema (like our reader) sees a string."""
    if isinstance(value, dict):
        return {key: without_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_dates(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def load(path: Path) -> Any:
    return without_dates(yaml.safe_load(path.read_text(encoding="utf-8")))


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(
        content_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object inside `node`, with a readable path to it."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from subschemas(item, f"{path}/{index}")


# --- the schemas themselves ---------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = content_schema(kind)
    assert schema["$schema"] == DRAFT
    assert "$id" not in schema
    assert schema["title"].startswith("techcompare ")
    Draft202012Validator.check_schema(schema)


def test_there_is_a_schema_for_every_kind_of_content_file() -> None:
    assert (
        set(content_schemas())
        == set(MODEL_FOR_KIND)
        == {
            "site",
            "metrics",
            "technology",
            "comparison",
        }
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_description(kind: str) -> None:
    missing = [
        f"{path}/properties/{name}"
        for path, node in subschemas(content_schema(kind))
        if isinstance(node.get("properties"), dict)
        for name, prop in node["properties"].items()
        if not str(prop.get("description", "")).strip()
    ]
    assert not missing, "properties without a description (add one in models.py):\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_refuses_unknown_keys(kind: str) -> None:
    loose = [
        path
        for path, node in subschemas(content_schema(kind))
        if node.get("type") == "object" and node.get("additionalProperties") is not False
    ]
    assert not loose, "objects that accept any key:\n" + "\n".join(loose)


@pytest.mark.parametrize("kind", KINDS)
def test_slug_keyed_mappings_name_the_slug_pattern(kind: str) -> None:
    mappings = [
        (path, node)
        for path, node in subschemas(content_schema(kind))
        if "patternProperties" in node
    ]
    for path, node in mappings:
        assert list(node["patternProperties"]) == [SLUG_PATTERN], path
        assert node["propertyNames"]["pattern"] == SLUG_PATTERN, path


def test_dates_and_enums_are_plain_strings() -> None:
    comparison = content_schema("comparison")
    published = comparison["properties"]["published"]
    assert published["type"] == "string"
    assert published["format"] == "date"
    assert comparison["$defs"]["Level"] == {
        "enum": ["low", "medium", "high"],
        "title": "Level",
        "type": "string",
    }
    metrics = content_schema("metrics")
    assert metrics["$defs"]["Better"]["type"] == "string"
    assert metrics["$defs"]["MetricGroup"]["enum"] == ["performance", "community", "cost"]


def test_schemas_are_deterministic() -> None:
    assert schema_json(content_schemas()) == schema_json(content_schemas())
    text = schema_json(content_schema("site"))
    assert text.endswith("}\n")
    assert text.startswith('{\n  "$defs": {\n')


# --- the committed copies -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_matches_the_models(kind: str) -> None:
    path = SCHEMAS / schema_file_name(kind)
    assert path.is_file(), f"{path.relative_to(REPO)} is missing: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == schema_json(content_schema(kind)), (
        f"{path.relative_to(REPO)} differs from the models: {REGENERATE}"
    )


def test_no_stray_files_in_schemas_folder() -> None:
    expected = {schema_file_name(kind) for kind in KINDS}
    found = {path.name for path in SCHEMAS.iterdir()}
    assert found == expected, f"unexpected files in schemas/: {sorted(found - expected)}"


@pytest.mark.parametrize("path", CONTENT_FILES, ids=CONTENT_IDS)
def test_content_file_points_at_its_schema(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").partition("\n")[0]
    prefix = "# yaml-language-server: $schema="
    assert first_line.startswith(prefix), f"{path} must start with `{prefix}...`"
    reference = first_line.removeprefix(prefix)
    target = (path.parent / reference).resolve()
    assert target == (SCHEMAS / schema_file_name(kind_of(path))).resolve(), (
        f"{path.relative_to(REPO)} points at {reference}, not its own schema"
    )
    assert target.is_file(), f"{reference} does not exist: {REGENERATE}"


# --- validating content -------------------------------------------------------------------


@pytest.mark.parametrize("path", CONTENT_FILES, ids=CONTENT_IDS)
def test_schema_accepts_bundled_content(path: Path) -> None:
    errors = [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(kind_of(path)).iter_errors(load(path))
    ]
    assert not errors, "\n".join(errors)


def _set(*keys: str | int, value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        data[keys[-1]] = value

    return change


def _drop(*keys: str | int) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        del data[keys[-1]]

    return change


def _rename(*keys: str | int, to: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        data[to] = data.pop(keys[-1])

    return change


SAMPLES = {
    "site": CONTENT / "site.yaml",
    "metrics": CONTENT / "metrics.yaml",
    "technology": CONTENT / "technologies" / "grpc.yaml",
    "comparison": CONTENT / "comparisons" / "graphql-vs-grpc-vs-websockets.yaml",
}

BROKEN: list[tuple[str, str, Callable[[Any], None]]] = [
    ("unknown field", "site", _set("colour", value="red")),
    ("unknown nested field", "technology", _set("pros", 0, "weight", value=3)),
    ("unknown field in a mapping value", "metrics", _set("metrics", "latency", "axis", value="y")),
    ("wrong type: list for text", "technology", _set("name", value=["gRPC"])),
    (
        "wrong type: text for boolean",
        "metrics",
        _set("metrics", "github-stars", "integer", value="yes"),
    ),
    ("wrong type: text for number", "technology", _set("benchmarks", 0, "min", value="50000")),
    ("wrong type: number for text", "site", _set("title", value=12)),
    ("bad enum value", "metrics", _set("metrics", "latency", "better", value="smaller")),
    (
        "bad enum value in a mapping",
        "comparison",
        _set("quick_comparison", "grpc", "complexity", value="extreme"),
    ),
    ("missing required field", "technology", _drop("homepage")),
    ("missing required nested field", "site", _drop("categories", 0, "name")),
    (
        "missing required field in a mapping value",
        "comparison",
        _drop("quick_comparison", "grpc", "performance_score"),
    ),
    ("bad slug key", "metrics", _rename("metrics", "latency", to="Latency_P99")),
    ("bad slug key in a comparison", "comparison", _rename("quick_comparison", "grpc", to="gRPC")),
    ("bad slug value", "technology", _set("categories", 0, value="Back end")),
    ("bad date", "comparison", _set("published", value="June 2025")),
    (
        "number out of range",
        "comparison",
        _set("quick_comparison", "grpc", "performance_score", value=11),
    ),
    ("too few technologies", "comparison", _set("technologies", value=["graphql"])),
    ("empty text", "technology", _set("summary", value="")),
]


@pytest.mark.parametrize(
    ("kind", "change"), [(kind, change) for _, kind, change in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_schema_and_model_refuse_broken_content(kind: str, change: Callable[[Any], None]) -> None:
    data = copy.deepcopy(load(SAMPLES[kind]))
    MODEL_FOR_KIND[kind].model_validate(data)  # the unbroken copy is fine
    change(data)
    assert list(validator(kind).iter_errors(data)), "the schema accepted the broken copy"
    with pytest.raises(ValidationError):
        MODEL_FOR_KIND[kind].model_validate(data)


# --- the command --------------------------------------------------------------------------


def test_command_prints_every_schema_as_one_document() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == content_schemas()
    assert result.output == schema_json(content_schemas())


def test_command_prints_one_kind() -> None:
    result = CliRunner().invoke(main, ["schema", "technology"])
    assert result.exit_code == 0, result.output
    assert result.output == schema_json(content_schema("technology"))


def test_command_refuses_an_unknown_kind() -> None:
    result = CliRunner().invoke(main, ["schema", "page"])
    assert result.exit_code == 2
    assert "page" in result.output


def test_command_writes_files_like_the_committed_ones(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = CliRunner().invoke(main, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = {path.name: path.read_bytes() for path in out.iterdir()}
    committed = {path.name: path.read_bytes() for path in SCHEMAS.iterdir()}
    assert written == committed


def test_command_writes_one_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "metrics", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [path.name for path in tmp_path.iterdir()] == ["metrics.schema.json"]


def test_write_schemas_returns_the_paths_written(tmp_path: Path) -> None:
    paths = write_schemas(tmp_path / "new" / "folder")
    assert [path.name for path in paths] == [schema_file_name(kind) for kind in KINDS]
    assert all(path.read_text(encoding="utf-8").endswith("}\n") for path in paths)


def test_cli_names_the_same_kinds_as_the_schema_module() -> None:
    from techcompare import cli, schema

    assert cli.KINDS == schema.KINDS
