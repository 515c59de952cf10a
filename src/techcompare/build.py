"""`techcompare build`, top to bottom: load, resolve, derive pages, render, write, swap.

`build_site` is what the CLI calls and what tests call. It raises `ContentError` with every
problem when the content is wrong, and leaves the previous output untouched when anything
fails.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .assets import write_assets
from .loading import load_content
from .output import staged_output
from .pages import build_pages
from .problems import ContentError, Problem, Problems
from .quality import check_quality
from .render import Renderer
from .resolve import Site, resolve_site
from .theme import default_static_dir, default_templates_dir


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    base_url: str | None = None
    templates: Path | None = None
    today: date | None = None
    minify: bool = True
    strict: bool = False


@dataclass
class BuildReport:
    out: Path
    pages: int = 0
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)


def check_content(content_dir: Path, today: date | None = None) -> tuple[Site | None, Problems]:
    """Load, resolve and review the content: the site (None on errors) and every problem."""
    content = load_content(content_dir)
    site = resolve_site(content, today=today)
    if site is not None:
        check_quality(content, site, today=today)
    return site, content.problems


def load_site(content_dir: Path, today: date | None = None) -> tuple[Site, list[Problem]]:
    """Load and resolve the content; raise ContentError listing every error found."""
    site, problems = check_content(content_dir, today)
    if site is None or problems.errors:
        raise ContentError(problems.errors, problems.warnings)
    return site, problems.warnings


def build_site(options: BuildOptions) -> BuildReport:
    """Build the whole site from `options.content` into `options.out`."""
    started = time.perf_counter()
    site, warnings = load_site(options.content, options.today)
    if options.strict and warnings:
        raise ContentError(warnings)
    base_url = options.base_url or site.settings.base_url
    if not base_url.endswith("/"):
        base_url += "/"
    pages = build_pages(site)
    template_dirs = [d for d in (options.templates, default_templates_dir()) if d is not None]
    with staged_output(options.out) as staging:
        assets = write_assets(
            default_static_dir(), staging, with_plotly=any(page.has_charts for page in pages)
        )
        renderer = Renderer(site, template_dirs, assets, base_url, minify=options.minify)
        for page in pages:
            target = staging / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(renderer.render(page), encoding="utf-8")
    return BuildReport(options.out, len(pages), time.perf_counter() - started, warnings)
