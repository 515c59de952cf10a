"""The command line: parse arguments, call the build, print problems. Nothing else.

Each command imports what it needs when it runs, so `--help` and `check` start quickly
without loading templates, Markdown, charts or the dev server.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .problems import Problem
from .report import Format, format_problems, summary_line

# The kinds of content file (schema.KINDS, which imports the models; a test keeps them equal).
KINDS = ("site", "metrics", "technology", "comparison")

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
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for reading, rendering and search indexing (default: one per core).",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Keep what the build made in .OUT.cache beside OUT, and re-render only the pages "
    "that depend on the content files changed since (the site is the same as without).",
)
def build(
    content: Path,
    out: Path,
    base_url: str | None,
    templates: Path | None,
    strict: bool,
    jobs: int | None,
    cache: bool,
) -> None:
    """Build the site from CONTENT into OUT."""
    from jinja2 import TemplateError, TemplateSyntaxError

    from .build import BuildOptions, build_site
    from .build_cache import build_with_cache
    from .output import OutputError
    from .problems import ContentError

    options = BuildOptions(
        content=content, out=out, base_url=base_url, templates=templates, strict=strict, jobs=jobs
    )
    try:
        report = build_with_cache(options) if cache else build_site(options)
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
    details = []
    if report.incremental:  # from the cache
        details.append(f"{report.rendered} rendered again, {len(report.written)} files rewritten")
    if report.search_seconds:
        details.append(f"search index: {report.search_seconds:.2f} s")
    shown = f" ({'; '.join(details)})" if details else ""
    click.echo(f"Built {report.pages} pages in {report.seconds:.2f} s{shown}.")
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
    from .checking import check_content

    _, problems = check_content(content)
    errors, warnings = problems.errors, problems.warnings
    output = format_problems(errors, warnings, fmt)
    if output:
        click.echo(output)
    if fmt == "text":
        click.echo(summary_line(errors, warnings), err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("kind", required=False, type=click.Choice(KINDS), metavar="[KIND]")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Write DIR/<kind>.schema.json files instead of printing.",
)
def schema(kind: str | None, out: Path | None) -> None:
    """Print the JSON Schema of the content files, or of one KIND.

    KIND is one of: site, metrics, technology, comparison. Without KIND the output is
    one JSON document mapping each kind to its schema. Editors use the committed copies
    in schemas/ (regenerate them with `techcompare schema --out schemas`).
    """
    from .schema import content_schema, content_schemas, schema_json, write_schemas

    if out is not None:
        for path in write_schemas(out, (kind,) if kind else KINDS):
            click.echo(f"Wrote {path}")
    elif kind is not None:
        click.echo(schema_json(content_schema(kind)), nl=False)
    else:
        click.echo(schema_json(content_schemas()), nl=False)


NEW_HELP = """
Exit codes: 0 the file was written; 1 it exists already or the content folder cannot be
read (nothing was written); 2 usage errors (bad slug, unknown or too few technologies).
"""


@main.group(epilog=NEW_HELP)
def new() -> None:
    """Start a content file: a commented skeleton that already passes `techcompare check`.

    Every field of the file appears with a comment saying what it holds: required fields
    with placeholders to replace (marked TODO), optional ones commented out.
    """


@new.command("technology", epilog=NEW_HELP)
@CONTENT_OPTION
@click.argument("slug")
def new_technology(content: Path, slug: str) -> None:
    """Write CONTENT/technologies/SLUG.yaml.

    SLUG names the file and the page: lower-case words joined by hyphens, such as `duckdb`.
    """
    _write_new(content, slug, technologies=None)


@new.command("comparison", epilog=NEW_HELP)
@CONTENT_OPTION
@click.argument("slug")
@click.option(
    "--with",
    "technologies",
    multiple=True,
    metavar="TECHNOLOGY",
    help="A technology to compare, by slug; give it 2 to 6 times, in display order.",
)
def new_comparison(content: Path, slug: str, technologies: tuple[str, ...]) -> None:
    """Write CONTENT/comparisons/SLUG.yaml comparing the --with technologies.

    Each technology must have its file in CONTENT/technologies/ already.
    """
    _write_new(content, slug, technologies=technologies)


def _write_new(content: Path, slug: str, technologies: tuple[str, ...] | None) -> None:
    """Write a technology skeleton (`technologies` None) or a comparison one, then say what
    to do next. Bad arguments exit 2, like click's own usage errors; other problems exit 1."""
    from .scaffold import (
        ArgumentError,
        ScaffoldError,
        comparison_scaffold,
        technology_scaffold,
        write_scaffold,
    )

    try:
        if technologies is None:
            scaffold = technology_scaffold(content, slug)
        else:
            scaffold = comparison_scaffold(content, slug, technologies)
        write_scaffold(scaffold)
    except ArgumentError as exc:
        raise click.UsageError(str(exc), click.get_current_context()) from None
    except ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    check = "techcompare check"
    if content != Path("content"):
        check += f" --content {content}"
    click.echo(f"Wrote {scaffold.path}")
    click.echo(f"Edit {scaffold.path}, then run `{check}`.")


SERVE_HELP = """
Exit codes: 0 stopped with Ctrl-C; 2 usage errors (missing content or templates folder,
port in use, unusable --out).
"""


@main.command(epilog=SERVE_HELP)
@CONTENT_OPTION
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Build into DIR (default: a temporary folder, removed when serve stops).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Folder of templates that override the default ones (watched too).",
)
@click.option("--verbose", "-v", is_flag=True, help="Log every request.")
def serve(
    content: Path, out: Path | None, host: str, port: int, templates: Path | None, verbose: bool
) -> None:
    """Build the site, serve it and rebuild it as you edit.

    Watches CONTENT, the templates and the static files; a change rebuilds only the pages it
    affects and reloads open browser tabs. Content errors show in the terminal and as an
    overlay in the browser while the last good pages stay served.
    """
    from .serve import ServeError, ServeOptions
    from .serve import serve as run_server

    options = ServeOptions(content=content, out=out, templates=templates, log_requests=verbose)
    try:
        run_server(options, host, port)
    except ServeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
