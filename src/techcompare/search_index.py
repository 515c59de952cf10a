"""Post-process: a Pagefind full-text index of the built pages, written beside them.

Input: a folder of rendered HTML. Output: `pagefind/` in that folder, the index and the
browser code that searches it (`pagefind.js`), so search works from any static host with no
server code. Pages mark what is indexed (`data-pagefind-body` on the main content of the pages
worth finding, `data-pagefind-meta="type:…"` for the label of their results); the selectors
below leave out parts of those pages that are not prose.

Identical pages give a byte-identical index. Pagefind filters (`data-pagefind-filter`) would
break that: Pagefind 1.5 writes filter values in hash-map order, different on every run, so
the page type is metadata, not a filter.

The Pagefind binary ships in the `pagefind-bin` wheel (`pip install 'pagefind[bin]'`); the
`pagefind` package finds it. We run it as a process rather than through the package's async
API: the API waits 0.1 s per message it exchanges with the same binary (its reader sleeps
before each answer: about 0.4 s a build instead of 0.06 s), and it hangs for ever when the
binary dies half-way. Feeding the binary's service mode pages or plain-text records directly
was measured too and is no faster per page of HTML; plain-text records skip reading HTML but
lose the headings that search results link to. Forcing the language (`--force-language`)
or rooting Pagefind at `main` (`--root-selector`) gives the same index at the same cost.

What Pagefind costs grows with the words it indexes: CPU time (about half of it goes to
reading the HTML, excluded parts included) and memory (about 285 bytes per indexed word,
some 530 KB a page of the benchmark site, all held until the index is written).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .output import OutputError

SEARCH_DIR = "pagefind"

# Parts of an indexed page that are not its prose: the section list repeats every heading,
# chart containers hold nothing to read, and source citations and the list of sources are
# dates and addresses that would match every search for "github" or "2025". (Pagefind skips
# <script> itself, so chart JSON embedded in a page is never indexed.)
#
# On comparison pages (the only `article.content`), the parts that repeat each technology's
# own page are left out too: overview, pros and cons, use cases, code, figures, each
# technology's performance summary, and the community and pricing tables. The technology's
# page answers those searches and a comparison is found by what it adds (its introduction,
# benchmark context, community insights, cost summary, analysis, decisions, FAQ). Indexing
# costs Pagefind time and memory in proportion to the words it keeps: on the 1,000-comparison
# benchmark site, 2.3 million words are indexed of the 6.9 million in the pages.
EXCLUDE_SELECTORS = (
    ".toc",
    ".chart",
    ".figure-source",
    "#sources",
    "article.content > #overview",
    "article.content > #pros-cons",
    "article.content > #use-cases",
    "article.content > #code",
    "article.content .metric",
    "article.content > #performance > .tech-grid",
    "article.content .side-table",
)

# Pagefind spends about 9 ms of CPU on a page of the 1,000-comparison benchmark site (11.5 s
# for its 1,257 pages, on one core: Pagefind reads pages one after the other), and grows
# linearly: a large site takes a while, but a stuck binary must not stall a build for ever.
TIMEOUT_SECONDS = 600

# An in-place rebuild re-indexes the whole site only when its pages hold less HTML than this
# (about half a second of Pagefind); a larger site keeps the index of its last full build
# until the next one, so that rebuilds stay quick.
REFRESH_LIMIT_BYTES = 2_500_000


class SearchIndexError(OutputError):
    """Pagefind could not be found or could not index the site."""


def write_search_index(site_dir: Path) -> None:
    """Index the HTML pages under `site_dir` into `site_dir/pagefind/`.

    Meant for a fresh build folder, before it is swapped into place: a failure raises
    `SearchIndexError` and the build as a whole fails, so no site goes live with half an index.
    """
    _run_pagefind(site_dir, site_dir / SEARCH_DIR)


def refresh_search_index(
    site_dir: Path,
    enabled: bool,
    limit_bytes: int = REFRESH_LIMIT_BYTES,
    pages: Iterable[str] | None = None,
) -> bool:
    """Bring `site_dir/pagefind/` up to date after pages were rewritten in place; return
    whether the index changed.

    Pagefind cannot update part of an index, so this re-indexes every page, unless the pages
    hold more than `limit_bytes` of HTML: then the index of the last full build stays until
    the next one. The new index is written beside the old one and replaces it only when
    complete, so a server reading the folder never sees a mix of two indexes. With `enabled`
    false the index is removed. `pages`, the HTML files by path in `site_dir` when the caller
    knows them, spares walking the folder (the index alone holds thousands of files).
    """
    target = site_dir / SEARCH_DIR
    if not enabled:
        shutil.rmtree(target, ignore_errors=True)
        return True
    if target.exists() and _html_bytes(site_dir, pages) > limit_bytes:
        return False
    fresh = site_dir / f".{SEARCH_DIR}.new"
    retired = site_dir / f".{SEARCH_DIR}.old"
    for leftover in (fresh, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        _run_pagefind(site_dir, fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if target.exists():
        target.rename(retired)
    fresh.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return True


def _html_bytes(site_dir: Path, pages: Iterable[str] | None = None) -> int:
    if pages is None:
        return sum(page.stat().st_size for page in site_dir.rglob("*.html"))
    return sum(os.stat(os.path.join(site_dir, page)).st_size for page in pages)


def pagefind_command(site_dir: Path, output: Path) -> list[str]:
    """The command line that indexes `site_dir` into `output` (both absolute)."""
    command = [
        str(_pagefind_binary()),
        "--site",
        str(site_dir),
        "--output-path",
        str(output),
        "--silent",
    ]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def _run_pagefind(site_dir: Path, output: Path) -> None:
    site_dir = site_dir.absolute()
    command = pagefind_command(site_dir, output.absolute())
    # Pagefind reads PAGEFIND_* variables and a pagefind.yml in its working directory; the
    # build folder has neither, so the same pages always give the same index.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        result = subprocess.run(
            command,
            cwd=site_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SearchIndexError(
            f"the search index took longer than {TIMEOUT_SECONDS} s; Pagefind was stopped"
        ) from None
    except OSError as exc:
        raise SearchIndexError(f"cannot run Pagefind ({command[0]}): {exc.strerror}") from None
    if result.returncode != 0:
        said = (result.stderr + result.stdout).strip().splitlines()[-5:]
        detail = "\n".join(said) or "no message"
        raise SearchIndexError(
            f"Pagefind failed to index the site (exit code {result.returncode}):\n{detail}"
        )
    if not (output / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind wrote no pagefind.js into {output}")


def _pagefind_binary() -> Path:
    """The Pagefind binary: `PAGEFIND_BINARY_PATH`, else the one in the pagefind-bin wheel."""
    hint = (
        "the search index needs Pagefind: `pip install 'pagefind[bin]'`, "
        "or set `features: {search: false}` in site.yaml"
    )
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchIndexError(hint) from None
    binary = get_executable()
    if binary is None:
        raise SearchIndexError(hint)
    return binary
