"""Stage 6: writing the output: atomic swaps, no stale files, reproducible bytes, the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import DATABASES, TODAY, build, copy_site, edit, neighbours, tree

from techcompare.build import BuildOptions, SiteBuilder
from techcompare.output import MARKER, OutputError, link_tree
from techcompare.problems import ContentError

PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\s]+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): .+$"
)


def test_build_writes_every_page_and_the_marker(tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = build(DATABASES, out)
    files = tree(out)
    for page in (
        "index.html",
        "404.html",
        "compare/postgresql-vs-sqlite/index.html",
        "technologies/postgresql/index.html",
        "technologies/sqlite/index.html",
    ):
        assert page in files
    assert MARKER in files
    assert report.out == out
    assert report.pages >= 5
    assert neighbours(out) == []


def test_failed_build_leaves_the_previous_site_unchanged(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    build(content, out)
    before = tree(out)

    edit(content / "technologies/sqlite.yaml", "kind: Embedded", "colour: blue\nkind: Embedded")
    edit(
        content / "comparisons/postgresql-vs-sqlite.yaml",
        "title: PostgreSQL vs SQLite\n",
        "title: Changed\n",
    )
    with pytest.raises(ContentError) as info:
        build(content, out)

    assert "colour" in [p.field for p in info.value.problems]
    assert tree(out) == before
    assert neighbours(out) == []


def test_failed_render_leaves_the_previous_site_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(DATABASES, out)
    before = tree(out)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "technology.html").write_text("{{ no_such_variable.attribute }}")

    with pytest.raises(Exception, match="no_such_variable"):
        build(DATABASES, out, templates=templates)

    assert tree(out) == before
    assert neighbours(out) == ["templates"]


def test_rebuild_removes_stale_files(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    (content / "technologies/duckdb.yaml").write_text(
        sqlite.replace("name: SQLite", "name: DuckDB")
    )
    build(content, out)
    assert (out / "technologies/duckdb/index.html").is_file()
    (out / "stray.html").write_text("left over")
    (out / "compare/old-comparison").mkdir()
    (out / "compare/old-comparison/index.html").write_text("gone")

    (content / "technologies/duckdb.yaml").unlink()
    build(content, out)

    assert not (out / "technologies/duckdb").exists()
    assert not (out / "stray.html").exists()
    assert not (out / "compare/old-comparison").exists()
    assert (out / "technologies/sqlite/index.html").is_file()
    assert neighbours(out) == []


def test_two_builds_of_the_same_content_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "site", tmp_path / "two" / "out"
    build(DATABASES, first)
    build(DATABASES, second)
    assert tree(first) == tree(second)


def test_rebuilding_in_place_gives_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(DATABASES, out)
    before = tree(out)
    build(DATABASES, out)
    assert tree(out) == before


def test_incremental_rebuild_matches_a_full_build(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    out = tmp_path / "site"
    builder = SiteBuilder(BuildOptions(content=content, out=out, today=TODAY))
    builder.build()
    path = content / "technologies/sqlite.yaml"
    edit(path, "summary: A self-contained", "summary: A small, self-contained")

    builder.rebuild([path])
    fresh = tmp_path / "fresh"
    build(content, fresh)

    assert tree(out) == tree(fresh)
    assert "A small, self-contained" in (out / "technologies/sqlite/index.html").read_text()


def test_build_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("years of work")
    with pytest.raises(OutputError, match="not written by techcompare"):
        build(DATABASES, out)
    assert tree(out) == {"thesis.txt": b"years of work"}
    assert neighbours(out) == []


def test_build_refuses_a_file_as_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.write_text("a file")
    with pytest.raises(OutputError):
        build(DATABASES, out)
    assert out.read_text() == "a file"


def test_build_fills_an_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    build(DATABASES, out)
    assert (out / "index.html").is_file()


# --- the command line ---------------------------------------------------------------------


def techcompare(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, the one beside this Python (not whichever
    `techcompare` the PATH finds first, if any)."""
    script = Path(sys.executable).parent / "techcompare"
    assert script.is_file(), f"{script} missing: install the package (`pip install -e .`)"
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_cli_reports_content_errors_as_file_line_column_field(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    edit(content / "site.yaml", "language: en-GB", "language: English")
    edit(content / "comparisons/postgresql-vs-sqlite.yaml", "score: 8", "score: 11")
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("")
    (out / "index.html").write_text("previous")

    result = techcompare("build", "--content", "content", "--out", "site", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    problems = [m for line in result.stderr.splitlines() if (m := PROBLEM_LINE.match(line))]
    assert {(Path(m["file"]).name, m["field"]) for m in problems} == {
        ("site.yaml", "language"),
        ("postgresql-vs-sqlite.yaml", "quick_comparison.postgresql.performance_score"),
    }
    for match in problems:
        assert (tmp_path / match["file"]).is_file(), match["file"]
    assert (out / "index.html").read_text() == "previous"


def test_cli_builds_good_content_and_says_where(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    result = techcompare("build", "--content", str(content), "--out", "public", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "public" in result.stdout
    assert (tmp_path / "public" / "index.html").is_file()
    assert "Traceback" not in result.stderr


def test_cli_refuses_a_foreign_output_folder_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("mine")
    result = techcompare("build", "--content", str(DATABASES), "--out", "docs", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "not written by techcompare" in result.stderr
    assert (tmp_path / "docs" / "notes.md").read_text() == "mine"


def test_cli_missing_content_folder_is_a_message(tmp_path: Path) -> None:
    result = techcompare("build", "--content", "nowhere", "--out", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content folder not found" in result.stderr
    assert not (tmp_path / "site").exists()


def test_cli_output_below_a_file_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = techcompare("build", "--content", str(DATABASES), "--out", "afile/site", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2


def test_link_tree_links_every_file_in_its_folder_but_those_left_out_at_the_top(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"
    for name in ("index.html", "skip.txt", "a/index.html", "a/b/skip.txt", "a/b/c/x.json"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(name)
    (source / "empty").mkdir()
    (source / "gone" / "deep").mkdir(parents=True)
    (source / "gone" / "deep" / "f").write_text("f")

    link_tree(source, tmp_path / "target", leave_out={"skip.txt", "gone"})

    target = tmp_path / "target"
    linked = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert linked == [
        "a",
        "a/b",
        "a/b/c",
        "a/b/c/x.json",
        "a/b/skip.txt",  # left out at the top only
        "a/index.html",
        "empty",
        "index.html",
    ]
    for name in ("index.html", "a/b/skip.txt", "a/b/c/x.json"):
        assert (target / name).stat().st_ino == (source / name).stat().st_ino
