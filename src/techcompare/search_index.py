"""Post-process: a Pagefind full-text index of the built pages, written beside them.

Input: a folder of rendered HTML. Output: `pagefind/` in that folder, the index and the
browser code that searches it (`pagefind.js`), so search works from any static host with no
server code. Pages mark what is indexed (`data-pagefind-body` on the main content of the pages
worth finding, `data-pagefind-meta="type:…"` for the label of their results) and what is not
(`data-pagefind-ignore` on the parts that list other pages, such as a category's cards or a
technology's comparisons, and on text that every page repeats: a page is found by its own
words, and a comparison's summary only on its own page); the selectors below leave out parts
of those pages that are not prose.

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
some 530 KB a page of the benchmark site, all held until the index is written). Pagefind
reads excluded parts before it drops them, so the pages it reads are copies with those parts
cut out beforehand (`search_copy`): a comparison page's copy is a third of the page, and the
index is the same.

So a large site is indexed in shards: its indexed pages are dealt out to about
`SHARD_PAGES` pages a shard, and Pagefind indexes each shard into a bundle of its own, as many
at a time as there are jobs. Memory is then bounded by the shards running at once rather than
by the site, and the shards use every core. The first shard's bundle is `pagefind/` itself,
with Pagefind's browser code; the others are `pagefind/shard-<n>/`, index files only, and
`pagefind/shards.json` lists them (an empty list for a site of one bundle). The search page
merges them into one search with Pagefind's `mergeIndex`, which finds the same pages as a
single index would and ranks them together by score.

A page's shard is given by a hash of its path (`shard_of`), not by its place among the
others: adding or removing a page changes only its own shard (unless the number of shards
changes with it), so a cached build after a comparison is added indexes again the few shards
whose pages changed instead of all of them. A score weighs a word by how rare it is in its
own bundle, and a hash deals pages out at random, not in runs of neighbouring paths: every
shard holds the same mix of pages, and its word statistics come close to the whole site's.
Close, not equal: pages of nearly the same score (on the benchmark site, a technology's page
and its comparisons for the technology's name, within 3 %) can come in another order than
with a single index. Shards differ in size by a few percent at scale (by chance, as with any
hash), more on a small site.

A bundle depends only on its own shard's pages, so a rebuild indexes again only the shards
whose pages' search copies changed and keeps the other bundles as they are (`IndexRecord`
holds what each was made from). Editing a technology's overview changes one shard: the
comparisons that show it leave the overview out of their copies.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from .output import OutputError, link_tree
from .parallel import fork_map

SEARCH_DIR = "pagefind"
# Beside the first bundle: the other bundles the search page merges, as paths relative to it.
SHARDS_FILE = "shards.json"

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

# The elements `search_copy` cuts out, by tag and the value of their first attribute as each
# starts in a page (`CompactTemplates` writes plain attribute values unquoted), each one
# excluded by a selector above; True for those cut from comparison pages only. An element not
# found is simply left in: the selectors still exclude it. Sections and paragraphs whose first
# attribute is `data-pagefind-ignore` (the templates mark so what lists or links to other
# pages, such as a technology's comparisons, and text every page repeats) are cut too.
_CUTS = {
    (b"nav", b"toc"): False,
    (b"section", b"sources"): False,
    (b"section", b"overview"): True,
    (b"section", b"pros-cons"): True,
    (b"section", b"use-cases"): True,
    (b"section", b"code"): True,
    (b"figure", b"metric"): True,
    (b"table", b"side-table"): True,
}
_PERFORMANCE = (b"section", b"performance")
# Every opening that may be one of those, found in one pass over the page: working on the
# page's bytes, not its text, spares decoding and encoding it, and makes the search faster.
_OPENING = re.compile(
    rb"<(?:(nav|section|figure|table) (?:class|id)=([\w-]+)|(section|p) data-pagefind-ignore)[ >]"
)
_COMPARISON = b"<article class=content>"
_TECH_GRID = b"<div class=tech-grid>"
_TAGS = {
    tag: re.compile(rb"<(/?)" + tag + rb"[\s>]")
    for tag in (b"nav", b"section", b"figure", b"table", b"div", b"p")
}


def search_copy(html: bytes) -> bytes:
    """`html` (a page, UTF-8) without the contents of the parts of it that
    `EXCLUDE_SELECTORS` leave out of the index (those that are large: the section list, the
    list of sources and, on comparison pages, the technologies' own sections, figures and
    tables) and of those the templates mark `data-pagefind-ignore`, for Pagefind to read
    instead of the page. The excluded elements themselves stay, empty: Pagefind records
    their ids as anchors. Text is escaped in our pages, so a `<tag` is always a tag (and no
    byte of a UTF-8 character other than ASCII is a `<`)."""
    cuts: list[tuple[int, int]] = []
    comparison = _COMPARISON in html
    grid_checked = False
    for match in _OPENING.finditer(html):
        if match[3]:  # marked data-pagefind-ignore
            cuts.append(_contents(html, match.start(), match[3]))
            continue
        element: tuple[bytes, bytes] = (match[1], match[2])
        if (only_comparisons := _CUTS.get(element)) is not None:
            if comparison or not only_comparisons:
                cuts.append(_contents(html, match.start(), match[1]))
        elif element == _PERFORMANCE and comparison and not grid_checked:
            grid_checked = True
            _, end = _contents(html, match.start(), b"section")
            if (grid := html.find(_TECH_GRID, match.start(), max(end, 0))) >= 0:
                cuts.append(_contents(html, grid, b"div"))
    kept, position = [], 0
    for start, end in sorted(cuts):
        if end < 0 or start < position:  # unbalanced, or inside a part already cut
            continue
        kept.append(html[position:start])
        position = end
    kept.append(html[position:])
    return b"".join(kept)


def _contents(html: bytes, start: int, tag: bytes) -> tuple[int, int]:
    """Where the contents of the `tag` element opening at `start` begin and end: after its
    start tag, before its end tag; (-1, -1) when it does not end."""
    depth = 0
    for match in _TAGS[tag].finditer(html, start):
        depth += -1 if match[1] else 1
        if depth == 0:
            return html.index(b">", start) + 1, match.start()
    return -1, -1


# Pagefind spends about 9 ms of CPU on a page of the 1,000-comparison benchmark site (11.5 s
# for its 1,257 pages), and grows linearly: a large site takes a while, but a stuck binary must
# not stall a build for ever. The limit holds for each shard.
TIMEOUT_SECONDS = 600

# Pages per shard, on average. Pagefind holds about 0.55 MB a page of the benchmark site until it
# writes the index (226 MB for 417 pages), so two shards at a time, one per core of a 2-core
# machine, stay under 500 MB however large the site (memory grows with the jobs, not the
# site). Smaller shards save little more: each is a Pagefind run and a bundle that the search
# page fetches and searches. A site with no more indexed pages than this keeps one index.
SHARD_PAGES = 400

# Files of a Pagefind bundle that search needs from a merged bundle; the rest (pagefind.js,
# the WebAssembly, the UI) comes from the first bundle only.
_MERGED_BUNDLE_PARTS = ("pagefind-entry.json", "index", "fragment", "filter")
_MERGED_BUNDLE_META = ".pf_meta"

# Below this many pages, copying them in worker processes costs more than it saves.
PARALLEL_MIN_COPIES = 200

# Working folders in the site while shards are indexed (hard links to the shard's pages, and
# the bundles), removed before indexing ends.
_SHARDS_WORK = ".pagefind-shards"

# An in-place rebuild indexes again the shards whose pages changed only when their pages hold
# less HTML than this (about half a second of Pagefind); otherwise the index stays as it was
# until a later refresh or a full build, so that rebuilds stay quick.
REFRESH_LIMIT_BYTES = 2_500_000


class SearchIndexError(OutputError):
    """Pagefind could not be found or could not index the site."""


@dataclass
class IndexRecord:
    """What the bundles of an index were made from, so that a refresh indexes again only the
    shards whose pages changed: each shard's pages, in order; the digest of the search copy of
    each page the bundles hold; and, for each HTML page, whether it marks its body. `stale`
    names the pages changed since, by a refresh that kept the index as it was."""

    shards: tuple[tuple[str, ...], ...]
    digests: dict[str, bytes]
    markers: dict[str, bool]
    stale: frozenset[str] = frozenset()


class Refresh(NamedTuple):
    """What `refresh_search_index` did: whether it wrote the index again (or removed it), and
    the record of the index now in the folder (None when there is none)."""

    changed: bool
    record: IndexRecord | None


def write_search_index(
    site_dir: Path, jobs: int | None = None, shard_pages: int | None = None
) -> IndexRecord:
    """Index the HTML pages under `site_dir` into `site_dir/pagefind/`, in shards of about
    `shard_pages` pages (default `SHARD_PAGES`), `jobs` of them at a time (default: one per
    core); return the record of what the index was made from.

    Meant for a fresh build folder, before it is swapped into place: a failure raises
    `SearchIndexError` and the build as a whole fails, so no site goes live with half an index.
    """
    plan = _plan_index(site_dir, _html_pages(site_dir), shard_pages, None, None)
    record = _index_site(site_dir, site_dir / SEARCH_DIR, plan, jobs, math.inf)
    assert record is not None  # no limit
    return record


def refresh_search_index(
    site_dir: Path,
    enabled: bool,
    limit_bytes: float = REFRESH_LIMIT_BYTES,
    pages: Iterable[str] | None = None,
    jobs: int | None = None,
    shard_pages: int | None = None,
    record: IndexRecord | None = None,
    changed: Iterable[str] | None = None,
) -> Refresh:
    """Bring `site_dir/pagefind/` up to date after pages were rewritten in place.

    Pagefind cannot update part of an index, but an index is made of shards: with the
    `record` of the index in the folder and the pages `changed` since it was made (by path in
    `site_dir`), only the shards whose pages' search copies changed are indexed again, and
    the others are kept as they are (hard links), which gives the index a clean build gives.
    Without them every shard is indexed again. When the pages of the shards to index hold
    more than `limit_bytes` of HTML, the index stays as it is until a later refresh or a full
    build. The new index is written beside the old one and replaces it only when complete,
    so a server reading the folder never sees a mix of two indexes. With `enabled` false the
    index is removed. `pages`, the HTML files by path in `site_dir` when the caller knows
    them, spares walking the folder (the index alone holds thousands of files). `jobs` and
    `shard_pages` are those of `write_search_index`.
    """
    target = site_dir / SEARCH_DIR
    if not enabled:
        shutil.rmtree(target, ignore_errors=True)
        return Refresh(True, None)
    if not target.is_dir():
        record = None
    pages = _html_pages(site_dir) if pages is None else [p for p in pages if p.endswith(".html")]
    unknown = None if record is None or changed is None else record.stale | set(changed)
    plan = _plan_index(site_dir, pages, shard_pages, record, unknown)
    fresh = site_dir / f".{SEARCH_DIR}.new"
    retired = site_dir / f".{SEARCH_DIR}.old"
    for leftover in (fresh, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    limit = limit_bytes if target.exists() else math.inf
    try:
        made = _index_site(site_dir, fresh, plan, jobs, limit)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if made is None:
        if record is None:
            return Refresh(False, None)
        return Refresh(False, replace(record, stale=record.stale | (unknown or set(pages))))
    if target.exists():
        target.rename(retired)
    fresh.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return Refresh(True, made)


@dataclass
class _IndexPlan:
    """The shards an index is to have, and what is known of their pages beforehand."""

    shards: tuple[tuple[str, ...], ...]
    markers: dict[str, bool]
    known: dict[str, bytes]  # the digests of the pages that did not change since `previous`
    previous: IndexRecord | None


def _plan_index(
    site_dir: Path,
    pages: Sequence[str],
    shard_pages: int | None,
    previous: IndexRecord | None,
    unknown: set[str] | frozenset[str] | None,
) -> _IndexPlan:
    """Deal the indexed pages of `site_dir` out to shards; what `previous` records of pages
    not in `unknown` is trusted (nothing when `unknown` is None)."""
    if shard_pages is None:
        shard_pages = SHARD_PAGES  # read here, so that tests can set it for a whole build
    if shard_pages < 1:
        raise ValueError(f"shard_pages must be at least 1, not {shard_pages}")
    markers: dict[str, bool] = {}
    known: dict[str, bytes] = {}
    if previous is not None and unknown is not None:
        markers = {p: m for p, m in previous.markers.items() if p not in unknown}
        known = {p: d for p, d in previous.digests.items() if p not in unknown}
    else:
        previous = None
    markers = {
        page: markers[page] if page in markers else _has_body_marker(os.path.join(site_dir, page))
        for page in pages
    }
    # Pagefind's own rule: every page when none marks its body (a shard must not change it).
    indexed = sorted([page for page in pages if markers[page]] or pages)
    count = max(1, math.ceil(len(indexed) / shard_pages))
    dealt: list[list[str]] = [[] for _ in range(count)]
    for page in indexed:
        dealt[shard_of(page, count)].append(page)
    # A small site's hash may leave a shard empty: it is left out, not indexed empty.
    shards = tuple(tuple(shard) for shard in dealt if shard) or ((),)
    return _IndexPlan(shards, markers, known, previous)


def shard_of(page: str, count: int) -> int:
    """Which of `count` shards the page at path `page` (in the site) goes to: the same for
    the same path and count, whatever other pages the site has (see the module docstring)."""
    digest = hashlib.blake2b(page.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def _index_site(
    site_dir: Path, output: Path, plan: _IndexPlan, jobs: int | None, limit_bytes: float
) -> IndexRecord | None:
    """Index `site_dir` into the bundle folder `output` (which must not exist yet) as `plan`
    says, keeping the bundles of the previous index whose pages are unchanged; None (and
    nothing written) when the shards to index hold more than `limit_bytes` of HTML."""
    site_dir = site_dir.absolute()
    output = output.absolute()
    work = site_dir / _SHARDS_WORK
    shutil.rmtree(work, ignore_errors=True)  # left by an indexer that was killed
    jobs = jobs or os.cpu_count() or 1
    where = {page: number for number, shard in enumerate(plan.shards) for page in shard}
    # With no previous index every shard is indexed: weigh them before making the copies.
    every = plan.previous is None and limit_bytes < math.inf
    if every and _html_bytes(site_dir, where) > limit_bytes:
        return None
    try:
        # The search copies of the pages not known: their digests tell which shards changed.
        digests = dict(plan.known)
        unknown = [page for page in where if page not in digests]
        digests.update(_write_search_copies(site_dir, work, unknown, where, jobs))
        kept = _kept_shards(plan, digests)
        again = [number for number in range(len(plan.shards)) if number not in kept]
        weight = _html_bytes(site_dir, [page for n in again for page in plan.shards[n]])
        if weight > limit_bytes:
            return None
        rest = [page for n in again for page in plan.shards[n] if page in plan.known]
        _write_search_copies(site_dir, work, rest, where, jobs)
        bundles = {number: work / f"bundle-{number}" for number in again}
        _run_pagefinds([(work / f"site-{n}", bundle) for n, bundle in bundles.items()], jobs)
        _gather_bundles(site_dir / SEARCH_DIR, work, bundles, kept, plan, output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    held = {page: digests[page] for page in where}
    return IndexRecord(plan.shards, held, plan.markers)


def _kept_shards(plan: _IndexPlan, digests: dict[str, bytes]) -> dict[int, int]:
    """The shards of `plan` whose bundles in the previous index hold the same pages with the
    same search copies, each with the number of that bundle there. The first bundle, which
    carries the browser code, is kept only as the first."""
    previous = plan.previous
    if previous is None:
        return {}
    numbers = {shard: number for number, shard in enumerate(previous.shards)}
    kept = {}
    for number, shard in enumerate(plan.shards):
        before = numbers.get(shard)
        if before is None or (before == 0) != (number == 0):
            continue
        if all(digests[page] == previous.digests.get(page) for page in shard):
            kept[number] = before
    return kept


def _write_search_copies(
    site_dir: Path, work: Path, pages: Sequence[str], where: dict[str, int], jobs: int
) -> dict[str, bytes]:
    """Write the search copy of each of `pages` into its shard's folder in `work` (the copies
    keep the pages' paths, so Pagefind gives them their addresses in the site); return their
    digests."""
    copies = [(str(site_dir / page), str(work / f"site-{where[page]}" / page)) for page in pages]
    if jobs > 1 and len(copies) >= PARALLEL_MIN_COPIES:
        digests = fork_map(_write_search_copy, copies, jobs)
    else:
        digests = [_write_search_copy(copy) for copy in copies]
    return dict(zip(pages, digests, strict=True))


def _run_pagefinds(runs: list[tuple[Path, Path]], jobs: int) -> None:
    """Index each (site folder, bundle folder) of `runs`, `jobs` at a time."""
    if not runs:
        return
    with ThreadPoolExecutor(max_workers=min(jobs, len(runs))) as pool:
        running = [pool.submit(_index_shard, site, bundle) for site, bundle in runs]
        try:
            for future in running:
                future.result()
        except BaseException:
            for future in running:
                future.cancel()
            raise


def _index_shard(site_dir: Path, output: Path) -> None:
    """Index a shard's copies, then remove them, while other shards are still indexed (a
    large site's copies take seconds to remove at the end, with the cores idle)."""
    _run_pagefind(site_dir, output)
    shutil.rmtree(site_dir, ignore_errors=True)


def _gather_bundles(
    previous: Path,
    work: Path,
    bundles: dict[int, Path],
    kept: dict[int, int],
    plan: _IndexPlan,
    output: Path,
) -> None:
    """Gather the bundles of `plan`'s shards into `output`: the new ones in `bundles` by
    shard, the others linked from the `previous` index, where each was bundle `kept[n]`. The
    first bundle is the folder itself."""
    first = bundles.get(0) or work / "bundle-0"
    if 0 not in bundles:  # kept: there is a previous index
        assert plan.previous is not None
        merged_names = {f"shard-{number}" for number in range(1, len(plan.previous.shards))}
        link_tree(previous, first, leave_out={SHARDS_FILE, *merged_names})
    merged = []
    for number in range(1, len(plan.shards)):
        name = f"shard-{number}"
        if number in bundles:
            _strip_to_index(bundles[number])
            bundles[number].rename(first / name)
        else:
            link_tree(previous / f"shard-{kept[number]}", first / name)
        merged.append(f"{name}/")
    _write_shard_list(first, merged)
    output.parent.mkdir(parents=True, exist_ok=True)
    first.rename(output)


def _html_bytes(site_dir: Path, pages: Iterable[str]) -> int:
    return sum(os.stat(os.path.join(site_dir, page)).st_size for page in pages)


def _html_pages(site_dir: Path) -> list[str]:
    """Every HTML file under `site_dir` by path in it, as Pagefind finds them (`**/*.html`)."""
    found = []
    for folder, dirs, files in os.walk(site_dir):
        if folder == str(site_dir):
            dirs[:] = [d for d in dirs if d != _SHARDS_WORK]
        relative = os.path.relpath(folder, site_dir)
        for name in files:
            if name.endswith(".html"):
                found.append(name if relative == "." else f"{relative}/{name}")
    return found


def _has_body_marker(path: str) -> bool:
    # The marker sits on <main>, in the first few KB of our pages: read no more than needed.
    marker = b"data-pagefind-body"
    tail = b""
    with open(path, "rb") as file:
        while chunk := file.read(16384):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker) :]
    return False


def _write_search_copy(paths: tuple[str, str]) -> bytes:
    """Write the `search_copy` of the page at the first path to the second; return its
    digest."""
    source, target = paths
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(source, "rb") as page:
        data = search_copy(page.read())
    with open(target, "wb") as copy:
        copy.write(data)
    return hashlib.blake2b(data, digest_size=16).digest()


def _strip_to_index(bundle: Path) -> None:
    """Leave in a bundle only what a merged index is read from."""
    for item in bundle.iterdir():
        if item.name in _MERGED_BUNDLE_PARTS or item.name.endswith(_MERGED_BUNDLE_META):
            continue
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()


def _write_shard_list(bundle: Path, merged: list[str]) -> None:
    text = json.dumps({"merge": merged}, separators=(",", ":"))
    (bundle / SHARDS_FILE).write_text(text + "\n", encoding="utf-8")


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
