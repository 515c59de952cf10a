"""Stage 2: loading a content folder, each mistake reported where it was made.

Every test copies the `databases` fixture site, makes one mistake in its YAML text and checks
the problem: file, line, column, field path and a message that says what was expected.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest
from testkit import BUNDLED_CONTENT, DATABASES, copy_site, edit, locate, only_problem, shown

from techcompare import loading
from techcompare.loading import (
    LoadCache,
    LoadedContent,
    PackedPositions,
    Source,
    _read_and_validate,
    file_stamp,
    load_content,
)
from techcompare.models import Technology
from techcompare.problems import Problem
from techcompare.yaml_source import YamlDocument

TECHNOLOGY_FIELDS = ("name", "categories", "summary", "overview", "pros", "reviewed_on")
FIGURE_FIELDS = ("metric", "value", "min", "max", "source", "as_of")


def test_fixture_site_loads_without_problems() -> None:
    content = load_content(DATABASES)
    assert not content.problems, "\n".join(str(p) for p in content.problems.items)
    assert content.site is not None
    assert content.site.model.title == "DB Compare"
    assert content.metrics is not None
    assert set(content.metrics.model.metrics) == {
        "insert-rate",
        "startup-time",
        "github-stars",
        "monthly-cost",
    }
    assert sorted(content.technologies) == ["postgresql", "sqlite"]
    assert sorted(content.comparisons) == ["postgresql-vs-sqlite"]
    postgresql = content.technologies["postgresql"]
    assert postgresql.model.benchmarks[0].min == 8000
    assert postgresql.position(("benchmarks", 0, "min")) == locate(
        DATABASES / "technologies/postgresql.yaml", "min: 8000"
    )


@dataclass(frozen=True)
class Mistake:
    file: str
    old: str
    new: str
    field: str
    at: str | None  # text in the edited file where the problem is; None: line 1, column 1
    message: tuple[str, ...]


MISTAKES = {
    "unknown field": Mistake(
        "technologies/postgresql.yaml",
        "kind: Relational database server\n",
        "kind: Relational database server\ncolour: blue\n",
        "colour",
        "colour: blue",
        ("unknown field", "expected one of", *TECHNOLOGY_FIELDS),
    ),
    "unknown field in a figure": Mistake(
        "technologies/postgresql.yaml",
        "    note: With synchronous commit off.\n",
        "    note: With synchronous commit off.\n    sorce: https://example.org/\n",
        "benchmarks[0].sorce",
        "sorce:",
        ("unknown field", *FIGURE_FIELDS),
    ),
    "unknown field in a quick-comparison column": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "    performance_score: 7\n",
        "    performance_score: 7\n    speed: fast\n",
        "quick_comparison.sqlite.speed",
        "speed: fast",
        ("unknown field", "complexity", "performance_score"),
    ),
    "string for a number": Mistake(
        "technologies/postgresql.yaml",
        "    min: 8000\n",
        '    min: "8000"\n',
        "benchmarks[0].min",
        'min: "8000"',
        ("number",),
    ),
    "NO for a boolean": Mistake(
        "technologies/sqlite.yaml",
        "      value: 7000\n      approximate: true\n",
        "      value: 7000\n      approximate: NO\n",
        "community.figures[0].approximate",
        "approximate: NO",
        ("boolean",),
    ),
    "yes for a site switch": Mistake(
        "site.yaml",
        "featured: [postgresql-vs-sqlite]\n",
        "featured: [postgresql-vs-sqlite]\nfeatures:\n  charts: yes\n",
        "features.charts",
        "charts: yes",
        ("boolean",),
    ),
    "float for an integer score": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "    performance_score: 8\n",
        "    performance_score: 8.5\n",
        "quick_comparison.postgresql.performance_score",
        "performance_score: 8.5",
        ("integer",),
    ),
    "missing required field": Mistake(
        "technologies/sqlite.yaml",
        "summary: A self-contained SQL database engine in a single file.\n",
        "",
        "summary",
        None,
        ("required field is missing",),
    ),
    "missing nested required field": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "    complexity: low\n",
        "",
        "quick_comparison.sqlite.complexity",
        "sqlite:\n    community_size",
        ("required field is missing",),
    ),
    "value and a range": Mistake(
        "technologies/sqlite.yaml",
        "    value: 1\n",
        "    value: 1\n    min: 0\n    max: 2\n",
        "benchmarks[1]",
        "metric: startup-time",
        ("`value`", "not both"),
    ),
    "neither value nor range": Mistake(
        "technologies/sqlite.yaml",
        "    value: 1\n",
        "    min: 1\n",
        "benchmarks[1]",
        "metric: startup-time",
        ("`value`", "`min` and `max`"),
    ),
    "min above max": Mistake(
        "technologies/sqlite.yaml",
        "    min: 20000\n    max: 50000\n",
        "    min: 60000\n    max: 50000\n",
        "benchmarks[0]",
        "metric: insert-rate",
        ("`min` (60000) is greater than `max` (50000)",),
    ),
    "NaN figure": Mistake(
        "technologies/sqlite.yaml",
        "      value: 7000\n",
        "      value: .nan\n",
        "community.figures[0].value",
        "value: .nan",
        ("finite",),
    ),
    "infinite figure": Mistake(
        "technologies/postgresql.yaml",
        "    max: 15000\n",
        "    max: .inf\n",
        "benchmarks[0].max",
        "max: .inf",
        ("finite",),
    ),
    "javascript URL as a claim source": Mistake(
        "technologies/sqlite.yaml",
        "  - text: Zero configuration, one file per database.\n",
        "  - text: Zero configuration, one file per database.\n"
        "    sources: ['javascript:alert(1)']\n",
        "pros[0].sources[0]",
        "'javascript:alert(1)'",
        ("http://", "https://"),
    ),
    "javascript URL as a figure source": Mistake(
        "technologies/sqlite.yaml",
        "    source: https://sqlite.org/about.html\n",
        "    source: javascript:alert(1)\n",
        "benchmarks[1].source",
        "source: javascript",
        ("http://", "https://"),
    ),
    "bad slug in a list": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "technologies: [postgresql, sqlite]",
        "technologies: [postgresql, SQLite_3]",
        "technologies[1]",
        "SQLite_3",
        ("slug", "lower-case"),
    ),
    "bad category slug": Mistake(
        "technologies/sqlite.yaml",
        "categories: [databases, embedded]",
        "categories: [databases, Embedded DB]",
        "categories[1]",
        "Embedded DB",
        ("slug",),
    ),
    "decision starting with Choose": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "    - when: many processes write at once\n",
        "    - when: Choose PostgreSQL when many processes write at once\n",
        "decision_guide.postgresql[0].when",
        "when: Choose",
        ("situation", "Choose <technology> if"),
    ),
    "decision starting with If": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "    - when: the data lives with one application\n",
        "    - when: if the data lives with one application\n",
        "decision_guide.sqlite[0].when",
        "when: if",
        ("situation", "Choose <technology> if"),
    ),
    "bad date": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "published: 2025-01-10\n",
        "published: 2025-13-40\n",
        "published",
        "published:",
        ("date",),
    ),
    "bad as-of date": Mistake(
        "technologies/postgresql.yaml",
        "    as_of: 2025-01-10\n  - metric: startup-time",
        "    as_of: 10/01/2025\n  - metric: startup-time",
        "benchmarks[0].as_of",
        "as_of: 10/01/2025",
        ("date",),
    ),
    "bad enum": Mistake(
        "comparisons/postgresql-vs-sqlite.yaml",
        "    complexity: medium\n",
        "    complexity: moderate\n",
        "quick_comparison.postgresql.complexity",
        "complexity: moderate",
        ("'low'", "'medium'", "'high'"),
    ),
    "bad language tag": Mistake(
        "site.yaml",
        "language: en-GB\n",
        "language: English\n",
        "language",
        "language: English",
        ("pattern",),
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_each_mistake_is_reported_where_it_was_made(content: Path, mistake: Mistake) -> None:
    path = content / mistake.file
    edit(path, mistake.old, mistake.new)

    problems = load_content(content).problems.errors

    problem = only_problem(problems, mistake.field)
    assert problem.file == shown(content, mistake.file)
    expected = (1, 1) if mistake.at is None else locate(path, mistake.at)
    assert (problem.line, problem.column) == expected, str(problem)
    for fragment in mistake.message:
        assert fragment in problem.message, str(problem)
    # The rest of the file is fine: one mistake, one problem.
    assert len(problems) == 1, "\n".join(str(p) for p in problems)


def test_problem_prints_as_file_line_column_field_message(content: Path) -> None:
    edit(content / "technologies/postgresql.yaml", "    min: 8000\n", "    min: many\n")
    (problem,) = load_content(content).problems.errors
    line, column = locate(content / "technologies/postgresql.yaml", "min: many")
    assert str(problem) == (
        f"content/technologies/postgresql.yaml:{line}:{column}: benchmarks[0].min: "
        f"{problem.message}"
    )


def test_technology_listed_twice_is_reported_at_the_list(content: Path) -> None:
    path = content / "comparisons/postgresql-vs-sqlite.yaml"
    edit(path, "technologies: [postgresql, sqlite]", "technologies: [postgresql, postgresql]")
    problems = load_content(content).problems.errors
    (problem,) = [p for p in problems if "listed twice" in p.message]
    assert problem.field in ("technologies", "technologies[1]")
    assert problem.line == locate(path, "technologies:")[0]


def test_technology_listed_twice_is_refused(content: Path) -> None:
    path = content / "comparisons/postgresql-vs-sqlite.yaml"
    edit(path, "technologies: [postgresql, sqlite]", "technologies: [postgresql, postgresql]")
    content_loaded = load_content(content)
    (problem,) = content_loaded.problems.errors
    assert problem.file == shown(content, "comparisons/postgresql-vs-sqlite.yaml")
    assert "technology `postgresql` is listed twice" in problem.message
    assert "postgresql-vs-sqlite" not in content_loaded.comparisons


def test_updated_before_published_is_refused(content: Path) -> None:
    edit(
        content / "comparisons/postgresql-vs-sqlite.yaml",
        "updated: 2025-01-12",
        "updated: 2024-12-31",
    )
    (problem,) = load_content(content).problems.errors
    assert "`updated` is before `published`" in problem.message


def test_a_number_is_not_a_date(content: Path) -> None:
    path = content / "technologies/sqlite.yaml"
    edit(path, "reviewed_on: 2025-01-10", "reviewed_on: 1736467200")
    problem = only_problem(load_content(content).problems.errors, "reviewed_on")
    assert "date" in problem.message


def test_invalid_yaml_is_reported_with_the_parser_position(content: Path) -> None:
    path = content / "technologies/sqlite.yaml"
    edit(path, "categories: [databases, embedded]", "categories: [databases, embedded")
    (problem,) = load_content(content).problems.errors
    assert problem.file == shown(content, "technologies/sqlite.yaml")
    assert problem.field == ""
    assert problem.message.startswith("invalid YAML")
    assert problem.line in (2, 3)
    assert problem.line > 1


def test_duplicate_key_in_a_content_file_is_reported(content: Path) -> None:
    path = content / "technologies/sqlite.yaml"
    edit(path, "best_for: Local", "summary: Again.\nbest_for: Local")
    (problem,) = load_content(content).problems.errors
    assert (problem.line, problem.column) == locate(path, "summary: Again.")
    assert "duplicate key `summary`" in problem.message
    assert f"line {locate(path, 'summary:')[0]}" in problem.message


def test_top_level_list_is_refused(content: Path) -> None:
    (content / "technologies/sqlite.yaml").write_text("- name: SQLite\n")
    (problem,) = load_content(content).problems.errors
    assert "mapping" in problem.message


def test_missing_required_files_and_folders_are_reported(content: Path) -> None:
    (content / "metrics.yaml").unlink()
    for path in (content / "comparisons").iterdir():
        path.unlink()
    (content / "comparisons").rmdir()
    problems = load_content(content).problems.errors
    messages = {p.file: p.message for p in problems}
    assert messages[shown(content, "metrics.yaml")] == "required file not found"
    assert any("comparisons/" in m and "not found" in m for m in messages.values())


def test_missing_content_folder_is_one_problem(tmp_path: Path) -> None:
    problems = load_content(tmp_path / "nowhere").problems.errors
    assert [p.message for p in problems] == ["content folder not found"]


def test_file_names_must_be_slugs_and_yaml(content: Path) -> None:
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    (content / "technologies/My SQLite.yaml").write_text(sqlite)
    (content / "technologies/litesql.yml").write_text(sqlite)
    (content / "technologies/notes.txt").write_text("ignored")
    (content / "technologies/.hidden.yaml").write_text("ignored: [")
    loaded = load_content(content)
    by_file = {p.file: p.message for p in loaded.problems.errors}
    assert set(by_file) == {
        shown(content, "technologies/My SQLite.yaml"),
        shown(content, "technologies/litesql.yml"),
    }
    assert "slug" in by_file[shown(content, "technologies/My SQLite.yaml")]
    assert ".yaml" in by_file[shown(content, "technologies/litesql.yml")]
    assert sorted(loaded.technologies) == ["postgresql", "sqlite"]


def test_symlink_out_of_the_content_folder_is_refused(tmp_path: Path, content: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text((content / "technologies/sqlite.yaml").read_text())
    (content / "technologies/elsewhere.yaml").symlink_to(outside)
    (problem,) = load_content(content).problems.errors
    assert problem.file == shown(content, "technologies/elsewhere.yaml")
    assert "outside the content folder" in problem.message


def test_every_mistake_in_every_file_is_reported_in_one_run(content: Path) -> None:
    chosen = [
        "unknown field",
        "NO for a boolean",
        "min above max",
        "javascript URL as a claim source",
        "decision starting with If",
        "bad slug in a list",
    ]
    for name in chosen:
        mistake = MISTAKES[name]
        edit(content / mistake.file, mistake.old, mistake.new)
    (content / "metrics.yaml").write_text("metrics:\n  a: [1\n")

    problems: list[Problem] = load_content(content).problems.errors

    reported = {(p.file, p.field) for p in problems}
    for name in chosen:
        mistake = MISTAKES[name]
        assert (shown(content, mistake.file), mistake.field) in reported, name
    assert any(p.file == shown(content, "metrics.yaml") for p in problems)
    files = {p.file for p in problems}
    assert len(files) == 4


# --- positions of a Source read by a worker -------------------------------------------------


def _bundled_source(name: str = "graphql") -> Source[Technology]:
    content = LoadedContent(root=BUNDLED_CONTENT)
    path = BUNDLED_CONTENT / "technologies" / f"{name}.yaml"
    source = _read_and_validate(content, path, Technology, required=True)
    assert source is not None
    return source


def test_shallow_source_keeps_top_level_positions_and_rereads_deeper_ones_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _bundled_source()
    shallow = source.without_deep_positions()
    assert all(len(loc) <= 1 for loc in shallow.document.positions)
    assert len(shallow.document.positions) < len(source.document.positions) / 4
    reads = []
    real_read = loading.read_yaml_file

    def counting_read(path: Path) -> YamlDocument:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(loading, "read_yaml_file", counting_read)
    assert shallow.position(("overview",)) == source.position(("overview",))
    assert reads == []  # a top-level field needs no second read
    for loc, where in source.document.positions.items():
        assert shallow.position(loc) == where, loc
    assert reads == [source.path]


def test_top_level_positions_are_packed_and_files_with_fields_in_one_order_share_the_index() -> (
    None
):
    sources = [_bundled_source(name) for name in ("graphql", "grpc")]
    top = [
        {loc: at for loc, at in source.document.positions.items() if len(loc) <= 1}
        for source in sources
    ]
    assert list(top[0]) == list(top[1]) and top[0] != top[1]
    packed = [source.without_deep_positions().document.positions for source in sources]
    assert all(isinstance(positions, PackedPositions) for positions in packed)
    assert [dict(positions) for positions in packed] == top
    assert packed[0] == top[0] and packed[0] != packed[1]
    assert packed[0].get(("nothing",)) is None and ("overview",) in packed[0]
    # One index for the two files, and again once pickled (as a worker sends them back).
    again = [pickle.loads(pickle.dumps(positions)) for positions in packed]
    indexes = {id(positions._index) for positions in (*packed, *again)}
    assert len(indexes) == 1
    assert again == packed
    reordered = dict(reversed(list(top[0].items())))
    assert PackedPositions(reordered) == packed[0]  # equal as mappings, whatever the order
    assert PackedPositions(reordered)._index is not packed[0]._index


def test_a_pickled_source_is_the_same_source_without_what_it_read_again() -> None:
    """As a worker sends a Source back and the build cache keeps it."""
    deep = _bundled_source()
    shallow = deep.without_deep_positions()
    assert shallow.position(("pros", 0, "text")) == deep.position(("pros", 0, "text"))
    assert shallow._reread  # the file was read again for that deeper position
    for source in (deep, shallow):
        again = pickle.loads(pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == source and again.shallow == source.shallow
        assert again.document.data is None
        assert dict(again.document.positions) == dict(source.document.positions)
        assert again.notes == source.notes and again.model == source.model
        assert again._reread == []
    again = pickle.loads(pickle.dumps(shallow))
    assert again.position(("pros", 0, "text")) == deep.position(("pros", 0, "text"))


def test_shallow_source_of_a_vanished_file_gives_the_enclosing_field(tmp_path: Path) -> None:
    copy = tmp_path / "graphql.yaml"
    copy.write_bytes((BUNDLED_CONTENT / "technologies" / "graphql.yaml").read_bytes())
    content = LoadedContent(root=tmp_path)
    source = _read_and_validate(content, copy, Technology, required=True, checked=True)
    assert source is not None
    shallow = source.without_deep_positions()
    copy.unlink()
    assert shallow.position(("benchmarks", 0, "metric")) == source.position(("benchmarks",))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_whose_stamp_changed_but_not_its_bytes_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Touched, copied over or checked out again: the cache hands back the very same Source
    (so nothing made from it is made again), whether the files are read in workers or not."""
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 1)
    root = copy_site(tmp_path)
    cache = LoadCache()
    first = load_content(root, cache, jobs=jobs)
    read: list[object] = []  # texts parsed here, and files sent to workers
    real_parse, real_fork_map = loading.parse_yaml, loading.fork_map
    monkeypatch.setattr(loading, "parse_yaml", lambda text: read.append(text) or real_parse(text))
    monkeypatch.setattr(
        loading,
        "fork_map",
        lambda work, items, jobs: read.extend(items) or real_fork_map(work, items, jobs),
    )
    touched = root / "technologies/postgresql.yaml"
    info = touched.stat()
    os.utime(touched, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    copied = root / "comparisons/postgresql-vs-sqlite.yaml"
    data = copied.read_bytes()
    copied.unlink()
    copied.write_bytes(data)  # a new inode and modification time
    assert file_stamp(copied) != cache.entries[copied][0]

    second = load_content(root, cache, jobs=jobs)

    assert read == []
    assert second.technologies["postgresql"] is first.technologies["postgresql"]
    assert second.comparisons["postgresql-vs-sqlite"] is first.comparisons["postgresql-vs-sqlite"]
    # The new stamps are kept: the next load does not even read the bytes.
    assert cache.entries[touched][0] == file_stamp(touched)
    assert cache.entries[copied][0] == file_stamp(copied)

    edit(touched, "name: PostgreSQL", "name: Postgres")
    bytes_read: list[Path] = []  # by this process: a worker's reads are not seen here
    real_read_bytes = loading.read_yaml_bytes
    monkeypatch.setattr(
        loading, "read_yaml_bytes", lambda path: bytes_read.append(path) or real_read_bytes(path)
    )
    third = load_content(root, cache, jobs=jobs)

    assert third.technologies["postgresql"].model.name == "Postgres"
    assert third.comparisons["postgresql-vs-sqlite"] is first.comparisons["postgresql-vs-sqlite"]
    assert len(read) == 1
    # Of another size, so not read to compare its bytes: only to parse it, here or in a worker.
    assert bytes_read.count(touched) == (1 if jobs == 1 else 0)
