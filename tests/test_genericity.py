"""techcompare knows nothing about the bundled technologies: any content builds the same way."""

from __future__ import annotations

import re
from pathlib import Path

from testkit import COMPARISON_SECTIONS, REPO, read_page

BUNDLED_NAMES = re.compile(r"graphql|grpc|websocket", re.IGNORECASE)


def mentions(folder: Path) -> list[str]:
    """Lines of the files under `folder` that name a bundled technology, as file:line: text."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) >= 3, f"nothing to search in {folder}"
    hits = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if BUNDLED_NAMES.search(line):
                hits.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    return hits


def test_templates_never_name_the_bundled_technologies() -> None:
    assert mentions(REPO / "templates") == []


def test_code_never_names_the_bundled_technologies() -> None:
    assert mentions(REPO / "src") == []


def test_other_technologies_build_every_section(databases_site: Path) -> None:
    page = read_page(databases_site, "compare/postgresql-vs-sqlite/index.html")
    for section in COMPARISON_SECTIONS:
        assert page.by_id(section).tag == "section", section
    assert page.find("h1").text() == "PostgreSQL vs SQLite"
    assert not BUNDLED_NAMES.search(page.text())
