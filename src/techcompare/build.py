"""`techcompare build`, top to bottom: load, resolve, derive pages, render, write, swap.

`build_site` is what the CLI calls and what tests call. It raises `ContentError` with every
problem when the content is wrong, and leaves the previous output untouched when anything
fails.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment

from .api_export import Chunks, ExportCache, ExportPiece, api_files, export_piece
from .assets import AssetMap, write_assets
from .checking import load_site
from .loading import LoadCache
from .output import staged_output
from .pages import PageDeriver
from .parallel import fork_iter
from .plan import PageSpec, changed_keys, plan_pages
from .problems import ContentError, Problem
from .render import Renderer, make_environment
from .resolve import Site
from .search_index import (
    REFRESH_LIMIT_BYTES,
    IndexRecord,
    refresh_search_index,
    write_search_index,
)
from .site_files import SiteFilesCache, site_files
from .theme import default_static_dir, default_templates_dir
from .views import TechViewCache, highlight_samples


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    base_url: str | None = None
    templates: Path | None = None
    today: date | None = None
    minify: bool = True  # stylesheets and scripts; pages are compact as rendered
    strict: bool = False
    jobs: int | None = None  # worker processes for a full build; None: one per core


@dataclass
class BuildReport:
    out: Path
    pages: int = 0  # of the site
    rendered: int = 0  # of `pages`, rendered by this build (all, unless `incremental`)
    seconds: float = 0.0
    search_seconds: float = 0.0  # of `seconds`, spent indexing for search
    warnings: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    incremental: bool = False  # rendered only the pages a change affects


def build_site(options: BuildOptions) -> BuildReport:
    """Build the whole site from `options.content` into `options.out`."""
    return SiteBuilder(options).build()


class SiteBuilder:
    """Builds a site, then rebuilds it after changes, re-rendering only the pages they affect.

    `build` always renders everything into a fresh folder and swaps it in. `rebuild` takes the
    changed content files; when only content changed it re-renders the pages whose
    dependencies changed and rewrites those whose bytes differ, in place (for `serve`). A
    change to templates or static files (or anything unknown) falls back to `build`. The two
    halves of `rebuild`, `prepare_update` and `apply_update`, let `build_cache.py` do the same
    into a copy of the output that is swapped in whole.
    """

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.load_cache = LoadCache()
        self.tech_cache = TechViewCache()
        # The sitemap, feed and /api/ pieces of the last build, reused by the next.
        self.site_files_cache = SiteFilesCache()
        self.export_cache = ExportCache()
        # The /api/ files as `rebuild` last wrote or found them in the output folder.
        self.api_in_place: dict[str, bytes | Chunks] = {}
        self.specs: dict[str, PageSpec] = {}
        self.site: Site | None = None
        # What `site` was made from: the Source of each content file, by path as loaded. A
        # failed build leaves it as it was, while the load cache holds what that build read.
        self.sources: dict[Path, object] = {}
        self.assets: AssetMap | None = None
        self.env: Environment | None = None
        # What the search index in the output was made from; None when not known.
        self.search_record: IndexRecord | None = None

    def __getstate__(self) -> dict[str, object]:
        """What the build cache (build_cache.py) keeps: all but the template environment
        (compiled code, made again when needed) and the /api/ bytes last written (read back
        from the files when compared)."""
        return {**self.__dict__, "env": None, "api_in_place": {}}

    def _load(self) -> tuple[Site, list[Problem]]:
        options = self.options
        site, warnings = load_site(options.content, options.today, self.load_cache, options.jobs)
        if self.options.strict and warnings:
            raise ContentError(warnings)
        return site, warnings

    def _renderer(self, site: Site, assets: AssetMap, fresh: bool) -> Renderer:
        """A renderer for `site`; `fresh` re-reads the templates (a full build does)."""
        options = self.options
        base_url = options.base_url or site.settings.base_url
        if not base_url.endswith("/"):
            base_url += "/"
        template_dirs = [d for d in (options.templates, default_templates_dir()) if d]
        if fresh or self.env is None:
            self.env = make_environment(template_dirs)
        return Renderer(site, template_dirs, assets, base_url, env=self.env)

    def build(self) -> BuildReport:
        """Render every page into a fresh folder and swap it into place."""
        started = time.perf_counter()
        if gc.get_freeze_count():  # a dev server building again: let the last build go
            gc.unfreeze()
            gc.collect()
        site, warnings = self._load()
        # The content lives as long as the build: keep the cycle collector off its millions
        # of objects, here and in the forked render workers (a third of page-data time).
        gc.freeze()
        jobs = self.options.jobs or os.cpu_count() or 1
        self.export_cache.renew()
        cache = self.tech_cache
        cache.highlighted = highlight_samples(site, cache.highlighted, jobs)
        specs = plan_pages(site)
        deriver = PageDeriver(site, self.tech_cache)
        search_seconds = 0.0
        record = None
        with staged_output(self.options.out) as staging:
            assets = write_assets(
                default_static_dir(),
                staging,
                with_plotly=site.settings.features.charts,
                minify=self.options.minify,
            )
            renderer = self._renderer(site, assets, fresh=True)
            # Compiled once here, not once per worker process, and ready for rebuilds.
            renderer.compile_templates()
            job = RenderJob(deriver, renderer, staging)
            if jobs > 1 and len(specs) >= PARALLEL_MIN_PAGES:
                # The workers serialise the pages' parts of /api/site.json too.
                for piece in render_in_parallel(job, specs, jobs):
                    if piece is not None:
                        self.export_cache.adopt(site, piece, renderer.public_url)
            else:
                for spec in specs:
                    job.render(spec)
            link = renderer.link_for_host()
            for name, data in site_files(site, specs, link, self.site_files_cache).items():
                (staging / name).write_bytes(data)
            for name, exported in api_files(site, renderer.public_url, self.export_cache).items():
                _write_file(staging / name, exported)
            if site.settings.features.search:
                indexing = time.perf_counter()
                record = write_search_index(staging, jobs=jobs)
                search_seconds = time.perf_counter() - indexing
        self._built(site, specs)
        self.assets = assets
        self.search_record = record
        report = BuildReport(self.options.out, len(specs), len(specs))
        report.seconds = time.perf_counter() - started
        report.search_seconds = search_seconds
        report.warnings = warnings
        report.written = [spec.path for spec in specs]
        return report

    def rebuild(self, changed: Iterable[Path]) -> BuildReport:
        """Bring the output up to date, in place, after `changed` files changed."""
        started = time.perf_counter()
        update = self.prepare_update(changed)
        if update is None:
            return self.build()
        return self.apply_update(update, self.options.out, started)

    def prepare_update(self, changed: Iterable[Path]) -> Update | None:
        """Load the content after `changed` files changed and find the pages to render again;
        None when only a full build will do (a change outside the content, or to what the
        static files depend on)."""
        if self.assets is None or self.site is None:
            return None
        content_root = self.options.content.absolute()
        files: dict[Path, str] = {}
        for path in changed:
            absolute = path.absolute()
            if not absolute.is_relative_to(content_root):
                return None
            key = absolute.relative_to(content_root).as_posix()
            files[self.options.content / key] = key  # as the loader names it
        site, warnings = self._load()
        # A file read again to the same content comes back as the very same Source.
        entries, before = self.load_cache.entries, self.sources
        keys = {
            key
            for path, key in files.items()
            if before.get(path) is None or entries.get(path, (None, None))[1] is not before[path]
        }
        if site.settings.features != self.site.settings.features:
            return None  # the assets carry Plotly only when charts are on
        cache = self.tech_cache
        cache.highlighted = highlight_samples(site, cache.highlighted, jobs=1)
        specs = plan_pages(site)
        keys = changed_keys(self.site, site, keys, by_facet=self.options.templates is None)
        affected = [spec for spec in specs if spec.deps & keys or self.specs.get(spec.path) != spec]
        return Update(site, warnings, specs, affected)

    def apply_update(
        self,
        update: Update,
        into: Path,
        started: float,
        search_limit: int | None = REFRESH_LIMIT_BYTES,
    ) -> BuildReport:
        """Render the pages of `update` into the output folder `into` (the output, or a copy
        of it), rewriting only the files whose bytes changed, each as a new file. The shards
        of the search index whose pages changed are indexed again when those pages hold at
        most `search_limit` bytes of HTML (None: always)."""
        assert self.assets is not None
        site, specs = update.site, update.specs
        deriver = PageDeriver(site, self.tech_cache)
        renderer = self._renderer(site, self.assets, fresh=False)
        # Pages rewritten by an update that fails half-way are in no record: until the index
        # is refreshed again, what it was made from is not known.
        record, self.search_record = self.search_record, None
        written = []
        for spec in update.affected:
            page = deriver.page(spec)
            if _write_page(into / spec.path, renderer.render(page), if_changed=True):
                written.append(spec.path)
            for name, data in page.attachments.items():
                attachment = (into / spec.path).parent / name
                if _write_file(attachment, data, if_changed=True):
                    written.append(attachment.relative_to(into).as_posix())
        link = renderer.link_for_host()
        for name, data in site_files(site, specs, link, self.site_files_cache).items():
            if _write_file(into / name, data, if_changed=True):
                written.append(name)
        # Data for scripts, not pages: a change here reloads no page in the browser.
        for name, exported in api_files(site, renderer.public_url, self.export_cache).items():
            # The export cache hands back the very same file when nothing in it changed.
            if self.api_in_place.get(name) is not exported:
                _write_file(into / name, exported, if_changed=True)
                self.api_in_place[name] = exported
        current = {spec.path for spec in specs}
        for gone in sorted(set(self.specs) - current):
            folder = (into / gone).parent
            if gone.endswith("/index.html") and folder != into:
                # A page's folder holds only the page and its attachments (chart data).
                shutil.rmtree(folder, ignore_errors=True)
            else:
                (into / gone).unlink(missing_ok=True)
            written.append(gone)
        search_seconds = 0.0
        if written:
            indexing = time.perf_counter()
            limit = math.inf if search_limit is None else search_limit
            enabled = site.settings.features.search
            pages = [spec.path for spec in specs]
            refresh = refresh_search_index(
                into, enabled, limit, pages, self.options.jobs, record=record, changed=written
            )
            if refresh.changed:
                search_seconds = time.perf_counter() - indexing
            record = refresh.record
        self._built(site, specs)
        self.search_record = record
        report = BuildReport(self.options.out, len(specs), len(update.affected))
        report.seconds = time.perf_counter() - started
        report.search_seconds = search_seconds
        report.warnings = update.warnings
        report.written = written
        report.incremental = True
        return report

    def _built(self, site: Site, specs: list[PageSpec]) -> None:
        """Remember what the output now shows."""
        self.specs = {spec.path: spec for spec in specs}
        self.site = site
        self.sources = {path: entry[1] for path, entry in self.load_cache.entries.items()}


@dataclass
class Update:
    """What `SiteBuilder.prepare_update` found: the content as it is now, its pages, and
    those of them to render again."""

    site: Site
    warnings: list[Problem]
    specs: list[PageSpec]
    affected: list[PageSpec]


# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_MIN_PAGES = 64


@dataclass
class RenderJob:
    """Everything needed to render pages of one build into one folder."""

    deriver: PageDeriver
    renderer: Renderer
    out: Path

    def render(self, spec: PageSpec) -> None:
        page = self.deriver.page(spec)
        _write_page(self.out / spec.path, self.renderer.render(page))
        for name, data in page.attachments.items():
            _write_file((self.out / spec.path).parent / name, data)


# The job the forked render workers render for, set while they run.
_worker_job: RenderJob | None = None


def _render_in_worker(spec: PageSpec) -> ExportPiece | None:
    assert _worker_job is not None
    _worker_job.render(spec)
    if spec.slug is None:
        return None
    site, link = _worker_job.deriver.site, _worker_job.renderer.public_url
    return export_piece(site, spec.kind, spec.slug, link)


def render_in_parallel(
    job: RenderJob, specs: list[PageSpec], jobs: int
) -> Iterator[ExportPiece | None]:
    """Render `specs` in `jobs` forked processes. Each page is rendered exactly as a serial
    build would, so the output does not depend on the number of jobs. Yields, per page in
    order, its part of the `/api/` export (`api_export.export_piece`), serialised by the
    same worker, as the workers finish them: the caller need not hold them all at once."""
    global _worker_job
    _worker_job = job
    try:
        yield from fork_iter(_render_in_worker, specs, jobs)
    finally:
        _worker_job = None


def _write_page(target: Path, html: str, if_changed: bool = False) -> bool:
    """Write `html` to `target`; with `if_changed`, leave an identical file untouched."""
    return _write_file(target, html.encode("utf-8"), if_changed)


def _write_file(target: Path, data: bytes | Chunks, if_changed: bool = False) -> bool:
    """Write `data` to `target`. With `if_changed` (into a folder that holds an earlier
    build), an identical file is left untouched and a different one is replaced by a new
    file, never written through: it may be a link to the file of the live site
    (`staged_output(link_previous=True)`), and a server reading it sees it whole."""
    chunks = data if isinstance(data, Chunks) else Chunks((data,))
    if if_changed and _holds(target, chunks):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    written = target if not if_changed else target.with_name(f".{target.name}.new")
    with open(written, "wb") as file:
        file.writelines(chunks.blobs())
    if if_changed:
        written.replace(target)
    return True


def _holds(target: Path, chunks: Chunks) -> bool:
    """Whether `target` holds exactly the bytes of `chunks`; a file of another size is not
    read (the /api/ export is tens of megabytes on a large site)."""
    try:
        if target.stat().st_size != len(chunks):
            return False
        with open(target, "rb") as file:
            return all(file.read(len(blob)) == blob for blob in chunks.blobs())
    except FileNotFoundError:
        return False
