"""Stage 3: references between files, checked once every file is loaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from testkit import (
    DATABASES,
    TODAY,
    edit,
    errors_of,
    load_and_resolve,
    locate,
    only_problem,
    shown,
)

COMPARISON = "comparisons/postgresql-vs-sqlite.yaml"
POSTGRESQL = "technologies/postgresql.yaml"
SQLITE = "technologies/sqlite.yaml"


def test_fixture_site_resolves_into_a_site_graph() -> None:
    loaded, site = load_and_resolve(DATABASES)
    assert not loaded.problems
    assert site is not None
    assert list(site.technologies) == ["postgresql", "sqlite"]
    assert list(site.comparisons) == ["postgresql-vs-sqlite"]
    assert list(site.categories) == ["databases", "embedded"]
    assert site.metrics["github-stars"].integer is True
    assert site.comparisons_with("sqlite") == ["postgresql-vs-sqlite"]


def test_unknown_technology_names_the_known_ones_at_the_list_item(content: Path) -> None:
    path = content / COMPARISON
    edit(
        path,
        "technologies: [postgresql, sqlite]",
        "technologies:\n  - postgresql\n  - sqlite\n  - mysql",
    )
    loaded, site = load_and_resolve(content)
    assert site is None
    problem = only_problem(loaded.problems.errors, "technologies[2]")
    assert problem.file == shown(content, COMPARISON)
    assert (problem.line, problem.column) == locate(path, "mysql")
    assert problem.message == "unknown technology `mysql` (known: postgresql, sqlite)"


def test_unknown_metric_in_a_figure(content: Path) -> None:
    path = content / POSTGRESQL
    edit(path, "  - metric: startup-time", "  - metric: boot-time")
    problem = only_problem(errors_of(content), "benchmarks[1].metric")
    assert problem.file == shown(content, POSTGRESQL)
    assert (problem.line, problem.column) == locate(path, "metric: boot-time")
    assert "unknown metric `boot-time`" in problem.message
    assert "github-stars, insert-rate, monthly-cost, startup-time" in problem.message


def test_metric_of_the_wrong_group(content: Path) -> None:
    path = content / SQLITE
    edit(path, "  - metric: startup-time\n    value: 1", "  - metric: github-stars\n    value: 1")
    problem = only_problem(errors_of(content), "benchmarks[1].metric")
    assert (problem.line, problem.column) == locate(path, "metric: github-stars\n    value: 1")
    assert "belongs to group `community`" in problem.message
    assert "`performance`" in problem.message


def test_cost_metric_under_community_figures(content: Path) -> None:
    edit(content / SQLITE, "    - metric: github-stars", "    - metric: monthly-cost")
    problem = only_problem(errors_of(content), "community.figures[0].metric")
    assert "belongs to group `cost`" in problem.message


def test_negative_value_for_a_metric_that_cannot_be_negative(content: Path) -> None:
    path = content / SQLITE
    edit(path, "    value: 0\n", "    value: -5\n")
    problem = only_problem(errors_of(content), "pricing.total_cost.value")
    assert (problem.line, problem.column) == locate(path, "value: -5")
    assert problem.message == "Monthly cost cannot be negative (got -5)"


def test_negative_value_is_fine_when_the_metric_allows_it(content: Path) -> None:
    edit(content / SQLITE, "    value: 0\n", "    value: -5\n")
    edit(
        content / "metrics.yaml",
        "    better: lower\n    group: cost\n",
        "    better: lower\n    group: cost\n    allow_negative: true\n",
    )
    assert errors_of(content) == []


def test_non_integer_value_for_an_integer_metric(content: Path) -> None:
    path = content / POSTGRESQL
    edit(path, "      value: 16000\n", "      value: 16000.5\n")
    problem = only_problem(errors_of(content), "community.figures[0].value")
    assert (problem.line, problem.column) == locate(path, "value: 16000.5")
    assert "whole number" in problem.message
    assert "16000.5" in problem.message


def test_whole_float_is_fine_for_an_integer_metric(content: Path) -> None:
    edit(content / POSTGRESQL, "      value: 16000\n", "      value: 16000.0\n")
    assert errors_of(content) == []


def test_range_ends_are_checked_too(content: Path) -> None:
    edit(content / POSTGRESQL, "    min: 50\n", "    min: -50\n")
    problem = only_problem(errors_of(content), "pricing.total_cost.min")
    assert "cannot be negative" in problem.message


def test_as_of_in_the_future_depends_on_today(content: Path) -> None:
    # Every figure of the fixture is as of 2025-01-10.
    assert errors_of(content, today=date(2025, 1, 10)) == []
    problems = errors_of(content, today=date(2025, 1, 9))
    assert problems
    assert all(p.field.endswith(".as_of") for p in problems)
    assert all("2025-01-10 is in the future" in p.message for p in problems)
    assert {p.field for p in problems if p.file == shown(content, SQLITE)} == {
        "benchmarks[0].as_of",
        "benchmarks[1].as_of",
        "community.figures[0].as_of",
        "pricing.total_cost.as_of",
    }


def test_as_of_in_the_future_points_at_the_date(content: Path) -> None:
    path = content / POSTGRESQL
    edit(
        path,
        "    as_of: 2025-01-10\n  - metric: startup",
        "    as_of: 2025-07-01\n  - metric: startup",
    )
    problem = only_problem(errors_of(content, today=TODAY), "benchmarks[0].as_of")
    assert (problem.line, problem.column) == locate(path, "as_of: 2025-07-01")
    assert "2025-07-01 is in the future" in problem.message


def test_quick_comparison_missing_a_technology(content: Path) -> None:
    path = content / COMPARISON
    edit(
        path,
        "  sqlite:\n    complexity: low\n    community_size: Large\n    adoption: Steady\n"
        "    performance_score: 7\n",
        "",
    )
    problem = only_problem(errors_of(content), "quick_comparison")
    assert (problem.line, problem.column) == locate(path, "quick_comparison:")
    assert problem.message == "missing for: sqlite"


def test_quick_comparison_with_an_extra_technology(content: Path) -> None:
    path = content / COMPARISON
    edit(
        path,
        "benchmark_context:",
        "  mysql:\n    complexity: low\n    community_size: Large\n    adoption: Steady\n"
        "    performance_score: 6\nbenchmark_context:",
    )
    problem = only_problem(errors_of(content), "quick_comparison.mysql")
    assert (problem.line, problem.column) == locate(path, "mysql:")
    assert "`mysql` is not one of this comparison's technologies" in problem.message
    assert "(postgresql, sqlite)" in problem.message


def test_decision_guide_for_a_technology_not_in_the_comparison(content: Path) -> None:
    path = content / COMPARISON
    edit(
        path, "recommendation:", "  oracle:\n    - when: licences are already paid\nrecommendation:"
    )
    problem = only_problem(errors_of(content), "decision_guide.oracle")
    assert (problem.line, problem.column) == locate(path, "oracle:")
    assert "`oracle` is not one of this comparison's technologies" in problem.message


def test_decision_guide_may_leave_a_technology_out(content: Path) -> None:
    edit(content / COMPARISON, "  sqlite:\n    - when: the data lives with one application\n", "")
    assert errors_of(content) == []


def test_side_by_side_for_a_technology_not_in_the_comparison(content: Path) -> None:
    edit(content / COMPARISON, "    sqlite: One file", "    duckdb: One file")
    problem = only_problem(errors_of(content), "side_by_side.approaches.duckdb")
    assert "not one of this comparison's technologies" in problem.message


def test_unknown_category_in_a_comparison(content: Path) -> None:
    path = content / COMPARISON
    edit(path, "category: databases", "category: caches")
    problem = only_problem(errors_of(content), "category")
    assert (problem.line, problem.column) == locate(path, "category: caches")
    assert problem.message == "unknown category `caches` (known: databases, embedded)"


def test_unknown_category_in_a_technology(content: Path) -> None:
    path = content / SQLITE
    edit(path, "categories: [databases, embedded]", "categories: [databases, embeded]")
    problem = only_problem(errors_of(content), "categories[1]")
    assert (problem.line, problem.column) == locate(path, "embeded")
    assert problem.message == "unknown category `embeded` (known: databases, embedded)"


def test_duplicate_category_in_site_settings(content: Path) -> None:
    path = content / "site.yaml"
    edit(path, "  - slug: embedded", "  - slug: databases")
    problem = only_problem(errors_of(content), "categories[1].slug")
    assert problem.line == locate(path, "  - slug: databases\n    name: Embedded")[0]
    assert "duplicate category" in problem.message


def test_unknown_featured_comparison(content: Path) -> None:
    path = content / "site.yaml"
    edit(
        path,
        "featured: [postgresql-vs-sqlite]",
        "featured: [postgresql-vs-sqlite, redis-vs-memcached]",
    )
    problem = only_problem(errors_of(content), "featured[1]")
    assert problem.file == shown(content, "site.yaml")
    assert (problem.line, problem.column) == locate(path, "redis-vs-memcached")
    assert problem.message == (
        "unknown comparison `redis-vs-memcached` (known: postgresql-vs-sqlite)"
    )


def test_related_comparison_that_does_not_exist(content: Path) -> None:
    path = content / COMPARISON
    edit(
        path,
        "    why: The other popular server.",
        "    why: The other popular server.\n    comparison: postgresql-vs-mysql",
    )
    problem = only_problem(errors_of(content), "related[0].comparison")
    assert (problem.line, problem.column) == locate(path, "comparison: postgresql-vs-mysql")
    assert "unknown comparison `postgresql-vs-mysql`" in problem.message
    assert "postgresql-vs-sqlite" in problem.message


def test_related_comparison_that_is_the_page_itself(content: Path) -> None:
    edit(
        content / COMPARISON,
        "    why: The other popular server.",
        "    why: The other popular server.\n    comparison: postgresql-vs-sqlite",
    )
    problem = only_problem(errors_of(content), "related[0].comparison")
    assert "itself" in problem.message


def test_duplicate_figure_for_the_same_metric_and_subject(content: Path) -> None:
    path = content / POSTGRESQL
    second = (
        "  - metric: startup-time\n    value: 700\n"
        "    source: https://example.org/\n    as_of: 2025-01-10\n"
    )
    edit(path, "community:\n", second + "community:\n")
    problem = only_problem(errors_of(content), "benchmarks[2]")
    assert (problem.line, problem.column) == locate(path, "metric: startup-time\n    value: 700")
    assert "a second figure for metric `startup-time`" in problem.message
    assert "subject" in problem.message


def test_same_metric_with_different_subjects_is_fine(content: Path) -> None:
    second = (
        "  - metric: startup-time\n    value: 700\n    subject: with a warm cache\n"
        "    source: https://example.org/\n    as_of: 2025-01-10\n"
    )
    edit(content / POSTGRESQL, "community:\n", second + "community:\n")
    assert errors_of(content) == []


def test_duplicate_figure_with_the_same_subject(content: Path) -> None:
    figure = (
        "  - metric: startup-time\n    value: 700\n    subject: warm\n"
        "    source: https://example.org/\n    as_of: 2025-01-10\n"
    )
    edit(content / POSTGRESQL, "community:\n", figure + figure + "community:\n")
    problem = only_problem(errors_of(content), "benchmarks[3]")
    assert "`startup-time` and subject `warm`" in problem.message


def test_every_reference_mistake_is_reported_in_one_run(content: Path) -> None:
    edit(content / COMPARISON, "category: databases", "category: caches")
    edit(content / POSTGRESQL, "  - metric: startup-time", "  - metric: boot-time")
    edit(content / SQLITE, "    value: 0\n", "    value: -5\n")
    edit(content / "site.yaml", "featured: [postgresql-vs-sqlite]", "featured: [nope]")
    loaded, site = load_and_resolve(content)
    assert site is None
    assert {(p.file, p.field) for p in loaded.problems.errors} == {
        (shown(content, COMPARISON), "category"),
        (shown(content, POSTGRESQL), "benchmarks[1].metric"),
        (shown(content, SQLITE), "pricing.total_cost.value"),
        (shown(content, "site.yaml"), "featured[0]"),
    }


def test_load_and_reference_mistakes_are_reported_together(content: Path) -> None:
    edit(content / POSTGRESQL, "kind: Relational", "colour: blue\nkind: Relational")
    edit(content / SQLITE, "    value: 0\n", "    value: -5\n")
    edit(content / COMPARISON, "category: databases", "category: caches")
    problems = errors_of(content)
    fields = {(p.file, p.field) for p in problems}
    assert (shown(content, POSTGRESQL), "colour") in fields
    assert (shown(content, SQLITE), "pricing.total_cost.value") in fields
    assert (shown(content, COMPARISON), "category") in fields


def test_a_broken_technology_file_is_not_reported_as_unknown(content: Path) -> None:
    edit(content / SQLITE, "kind: Embedded", "colour: blue\nkind: Embedded")
    problems = errors_of(content)
    assert [p.field for p in problems] == ["colour"], "\n".join(map(str, problems))


def test_resolve_without_site_settings_returns_none(content: Path) -> None:
    (content / "site.yaml").unlink()
    loaded, site = load_and_resolve(content)
    assert site is None
    assert [p.message for p in loaded.problems.errors] == ["required file not found"]
