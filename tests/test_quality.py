"""Content-quality warnings: each at its file, line and field, the same however many
processes read the content, and none on content that gives no cause."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, edit, locate, shown

from techcompare import loading
from techcompare.checking import check_content

COMPARISON = "comparisons/postgresql-vs-sqlite.yaml"


def warnings_of(content: Path, today: date = TODAY, jobs: int = 1) -> list[str]:
    _, problems = check_content(content, today, jobs=jobs)
    assert problems.errors == []
    return [str(w) for w in problems.warnings]


def test_the_fixture_site_gives_no_warning_while_its_reviews_are_recent(content: Path) -> None:
    assert warnings_of(content) == []


def test_a_comparison_is_warned_of_its_empty_sections_gaps_and_placeholders(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = content / COMPARISON
    edit(path, "analysis: Pick by the number of writers.\n", "")
    edit(path, "  sqlite:\n    - when: the data lives with one application\n", "")
    edit(path, "summary: A server", "summary: TODO A server")
    file = shown(content, COMPARISON)
    expected = sorted(
        [
            f"{file}:1:1: warning: analysis: the analysis is empty; the page will skip that "
            "section",
            f"{file}:{locate(path, 'decision_guide')[0]}:1: warning: decision_guide: "
            "no `Choose … if` situations for `sqlite`",
            f"{file}:4:1: warning: summary: placeholder `TODO` left in; replace it",
        ]
    )
    assert sorted(warnings_of(content)) == expected
    # Found as the file is read: worker processes find the same.
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 1)
    assert sorted(warnings_of(content, jobs=2)) == expected


def test_a_technology_is_warned_of_an_unsourced_figure_and_an_old_review(content: Path) -> None:
    path = content / "technologies/sqlite.yaml"
    edit(path, "    source: https://sqlite.org/speed.html\n", "")
    file = shown(content, "technologies/sqlite.yaml")
    year_later = date(2026, 1, 20)
    found = warnings_of(content, year_later)
    unsourced = "benchmarks[0]: figure has no `source`: readers cannot check it"
    assert f"{file}:14:5: warning: {unsourced}" in found
    reviews = [w for w in found if "reviewed_on" in w]
    assert reviews == [
        f"{shown(content, 'technologies/postgresql.yaml')}:"
        f"{locate(content / 'technologies/postgresql.yaml', 'reviewed_on')[0]}:1: warning: "
        "reviewed_on: last reviewed 375 days ago (2025-01-10); check the facts and update "
        "`reviewed_on`",
        f"{file}:{locate(path, 'reviewed_on')[0]}:1: warning: reviewed_on: last reviewed 375 "
        "days ago (2025-01-10); check the facts and update `reviewed_on`",
    ]


def test_placeholders_are_found_at_any_depth_but_not_in_code(content: Path) -> None:
    path = content / "technologies/postgresql.yaml"
    edit(
        path,
        "    code: |\n      CREATE",
        "    code: |\n      -- TODO: https://example.com\n      CREATE",
    )
    edit(path, "  total_cost_breakdown: A managed", "  total_cost_breakdown: example.com A managed")
    sqlite = content / "technologies/sqlite.yaml"
    edit(sqlite, "  - text: Zero configuration", "  - text: TODO Zero configuration")
    assert sorted(w for w in warnings_of(content) if "placeholder" in w) == [
        f"{shown(content, 'technologies/postgresql.yaml')}:"
        f"{locate(path, 'total_cost_breakdown')[0]}:3: warning: pricing.total_cost_breakdown: "
        "placeholder `example.com` left in; replace it",
        f"{shown(content, 'technologies/sqlite.yaml')}:10:5: warning: pros[0].text: "
        "placeholder `TODO` left in; replace it",
    ]
