"""Check content without building: load every file, resolve references, review quality.

`techcompare check` needs only this, so it stays clear of templates, Markdown and charts
and starts quickly.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .loading import LoadCache, load_content
from .problems import ContentError, Problem, Problems
from .quality import check_quality
from .resolve import Site, resolve_site


def check_content(
    content_dir: Path,
    today: date | None = None,
    cache: LoadCache | None = None,
    jobs: int | None = None,
) -> tuple[Site | None, Problems]:
    """Load, resolve and review the content: the site (None on errors) and every problem.
    A large site is read by `jobs` processes (None: one per core)."""
    content = load_content(content_dir, cache, jobs)
    site = resolve_site(content, today=today)
    if site is not None:
        check_quality(content, site, today=today)
    return site, content.problems


def load_site(
    content_dir: Path,
    today: date | None = None,
    cache: LoadCache | None = None,
    jobs: int | None = None,
) -> tuple[Site, list[Problem]]:
    """Load and resolve the content; raise ContentError listing every error found."""
    site, problems = check_content(content_dir, today, cache, jobs)
    if site is None or problems.errors:
        raise ContentError(problems.errors, problems.warnings)
    return site, problems.warnings
