"""The command line: parse arguments, call the build, print problems. Nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from jinja2 import TemplateError, TemplateSyntaxError

from . import __version__
from .build import BuildOptions, build_site, check_content
from .output import OutputError
from .problems import ContentError, Problem
from .report import Format, format_problems, summary_line

EXIT_HELP = """
Exit codes: 0 success; 1 content errors, or warnings under --strict (nothing was written);
2 usage errors.
"""

CONTENT_OPTION = click.option(
    "--content",
    "content",
    type=click.Path(path_type=Path),
    default=Path("content"),
    show_default=True,
    help="Folder with site.yaml, metrics.yaml, technologies/ and comparisons/.",
)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(epilog=EXIT_HELP)
@click.version_option(__version__, prog_name="techcompare")
def main() -> None:
    """techcompare: build technology comparison sites from YAML."""


@main.command(epilog=EXIT_HELP)
@CONTENT_OPTION
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Output folder; replaced only when the build succeeds.",
)
@click.option(
    "--base-url",
    default=None,
    help="Public address of the site, such as https://example.org/sub/ "
    "(default: base_url from site.yaml).",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder of templates that override the default ones.",
)
@click.option("--strict", is_flag=True, help="Fail on content-quality warnings too.")
def build(
    content: Path, out: Path, base_url: str | None, templates: Path | None, strict: bool
) -> None:
    """Build the site from CONTENT into OUT."""
    options = BuildOptions(
        content=content, out=out, base_url=base_url, templates=templates, strict=strict
    )
    try:
        report = build_site(options)
    except ContentError as exc:
        _print_problems(exc.problems + exc.warnings)
        click.echo(
            f"Build failed: {len(exc.problems)} error(s); {out}/ was left unchanged.", err=True
        )
        sys.exit(1)
    except TemplateSyntaxError as exc:
        click.echo(f"{exc.filename}:{exc.lineno}: template error: {exc.message}", err=True)
        sys.exit(1)
    except TemplateError as exc:
        click.echo(f"template error: {exc.message}; {out}/ was left unchanged.", err=True)
        sys.exit(1)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    _print_problems(report.warnings)
    click.echo(f"Built {report.pages} pages in {report.seconds:.2f} s.")
    click.echo(f"Site written to {report.out}/ (open {report.out / 'index.html'})")


CHECK_HELP = """
Exit codes: 0 no errors (and no warnings under --strict); 1 content errors, or warnings
under --strict; 2 usage errors (unknown option, bad --format).
"""


@main.command(epilog=CHECK_HELP)
@CONTENT_OPTION
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations.",
)
def check(content: Path, strict: bool, fmt: Format) -> None:
    """Validate the content without building: every error and warning in one run.

    Each problem reads `file:line:column: field.path: what is wrong (what was expected)`,
    errors first, then warnings about content quality (figures without a source or date,
    reviews older than a year, empty sections, unused technologies, missing figures).
    """
    _, problems = check_content(content)
    errors, warnings = problems.errors, problems.warnings
    output = format_problems(errors, warnings, fmt)
    if output:
        click.echo(output)
    if fmt == "text":
        click.echo(summary_line(errors, warnings), err=True)
    if errors or (strict and warnings):
        sys.exit(1)
