"""The content models: what each field accepts and refuses, checked on plain data."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from testkit import DATABASES

from techcompare.models import (
    Comparison,
    Decision,
    Figure,
    MetricRegistry,
    SiteSettings,
    Technology,
)
from techcompare.yaml_source import read_yaml_file


def fixture_data(relative: str) -> dict[str, Any]:
    """A fresh copy of one fixture file's data, to change and validate."""
    data = read_yaml_file(DATABASES / relative).data
    assert isinstance(data, dict)
    return data


def errors(model: type[BaseModel], data: Any) -> list[tuple[tuple[Any, ...], str]]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [(tuple(e["loc"]), e["msg"]) for e in exc.errors()]
    return []


def test_fixture_files_validate() -> None:
    assert errors(SiteSettings, fixture_data("site.yaml")) == []
    assert errors(MetricRegistry, fixture_data("metrics.yaml")) == []
    assert errors(Technology, fixture_data("technologies/postgresql.yaml")) == []
    assert errors(Technology, fixture_data("technologies/sqlite.yaml")) == []
    assert errors(Comparison, fixture_data("comparisons/postgresql-vs-sqlite.yaml")) == []


def test_models_given_the_same_fields_share_one_fields_set_which_stays_right() -> None:
    """Models keep one `model_fields_set` per set of fields given (memory: models.py)."""
    first = Figure.model_validate({"metric": "latency", "value": 5})
    second = Figure.model_validate({"metric": "throughput", "value": 7})
    ranged = Figure.model_validate({"metric": "latency", "min": 2, "max": 9})
    assert first.model_fields_set is second.model_fields_set
    assert first.model_fields_set == {"metric", "value"}
    assert ranged.model_fields_set is not first.model_fields_set
    assert ranged.model_fields_set == {"metric", "min", "max"}
    assert first.model_dump(exclude_unset=True) == {"metric": "latency", "value": 5}
    assert ranged.model_dump(exclude_unset=True) == {"metric": "latency", "min": 2, "max": 9}
    # Frozen: no model can add a field to the set it shares.
    with pytest.raises(ValidationError):
        first.source = "https://example.org/"  # type: ignore[misc]
    assert second.model_fields_set == {"metric", "value"}
    # A copy with changes gets a set of its own.
    changed = first.model_copy(update={"approximate": True})
    assert changed.model_fields_set == {"metric", "value", "approximate"}
    assert first.model_fields_set == {"metric", "value"}


def test_a_pickled_model_keeps_its_fields_and_fields_set_and_pickles_no_dict_of_its_own() -> None:
    figures = [
        Figure.model_validate({"metric": "latency", "value": 5, "source": "https://a.example"}),
        Figure.model_validate({"metric": "throughput", "value": 7, "source": "https://a.example"}),
    ]
    again = pickle.loads(pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == figures and [type(f) for f in again] == [Figure, Figure]
    assert again[0].model_dump(exclude_unset=True) == figures[0].model_dump(exclude_unset=True)
    assert again[0].model_fields_set is again[1].model_fields_set  # still one set
    assert again[0].__pydantic_extra__ is None and again[0].__pydantic_private__ is None
    with pytest.raises(ValidationError):
        again[0].value = 6  # type: ignore[misc]  # still frozen
    # Pickled as the model's own fields: a pickler keeps what it is given until it is done,
    # so a dict made for each model would stay in memory (models.py).
    _, (model, fields, fields_set) = figures[0].__reduce__()
    assert model is Figure and fields is figures[0].__dict__
    assert fields_set is figures[0].model_fields_set


# --- figures ------------------------------------------------------------------------------


def test_figure_is_a_value_or_a_range() -> None:
    single = Figure.model_validate({"metric": "latency", "value": 5})
    assert (single.low, single.high) == (5, 5)
    spread = Figure.model_validate({"metric": "latency", "min": 2, "max": 9.5})
    assert (spread.low, spread.high) == (2, 9.5)
    equal = Figure.model_validate({"metric": "latency", "min": 3, "max": 3})
    assert (equal.low, equal.high) == (3, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": 1, "min": 0}, "not both"),
        ({"value": 1, "max": 2}, "not both"),
        ({}, "give `value`"),
        ({"min": 1}, "both `min` and `max`"),
        ({"max": 1}, "both `min` and `max`"),
        ({"min": 5, "max": 4}, "greater than"),
    ],
)
def test_figure_shape_mistakes(data: dict[str, Any], message: str) -> None:
    ((loc, msg),) = errors(Figure, {"metric": "latency", **data})
    assert loc == ()
    assert message in msg


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("name", ["value", "min", "max"])
def test_figures_are_finite(name: str, number: float) -> None:
    data: dict[str, Any] = {"metric": "latency", "min": 1, "max": 2}
    if name == "value":
        data = {"metric": "latency", "value": number}
    else:
        data[name] = number
    found = errors(Figure, data)
    assert ((name,), "Input should be a finite number") in found


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", "5"),
        ("value", True),
        ("approximate", "NO"),
        ("approximate", "true"),
        ("approximate", 1),
        ("or_more", "yes"),
        ("metric", 12),
    ],
)
def test_figure_fields_are_strictly_typed(field: str, value: Any) -> None:
    data = {"metric": "latency", "value": 5, field: value}
    assert [loc for loc, _ in errors(Figure, data)] == [(field,)]


def test_figure_refuses_unknown_fields() -> None:
    ((loc, msg),) = errors(Figure, {"metric": "latency", "value": 5, "unit": "ms"})
    assert loc == ("unit",)
    assert "Extra inputs" in msg


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "http://example.org/a?b=c#d",
        "HTTPS://EXAMPLE.ORG/",
    ],
)
def test_source_urls_that_are_accepted(url: str) -> None:
    assert errors(Figure, {"metric": "m", "value": 1, "source": url}) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//example.org/",
        "/relative/path",
        "ftp://example.org/",
        "https://exa mple.org/",
        'https://example.org/"onmouseover="x',
        "https://example.org/<script>",
        "example.org",
    ],
)
def test_source_urls_that_are_refused(url: str) -> None:
    ((loc, msg),) = errors(Figure, {"metric": "m", "value": 1, "source": url})
    assert loc == ("source",)
    assert "http" in msg


# --- technologies -------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["a", "web-apis", "http2", "x-1-y"])
def test_good_slugs(slug: str) -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data["categories"] = [slug]
    assert errors(Technology, data) == []


@pytest.mark.parametrize(
    "slug", ["Web", "web_apis", "web apis", "-web", "web-", "web--apis", "", "a" * 65, "../x"]
)
def test_bad_slugs(slug: str) -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data["categories"] = ["databases", slug]
    assert [loc for loc, _ in errors(Technology, data)] == [("categories", 1)]


@pytest.mark.parametrize("spdx", ["MIT", "Apache-2.0", "MIT OR Apache-2.0", "GPL-2.0-or-later"])
def test_spdx_licences_are_accepted(spdx: str) -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data["license"] = spdx
    assert errors(Technology, data) == []


@pytest.mark.parametrize("licence", ["MIT licence", "Apache 2", "<b>MIT</b>"])
def test_licence_must_be_an_spdx_id(licence: str) -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data["license"] = licence
    ((loc, msg),) = errors(Technology, data)
    assert loc == ("license",)
    assert "SPDX" in msg


@pytest.mark.parametrize("field", ["pros", "cons", "categories"])
def test_lists_that_may_not_be_empty(field: str) -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data[field] = []
    assert [loc for loc, _ in errors(Technology, data)] == [(field,)]


def test_one_line_fields_are_stripped_and_may_not_be_blank() -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data["summary"] = "   "
    assert [loc for loc, _ in errors(Technology, data)] == [("summary",)]
    data["summary"] = "  Padded.  "
    assert Technology.model_validate(data).summary == "Padded."


def test_one_line_fields_have_a_length_limit() -> None:
    data = fixture_data("technologies/sqlite.yaml")
    data["best_for"] = "x" * 301
    assert [loc for loc, _ in errors(Technology, data)] == [("best_for",)]


# --- comparisons --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when",
    [
        "Choose it when writes are rare",
        "choose it when writes are rare",
        "If writes are rare",
        "  if writes are rare",
        "Pick it for small tools",
        "Use it for small tools",
        "Select it for small tools",
    ],
)
def test_decision_states_the_situation_only(when: str) -> None:
    ((loc, msg),) = errors(Decision, {"when": when})
    assert loc == ("when",)
    assert "Choose <technology> if" in msg


@pytest.mark.parametrize(
    "when",
    ["writes are rare", "iframes embed the editor", "users choose their own storage"],
)
def test_decisions_that_read_after_choose_x_if(when: str) -> None:
    assert errors(Decision, {"when": when}) == []


@pytest.mark.parametrize("count", [1, 7])
def test_comparison_takes_two_to_six_technologies(count: int) -> None:
    data = fixture_data("comparisons/postgresql-vs-sqlite.yaml")
    data["technologies"] = [f"tech-{i}" for i in range(count)]
    assert ("technologies",) in [loc for loc, _ in errors(Comparison, data)]


def test_comparison_refuses_a_technology_twice() -> None:
    data = fixture_data("comparisons/postgresql-vs-sqlite.yaml")
    data["technologies"] = ["sqlite", "postgresql", "sqlite"]
    ((_, msg),) = errors(Comparison, data)
    assert "technology `sqlite` is listed twice" in msg


def test_performance_score_is_one_to_ten() -> None:
    data = fixture_data("comparisons/postgresql-vs-sqlite.yaml")
    for score, ok in [(0, False), (1, True), (10, True), (11, False), ("8", False)]:
        data["quick_comparison"]["sqlite"]["performance_score"] = score
        assert (errors(Comparison, data) == []) is ok, score


def test_comparison_dates_must_be_dates() -> None:
    data = fixture_data("comparisons/postgresql-vs-sqlite.yaml")
    data["published"] = "last year"
    ((loc, msg),) = errors(Comparison, data)
    assert loc == ("published",)
    assert "date" in msg
    data["published"] = "2025-01-01"
    assert Comparison.model_validate(data).published.isoformat() == "2025-01-01"


# --- site and metrics ---------------------------------------------------------------------


@pytest.mark.parametrize("base_url", ["/", "/sub/", "https://example.org/", "http://x.org/a/"])
def test_base_urls_that_are_accepted(base_url: str) -> None:
    data = fixture_data("site.yaml")
    data["base_url"] = base_url
    assert errors(SiteSettings, data) == []


@pytest.mark.parametrize(
    "base_url", ["https://example.org", "sub/", "javascript:alert(1)//", "/a b/"]
)
def test_base_urls_that_are_refused(base_url: str) -> None:
    data = fixture_data("site.yaml")
    data["base_url"] = base_url
    assert [loc for loc, _ in errors(SiteSettings, data)] == [("base_url",)]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:,x", "about", "/a b"])
def test_navigation_links_are_site_paths_or_http(url: str) -> None:
    data = fixture_data("site.yaml")
    data["navigation"] = [{"label": "Bad", "url": url}]
    assert [loc for loc, _ in errors(SiteSettings, data)] == [("navigation", 0, "url")]


def test_navigation_link_cannot_be_protocol_relative() -> None:
    data = fixture_data("site.yaml")
    data["navigation"] = [{"label": "Bad", "url": "//evil.example/"}]
    assert [loc for loc, _ in errors(SiteSettings, data)] == [("navigation", 0, "url")]


@pytest.mark.parametrize(
    ("field", "value"),
    [("better", "more"), ("group", "speed"), ("integer", "yes"), ("unit", "")],
)
def test_metric_fields_are_checked(field: str, value: Any) -> None:
    data = fixture_data("metrics.yaml")
    data["metrics"]["insert-rate"][field] = value
    assert [loc for loc, _ in errors(MetricRegistry, data)] == [("metrics", "insert-rate", field)]


def test_metric_names_are_slugs() -> None:
    data = fixture_data("metrics.yaml")
    data["metrics"]["Insert Rate"] = data["metrics"].pop("insert-rate")
    found = errors(MetricRegistry, data)
    assert found
    assert all(loc[:2] == ("metrics", "Insert Rate") for loc, _ in found)
