"""The JSON export under `/api/`: complete, valid against its own schema, deterministic, and
safe to publish; plus the picker form that the technology and category pages build on it."""

from __future__ import annotations

import copy
import json
import os
import pickle
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from testkit import (
    BUNDLED_CONTENT,
    DATABASES,
    REPO,
    TODAY,
    build,
    copy_site,
    edit,
    load_and_resolve,
    read_page,
)

from techcompare.api_export import (
    PICKER_FIELDS,
    ExportCache,
    StoredPiece,
    api_files,
    export_json,
    export_schema,
    site_export,
    site_json,
)
from techcompare.build import BuildOptions, SiteBuilder
from techcompare.figures import format_figure
from techcompare.resolve import Site
from techcompare.schema import DRAFT

API_FILES = ("api/index.json", "api/picker.json", "api/schema.json", "api/site.json")


def site_of(content: Path) -> Site:
    _, site = load_and_resolve(content, TODAY)
    assert site is not None
    return site


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled content built once for this module (its dates run past the fixed TODAY)."""
    out = tmp_path_factory.mktemp("bundled-build") / "site"
    build(BUNDLED_CONTENT, out, today=None)
    return out


@dataclass(frozen=True)
class Built:
    content: Path
    out: Path


@pytest.fixture(params=["bundled", "databases"])
def built(request: pytest.FixtureRequest) -> Built:
    """Each built site in turn: the bundled content and the `databases` fixture site."""
    if request.param == "bundled":
        return Built(BUNDLED_CONTENT, request.getfixturevalue("bundled_site"))
    return Built(DATABASES, request.getfixturevalue("databases_site"))


def validator(site: Path) -> Draft202012Validator:
    schema = read_json(site / "api" / "schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def strings_and_keys(node: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings_and_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings_and_keys(item)
    elif isinstance(node, str):
        yield node


# --- the files --------------------------------------------------------------------------


def test_a_build_writes_the_api_folder_and_its_index_lists_it(databases_site: Path) -> None:
    for name in API_FILES:
        assert (databases_site / name).is_file(), name
    index = read_json(databases_site / "api" / "index.json")
    listed = {entry["name"] for entry in index["files"]}
    assert listed == {"site.json", "schema.json", "picker.json"}
    for entry in index["files"]:
        assert entry["url"] == f"/api/{entry['name']}"
        assert entry["description"]
    site_entry = next(e for e in index["files"] if e["name"] == "site.json")
    assert site_entry["schema"] == "schema.json"


def test_the_schema_is_draft_2020_12_and_generated_from_the_export_models(built: Built) -> None:
    schema = read_json(built.out / "api" / "schema.json")
    assert schema["$schema"] == DRAFT
    assert schema == export_schema()
    # The export models forbid unknown fields, so the schema does too.
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["TechnologyExport"]["additionalProperties"] is False


def test_the_export_validates_against_its_schema(built: Built) -> None:
    data = read_json(built.out / "api" / "site.json")
    errors = [error.message for error in validator(built.out).iter_errors(data)]
    assert not errors


Breakage = Callable[[dict[str, Any]], None]


def _drop_name(data: dict[str, Any]) -> None:
    del data["technologies"][0]["name"]


def _unknown_key(data: dict[str, Any]) -> None:
    data["technologies"][0]["secret_path"] = "/home/editor/content/technologies/x.yaml"


def _text_for_a_number(data: dict[str, Any]) -> None:
    figure = next(t["benchmarks"][0] for t in data["technologies"] if t["benchmarks"])
    figure["min"] = "fast"


def _figure_without_text(data: dict[str, Any]) -> None:
    figure = next(t["benchmarks"][0] for t in data["technologies"] if t["benchmarks"])
    del figure["text"]


def _bad_slug(data: dict[str, Any]) -> None:
    data["technologies"][0]["slug"] = "../etc/passwd"


def _bad_better(data: dict[str, Any]) -> None:
    data["metrics"][0]["better"] = "sideways"


def _bad_date(data: dict[str, Any]) -> None:
    data["comparisons"][0]["updated"] = "last tuesday"


def _wrong_version(data: dict[str, Any]) -> None:
    data["format_version"] = 2


def _javascript_link(data: dict[str, Any]) -> None:
    data["technologies"][0]["homepage"] = "javascript:alert(1)"


BREAKAGES = [
    _drop_name,
    _unknown_key,
    _text_for_a_number,
    _figure_without_text,
    _bad_slug,
    _bad_better,
    _bad_date,
    _wrong_version,
    _javascript_link,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.strip("_"))
def test_a_broken_copy_of_the_export_does_not_validate(
    databases_site: Path, breakage: Breakage
) -> None:
    data = read_json(databases_site / "api" / "site.json")
    broken = copy.deepcopy(data)
    breakage(broken)
    assert broken != data
    assert not validator(databases_site).is_valid(broken)


# --- what the export holds ----------------------------------------------------------------


def test_the_export_holds_every_file_of_the_content(built: Built) -> None:
    content = built.content
    site = site_of(content)
    data = read_json(built.out / "api" / "site.json")
    assert [t["slug"] for t in data["technologies"]] == sorted(
        p.stem for p in (content / "technologies").glob("*.yaml")
    )
    assert [c["slug"] for c in data["comparisons"]] == sorted(
        p.stem for p in (content / "comparisons").glob("*.yaml")
    )
    assert [m["slug"] for m in data["metrics"]] == list(site.metrics)  # registry order
    assert [c["slug"] for c in data["categories"]] == list(site.categories)
    assert data["site"]["title"] == site.settings.title
    assert data["site"]["url"] == "/"


def test_each_record_is_its_validated_model_plus_addresses_and_figure_text(
    databases_site: Path,
) -> None:
    site = site_of(DATABASES)
    data = read_json(databases_site / "api" / "site.json")
    for record in data["technologies"]:
        slug = record.pop("slug")
        assert record.pop("path") == f"technologies/{slug}/"
        assert record.pop("url") == f"/technologies/{slug}/"
        model = site.technologies[slug]
        assert model.community and model.pricing and model.pricing.total_cost
        figures = [*record["benchmarks"], *record["community"]["figures"]]
        figures.append(record["pricing"]["total_cost"])
        originals = [*model.benchmarks, *model.community.figures, model.pricing.total_cost]
        for exported, original in zip(figures, originals, strict=True):
            assert exported.pop("text") == format_figure(original, site.metrics[original.metric])
        assert record == model.model_dump(mode="json")
    for record in data["comparisons"]:
        slug = record.pop("slug")
        assert record.pop("path") == f"compare/{slug}/"
        assert record.pop("url") == f"/compare/{slug}/"
        assert record == site.comparisons[slug].model_dump(mode="json")
    for record in data["metrics"]:
        slug = record.pop("slug")
        assert record == site.metrics[slug].model_dump(mode="json")
    for record in data["categories"]:
        slug = record["slug"]
        members = [s for s, t in site.technologies.items() if slug in t.categories]
        assert record["technologies"] == members
        assert record["path"] == f"categories/{slug}/"


def test_a_known_figure_reads_as_on_the_pages(bundled_site: Path) -> None:
    data = read_json(bundled_site / "api" / "site.json")
    grpc = next(t for t in data["technologies"] if t["slug"] == "grpc")
    throughput = next(f for f in grpc["benchmarks"] if f["metric"] == "throughput")
    assert throughput["text"] == "50,000–100,000 requests/s"
    assert throughput["source"].startswith("https://")
    assert throughput["as_of"]


def test_addresses_follow_the_base_url(tmp_path: Path) -> None:
    site = site_of(DATABASES)
    files = api_files(site, lambda path: "https://db.example.org/sub/" + path)
    data = json.loads(bytes(files["api/site.json"]))
    assert data["site"]["url"] == "https://db.example.org/sub/"
    sqlite = next(t for t in data["technologies"] if t["slug"] == "sqlite")
    assert sqlite["url"] == "https://db.example.org/sub/technologies/sqlite/"
    assert sqlite["path"] == "technologies/sqlite/"
    index = json.loads(files["api/index.json"])
    assert {e["url"] for e in index["files"]} == {
        "https://db.example.org/sub/api/site.json",
        "https://db.example.org/sub/api/schema.json",
        "https://db.example.org/sub/api/picker.json",
    }


def test_the_export_is_deterministic_with_sorted_keys(tmp_path: Path, databases_site: Path) -> None:
    again = tmp_path / "again"
    build(DATABASES, again)
    for name in API_FILES:
        first = (databases_site / name).read_bytes()
        assert first == (again / name).read_bytes(), name
        text = first.decode("utf-8")
        parsed = json.loads(text)
        compact = name.endswith(("site.json", "picker.json"))
        assert text == (
            json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
            if compact
            else json.dumps(parsed, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        ), f"{name} is not written with sorted keys"


def test_the_export_assembled_from_cached_pieces_equals_the_whole_serialised_at_once(
    tmp_path: Path,
) -> None:
    """`site_json` keeps each technology's and comparison's JSON between builds: after edits
    it still gives exactly the bytes of serialising the whole export again."""
    content = copy_site(tmp_path)
    cache = ExportCache()

    def link(path: str) -> str:
        return "https://db.example.org/" + path

    def assert_fresh() -> None:
        site = site_of(content)
        assert bytes(site_json(site, link, cache)) == export_json(site_export(site, link))

    assert_fresh()
    edit(content / "technologies/sqlite.yaml", "name: SQLite", "name: SQLite 3")
    assert_fresh()
    edit(content / "metrics.yaml", "unit: rows/s", "unit: inserts/s")
    assert_fresh()
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    (content / "technologies/duckdb.yaml").write_text(sqlite.replace("SQLite 3", "DuckDB"))
    (content / "comparisons/postgresql-vs-sqlite.yaml").unlink()
    edit(content / "site.yaml", "featured: [postgresql-vs-sqlite]", "featured: []")
    assert_fresh()
    assert set(cache.technologies) == {"duckdb", "postgresql", "sqlite"}
    assert cache.comparisons == {}


def test_the_export_cache_keeps_its_pieces_in_a_file_and_pickles_them_as_bytes(
    tmp_path: Path,
) -> None:
    """The cached pieces live in a temporary file, not in memory (api_export.PieceStore); the
    build cache pickles them as bytes; `renew` lets the file go once a build made new ones."""
    site = site_of(copy_site(tmp_path))
    whole = export_json(site_export(site, lambda path: "/" + path))
    cache = ExportCache()
    assert bytes(site_json(site, lambda path: "/" + path, cache)) == whole
    pieces = [entry[2] for entry in cache.comparisons.values()]
    pieces += [part for entry in cache.technologies.values() for part in entry[3:]]
    assert len(pieces) == 5 and all(isinstance(piece, StoredPiece) for piece in pieces)
    assert cache.store is not None
    store = weakref.ref(cache.store)

    restored = pickle.loads(pickle.dumps(cache))
    assert restored.store is None and restored.joined is None
    assert all(type(entry[2]) is bytes for entry in restored.comparisons.values())
    assert bytes(site_json(site, lambda path: "/" + path, restored)) == whole

    # Another address for every page: every piece is made again, into a new store.
    cache.renew()
    moved = site_json(site, lambda path: "/docs/" + path, cache)
    assert bytes(moved) == export_json(site_export(site, lambda path: "/docs/" + path))
    assert cache.store is not None and cache.store is not store()
    del pieces
    assert store() is None


# --- safety -------------------------------------------------------------------------------


def test_the_export_names_no_file_on_the_build_machine(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    build(content, out)
    forbidden = {str(tmp_path), str(content.resolve()), str(Path.home()), os.getcwd()}
    for name in API_FILES:
        data = read_json(out / name)
        for text in strings_and_keys(data):
            for path in forbidden:
                assert path not in text, f"{name} mentions {path!r}: {text[:80]!r}"
            assert "/.yaml" not in text and not text.endswith(".yaml"), text[:80]
    data = read_json(out / "api" / "site.json")
    for record in [*data["technologies"], *data["comparisons"], *data["categories"]]:
        assert not record["path"].startswith("/") and ".." not in record["path"]


def test_a_script_end_tag_in_content_stays_a_plain_json_string(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    hostile = "Fast </script><script>alert(1)</script> & <!-- friendly"
    edit(
        content / "technologies" / "sqlite.yaml",
        "summary: A self-contained SQL database engine in a single file.",
        f"summary: '{hostile}'",
    )
    out = tmp_path / "site"
    build(content, out)
    raw = (out / "api" / "site.json").read_text(encoding="utf-8")
    # JSON served as application/json, not embedded in HTML: nothing is entity- or
    # \u-escaped, and a reader gets back exactly what the editor wrote.
    assert json.dumps(hostile, ensure_ascii=False) in raw
    data = json.loads(raw)
    sqlite = next(t for t in data["technologies"] if t["slug"] == "sqlite")
    assert sqlite["summary"] == hostile
    assert "\\u003c" not in raw and "&lt;" not in raw


# --- rebuilds -----------------------------------------------------------------------------


def test_a_rebuild_rewrites_the_export_only_when_it_changed(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    builder = SiteBuilder(BuildOptions(content=content, out=out, today=TODAY))
    builder.build()
    before = {name: (out / name).stat().st_mtime_ns for name in API_FILES}

    postgres = content / "technologies" / "postgresql.yaml"
    builder.rebuild([postgres])  # nothing changed
    assert {name: (out / name).stat().st_mtime_ns for name in API_FILES} == before

    sqlite = content / "technologies" / "sqlite.yaml"
    edit(sqlite, "summary: A self-contained", "summary: A small, self-contained")
    builder.rebuild([sqlite])
    assert "A small, self-contained" in (out / "api" / "site.json").read_text(encoding="utf-8")
    assert (out / "api" / "schema.json").stat().st_mtime_ns == before["api/schema.json"]
    fresh = tmp_path / "fresh"
    build(content, fresh)
    for name in API_FILES:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_renaming_a_technology_updates_every_picker(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    builder = SiteBuilder(BuildOptions(content=content, out=out, today=TODAY))
    builder.build()
    sqlite = content / "technologies" / "sqlite.yaml"
    edit(sqlite, "name: SQLite", "name: SQLite 3")
    builder.rebuild([sqlite])
    page = read_page(out, "technologies/postgresql/index.html")
    labels = [label.text().strip() for label in page.find_all("label", cls="picker-option")]
    assert "SQLite 3" in labels


# --- the picker form on the pages ---------------------------------------------------------


def picker_form(site: Path, path: str) -> Any:
    page = read_page(site, path)
    return page.by_id("picker").find("form")


def checkbox_values(form: Any) -> list[str]:
    return [box.attrs["value"] for box in form.find_all("input", type="checkbox")]


def test_a_technology_page_offers_every_technology(databases_site: Path) -> None:
    form = picker_form(databases_site, "technologies/sqlite/index.html")
    assert form.attrs.get("method", "get") == "get"
    assert form.attrs["action"] == "/technologies/sqlite/#picker"
    assert form.attrs["data-export"] == "/api/picker.json"
    assert checkbox_values(form) == ["postgresql", "sqlite"]
    for box in form.find_all("input", type="checkbox"):
        assert box.attrs["name"] == "compare"
        assert box.ancestor("label").text().strip()
    assert form.find("fieldset").find("legend").text().strip()
    assert form.find("button").text().strip() == "Compare"
    result = read_page(databases_site, "technologies/sqlite/index.html").find(
        "div", cls="picker-result"
    )
    assert result.attrs["aria-live"] == "polite"


def test_a_category_page_offers_only_its_own_technologies(databases_site: Path) -> None:
    form = picker_form(databases_site, "categories/databases/index.html")
    assert checkbox_values(form) == ["postgresql", "sqlite"]
    # Embedded holds SQLite alone: nothing to compare, so no picker.
    page = read_page(databases_site, "categories/embedded/index.html")
    assert not page.find_all("form", cls="picker-form")


def test_the_picker_script_loads_only_with_the_picker(databases_site: Path) -> None:
    for path in ("technologies/sqlite/index.html", "categories/databases/index.html"):
        scripts = read_page(databases_site, path).find_all("script")
        picker = [s for s in scripts if "picker" in s.attrs.get("src", "")]
        assert len(picker) == 1 and "defer" in picker[0].attrs, path
    for path in ("index.html", "compare/postgresql-vs-sqlite/index.html", "404.html"):
        scripts = read_page(databases_site, path).find_all("script")
        assert not [s for s in scripts if "picker" in s.attrs.get("src", "")], path


def test_the_picker_respects_the_base_path(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(DATABASES, out, base_url="/sub/")
    form = picker_form(out, "technologies/sqlite/index.html")
    assert form.attrs["data-export"] == "/sub/api/picker.json"
    assert form.attrs["data-root"] == "/sub/"
    assert form.attrs["action"] == "/sub/technologies/sqlite/#picker"


def test_no_picker_when_there_is_nothing_to_compare(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    (content / "technologies" / "postgresql.yaml").unlink()
    (content / "comparisons" / "postgresql-vs-sqlite.yaml").unlink()
    edit(content / "site.yaml", "featured: [postgresql-vs-sqlite]", "featured: []")
    out = tmp_path / "site"
    build(content, out)
    page = read_page(out, "technologies/sqlite/index.html")
    assert not page.find_all("section", cls="picker")
    data = read_json(out / "api" / "site.json")
    assert [t["slug"] for t in data["technologies"]] == ["sqlite"]
    assert validator(out).is_valid(data)


def test_the_picker_export_is_the_site_export_cut_down_to_what_the_picker_reads(
    built: Built,
) -> None:
    whole = read_json(built.out / "api" / "site.json")
    picker = read_json(built.out / "api" / "picker.json")
    for key in ("format_version", "site", "categories", "metrics"):
        assert picker[key] == whole[key], key
    assert len(picker["technologies"]) == len(whole["technologies"])
    for cut, full in zip(picker["technologies"], whole["technologies"], strict=True):
        assert set(cut) <= set(PICKER_FIELDS)
        for key in set(cut) - {"community"}:
            assert cut[key] == full[key], (full["slug"], key)
        if full.get("community"):
            assert cut["community"] == {"figures": full["community"]["figures"]}
        assert "overview" in full and "overview" not in cut
    assert picker["comparisons"] == [
        {key: c[key] for key in ("slug", "title", "path", "technologies")}
        for c in whole["comparisons"]
    ]
    assert (built.out / "api" / "picker.json").stat().st_size < (
        built.out / "api" / "site.json"
    ).stat().st_size


def test_every_field_the_picker_script_reads_is_in_the_picker_export() -> None:
    script = (REPO / "static" / "picker.js").read_text(encoding="utf-8")
    read = set(re.findall(r"\b(?:tech|t)\.([a-z_]+)", script))
    assert {"name", "pricing", "benchmarks"} <= read
    assert read <= set(PICKER_FIELDS), read - set(PICKER_FIELDS)
