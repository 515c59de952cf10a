"""`techcompare new`: skeleton files that pass `techcompare check` as soon as they are written.

Every test works on a copy of the `databases` fixture site (the `content` fixture, with the
working directory at its parent, so the commands' default `--content content` finds it).
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from testkit import DATABASES, build, tree

from techcompare.checking import check_content
from techcompare.cli import main
from techcompare.models import Comparison, Technology
from techcompare.problems import Problem
from techcompare.scaffold import technology_scaffold

BAD_SLUGS = ["Foo", "foo_bar", "../x", "/etc/x", "a--b", "-a", "a-", "ａbc", "", "x" * 65, "a\n"]


def new(*args: str) -> Result:
    return CliRunner().invoke(main, ["new", *args])


def problems_in(content: Path, relative: str) -> tuple[list[Problem], list[Problem]]:
    """Errors anywhere in the content and warnings about one file, checked as of today
    (the skeletons are dated today)."""
    _, problems = check_content(content, today=date.today())
    warnings = [w for w in problems.warnings if w.file == f"content/{relative}"]
    return problems.errors, warnings


def uncomment_optional_fields(text: str) -> str:
    """Do what the header tells an editor: remove the `# ` in front of every line of each
    commented-out top-level field (`# key:` and the lines indented under it)."""
    out: list[str] = []
    in_field = False
    for line in text.splitlines():
        if re.match(r"# [a-z_]+:", line):
            in_field = True
        elif not line.startswith("#   "):
            in_field = False
        out.append(line[2:] if in_field else line)
    return "\n".join(out) + "\n"


# --- new technology -----------------------------------------------------------------------


def test_new_technology_writes_a_skeleton_that_passes_check(content: Path) -> None:
    result = new("technology", "duckdb")

    assert result.exit_code == 0, result.output
    path = content / "technologies/duckdb.yaml"
    assert result.output.splitlines() == [
        "Wrote content/technologies/duckdb.yaml",
        "Edit content/technologies/duckdb.yaml, then run `techcompare check`.",
    ]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/technology.schema.json\n")
    assert "`techcompare check`" in text.split("\n\n")[0]
    for name in Technology.model_fields:
        assert re.search(rf"^(# )?{name}:", text, re.MULTILINE), f"`{name}` is missing"
    assert f"reviewed_on: {date.today().isoformat()}" in text
    errors, warnings = problems_in(content, "technologies/duckdb.yaml")
    assert errors == []
    messages = {w.message for w in warnings}
    assert "no comparison uses this technology yet" in messages
    # Every placeholder the scaffold leaves is flagged, so a skeleton cannot ship unnoticed.
    assert "placeholder `TODO` left in; replace it" in messages
    assert messages <= {
        "no comparison uses this technology yet",
        "placeholder `TODO` left in; replace it",
        "placeholder `example.com` left in; replace it",
    }


def test_techcompare_check_accepts_the_new_technology(content: Path) -> None:
    assert new("technology", "duckdb").exit_code == 0

    checked = subprocess.run(
        [sys.executable, "-m", "techcompare", "check", "--content", str(content)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 error(s)" in checked.stderr


def test_every_optional_technology_field_is_a_valid_example(content: Path) -> None:
    assert new("technology", "duckdb").exit_code == 0
    path = content / "technologies/duckdb.yaml"
    path.write_text(uncomment_optional_fields(path.read_text(encoding="utf-8")), "utf-8")

    errors, _ = problems_in(content, "technologies/duckdb.yaml")

    assert errors == []
    source = path.read_text(encoding="utf-8")
    for name in Technology.model_fields:
        assert re.search(rf"^{name}:", source, re.MULTILINE), f"`{name}` is still commented out"


def test_optional_fields_are_commented_out_and_required_ones_are_not(content: Path) -> None:
    assert new("technology", "duckdb").exit_code == 0
    text = (content / "technologies/duckdb.yaml").read_text(encoding="utf-8")

    for name, info in Technology.model_fields.items():
        prefix = "" if info.is_required() else "# "
        assert re.search(rf"^{prefix}{name}:", text, re.MULTILINE), name


def test_comments_come_from_the_model_descriptions(monkeypatch: pytest.MonkeyPatch) -> None:
    kind = Technology.model_fields["kind"]
    monkeypatch.setattr(kind, "description", "Sentinel description of the kind field.")

    text = technology_scaffold(DATABASES, "duckdb").text

    assert "# Sentinel description of the kind field.\nkind: TODO\n" in text
    for name in ("homepage", "benchmarks", "reviewed_on"):
        description = Technology.model_fields[name].description
        assert description is not None
        assert f"# {description}\n" in text


def test_new_technology_uses_the_first_category_of_site_yaml(content: Path) -> None:
    assert new("technology", "duckdb").exit_code == 0
    text = (content / "technologies/duckdb.yaml").read_text(encoding="utf-8")

    assert "Known categories: databases, embedded." in text
    assert "\ncategories: [databases]" in text


def test_new_technology_with_another_content_folder(tmp_path: Path, content: Path) -> None:
    moved = content.rename(tmp_path / "elsewhere")

    result = new("technology", "duckdb", "--content", str(moved))

    assert result.exit_code == 0, result.output
    assert (moved / "technologies/duckdb.yaml").is_file()
    assert f"then run `techcompare check --content {moved}`" in result.output


# --- refusals -----------------------------------------------------------------------------


def test_an_existing_file_is_never_overwritten(content: Path) -> None:
    before = tree(content)

    result = new("technology", "sqlite")

    assert result.exit_code == 1
    assert "content/technologies/sqlite.yaml already exists" in result.output
    assert tree(content) == before


def test_an_existing_comparison_is_never_overwritten(content: Path) -> None:
    before = tree(content)

    result = new("comparison", "postgresql-vs-sqlite", "--with", "postgresql", "--with", "sqlite")

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert tree(content) == before


@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_bad_slugs_are_usage_errors(content: Path, slug: str) -> None:
    before = tree(content)

    # After `--` even `-a` reaches the slug check instead of click's option parser.
    result = new("technology", "--", slug)

    assert result.exit_code == 2, result.output
    assert "lower-case letters and digits, words joined by single hyphens" in result.output
    assert tree(content) == before


@pytest.mark.parametrize("slug", ["Foo", "../x", "ａbc"])
def test_bad_comparison_slugs_are_usage_errors(content: Path, slug: str) -> None:
    before = tree(content)

    result = new("comparison", slug, "--with", "postgresql", "--with", "sqlite")

    assert result.exit_code == 2, result.output
    assert "is not a valid slug" in result.output
    assert tree(content) == before


def test_a_missing_content_folder_is_reported(tmp_path: Path) -> None:
    result = new("technology", "duckdb", "--content", str(tmp_path / "nowhere"))

    assert result.exit_code == 1
    assert "content folder" in result.output
    assert not (tmp_path / "nowhere").exists()


# --- new comparison -----------------------------------------------------------------------


def test_new_comparison_passes_check_and_builds(content: Path, tmp_path: Path) -> None:
    assert new("technology", "duckdb").exit_code == 0

    result = new("comparison", "duckdb-vs-sqlite", "--with", "duckdb", "--with", "sqlite")

    assert result.exit_code == 0, result.output
    assert "Edit content/comparisons/duckdb-vs-sqlite.yaml, then run `techcompare check`." in (
        result.output
    )
    text = (content / "comparisons/duckdb-vs-sqlite.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/comparison.schema.json\n")
    for name in Comparison.model_fields:
        assert re.search(rf"^(# )?{name}:", text, re.MULTILINE), f"`{name}` is missing"
    today = date.today().isoformat()
    assert f"\npublished: {today}\nupdated: {today}" not in text  # each has its comment
    assert f"published: {today}" in text
    assert f"updated: {today}" in text
    assert "\ntitle: Duckdb vs SQLite\n" in text
    assert "\ncategory: databases" in text
    assert "\ntechnologies: [duckdb, sqlite]\n" in text
    assert "\nquick_comparison:\n  duckdb:\n" in text
    assert "\n  sqlite:\n" in text

    errors, warnings = problems_in(content, "comparisons/duckdb-vs-sqlite.yaml")
    assert errors == []
    assert warnings
    assert all(
        "is empty; the page will skip that section" in w.message or "placeholder" in w.message
        for w in warnings
    )

    report = build(content, tmp_path / "site", today=date.today())
    assert (report.out / "compare/duckdb-vs-sqlite/index.html").is_file()


def test_every_optional_comparison_field_is_a_valid_example(content: Path) -> None:
    result = new("comparison", "sqlite-or-postgresql", "--with", "sqlite", "--with", "postgresql")
    assert result.exit_code == 0, result.output
    path = content / "comparisons/sqlite-or-postgresql.yaml"
    path.write_text(uncomment_optional_fields(path.read_text(encoding="utf-8")), "utf-8")

    errors, warnings = problems_in(content, "comparisons/sqlite-or-postgresql.yaml")

    assert errors == []
    assert all(w.message.startswith("placeholder `") for w in warnings)
    source = path.read_text(encoding="utf-8")
    assert "\ndecision_guide:\n  sqlite:\n" in source
    assert "\n    postgresql: |\n" in source  # side_by_side.approaches


def test_decision_guide_examples_do_not_start_with_choose(content: Path) -> None:
    assert new("comparison", "c", "--with", "postgresql", "--with", "sqlite").exit_code == 0
    text = (content / "comparisons/c.yaml").read_text(encoding="utf-8")

    whens = re.findall(r"- when: (.*)", text)

    assert len(whens) == 2
    assert not any(re.match(r"(if|choose|pick|select|use|opt)\b", w, re.I) for w in whens)


def test_an_unknown_technology_is_refused_with_the_known_ones(content: Path) -> None:
    before = tree(content)

    result = new("comparison", "c", "--with", "postgresql", "--with", "mysql")

    assert result.exit_code == 2
    assert "unknown technology `mysql` (known: postgresql, sqlite)" in result.output
    assert tree(content) == before


@pytest.mark.parametrize(
    ("technologies", "message"),
    [
        ([], "at least 2 technologies"),
        (["sqlite"], "at least 2 technologies"),
        (["sqlite", "sqlite"], "technology `sqlite` is given twice"),
        (["a", "b", "c", "d", "e", "f", "g"], "at most 6 technologies (7 given)"),
        (["sqlite", "../sqlite"], "`../sqlite` is not a valid slug"),
    ],
)
def test_the_technologies_must_be_two_to_six_distinct_slugs(
    content: Path, technologies: list[str], message: str
) -> None:
    before = tree(content)
    options = [arg for tech in technologies for arg in ("--with", tech)]

    result = new("comparison", "c", *options)

    assert result.exit_code == 2
    assert message in result.output
    assert tree(content) == before
