"""Parallel builds: the output is the same whatever the number of worker processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from testkit import REPO, TODAY, edit, fields_sets, tree

from techcompare import build as build_module
from techcompare import loading
from techcompare.api_export import StoredPiece
from techcompare.build import BuildOptions, SiteBuilder, build_site
from techcompare.yaml_source import read_yaml_file

GENERATE = REPO / "bench" / "generate.py"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic site with more pages than the parallel threshold."""
    out = tmp_path_factory.mktemp("synthetic") / "content"
    subprocess.run(
        [
            sys.executable,
            str(GENERATE),
            "--comparisons",
            "70",
            "--technologies",
            "14",
            "--seed",
            "3",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def test_parallel_build_equals_serial_build(synthetic: Path, tmp_path: Path) -> None:
    serial = build_site(BuildOptions(synthetic, tmp_path / "serial", today=TODAY, jobs=1))
    parallel = build_site(BuildOptions(synthetic, tmp_path / "parallel", today=TODAY, jobs=2))
    assert serial.pages == parallel.pages >= build_module.PARALLEL_MIN_PAGES
    serial_tree, parallel_tree = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert serial_tree.keys() == parallel_tree.keys()
    different = [path for path in serial_tree if serial_tree[path] != parallel_tree[path]]
    assert different == []


def test_the_export_pieces_of_parallel_builds_are_kept_in_one_file_at_a_time(
    synthetic: Path, tmp_path: Path
) -> None:
    """The parent keeps the /api/ pieces its workers serialise in a file, not in memory
    (api_export.PieceStore), and a build again lets the last build's file go."""
    builder = SiteBuilder(BuildOptions(synthetic, tmp_path / "site", today=TODAY, jobs=2))
    builder.build()
    cache = builder.export_cache
    assert len(cache.comparisons) == 70
    assert all(isinstance(entry[2], StoredPiece) for entry in cache.comparisons.values())
    assert cache.store is not None
    first = weakref.ref(cache.store)
    builder.build()
    assert first() is None
    assert cache.store is not None
    stored = {id(entry[2].store) for entry in cache.comparisons.values()}
    assert stored == {id(cache.store)}


def test_a_template_error_in_a_worker_fails_the_build_and_keeps_the_old_site(
    synthetic: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(BuildOptions(synthetic, out, today=TODAY, jobs=2))
    before = tree(out)
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "technology.html").write_text("{{ 1 // 0 }}")
    from jinja2 import TemplateError

    with pytest.raises(TemplateError):
        build_site(BuildOptions(synthetic, out, today=TODAY, jobs=2, templates=broken))
    assert tree(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.tmp")]


def test_parallel_loading_equals_serial_loading(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    techs = sorted((content / "technologies").glob("*.yaml"))
    comparisons = sorted((content / "comparisons").glob("*.yaml"))
    edit(techs[3], "\nsummary:", "\nsumary:")  # an unknown field and a missing one
    comparisons[5].write_text("title: [unclosed\n")  # not YAML
    edit(comparisons[9], '\nsummary: "', '\nsummary: "TODO ')  # a placeholder warning
    # A mistake inside one comparison, found as it is read (models.comparison_problems).
    edit(comparisons[11], "\ndecision_guide:\n", "\ndecision_guide:\n  stranger:\n    - when: x\n")
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 10)

    serial = loading.load_content(content, jobs=1)
    parallel = loading.load_content(content, jobs=2)

    assert [str(p) for p in parallel.problems.items] == [str(p) for p in serial.problems.items]
    assert len(serial.problems.errors) >= 4
    assert any(p.field == "decision_guide.stranger" for p in parallel.problems.errors)
    notes = parallel.comparisons[comparisons[9].stem].notes
    assert (("summary",), "placeholder `TODO` left in; replace it") in notes
    for kind in ("technologies", "comparisons"):
        ours, theirs = getattr(serial, kind), getattr(parallel, kind)
        assert list(ours) == list(theirs)
        for slug, source in ours.items():
            other = theirs[slug]
            assert (other.model, other.display, other.notes) == (
                source.model,
                source.display,
                source.notes,
            )
            # Either way a Source keeps top-level positions only; deeper ones come from
            # reading the file again, and are the file's.
            assert other.shallow and source.shallow
            for loc, where in read_yaml_file(source.path).positions.items():
                assert other.position(loc) == source.position(loc) == where, (slug, loc)

    # Models given the same fields share one fields set (models.py), also when a worker
    # validated them: pickling keeps the sharing within each batch of files it sends back.
    # (Comparisons are kept packed, packed.py: their models live only while read.)
    def distinct(loaded: loading.LoadedContent) -> tuple[int, int, int]:
        sets = fields_sets([source.model for source in loaded.technologies.values()])
        return len(sets), len({frozenset(s) for s in sets}), len({id(s) for s in sets})

    models, kinds, objects = distinct(serial)
    assert objects == kinds < models / 10
    models, kinds, objects = distinct(parallel)
    assert kinds < objects < models / 4


def test_rendering_pages_leaves_no_reference_cycles(synthetic: Path, tmp_path: Path) -> None:
    """Workers run with the cycle collector off (parallel.py): deriving and rendering pages
    must make no garbage that only the collector would free."""
    import gc

    from techcompare.assets import write_assets
    from techcompare.checking import load_site
    from techcompare.pages import PageDeriver
    from techcompare.plan import plan_pages
    from techcompare.render import Renderer
    from techcompare.theme import default_static_dir, default_templates_dir

    site, _ = load_site(synthetic, TODAY, jobs=1)
    assets = write_assets(default_static_dir(), tmp_path, with_plotly=True, minify=False)
    renderer = Renderer(site, [default_templates_dir()], assets, "/")
    specs = plan_pages(site)
    assert {spec.kind for spec in specs} >= {"comparison", "generated", "technology", "home"}
    # Once to compile the templates and fill the libraries' own caches, then once counted.
    for deriver in (PageDeriver(site), PageDeriver(site)):
        gc.collect()
        gc.disable()
        try:
            for spec in specs:
                renderer.render(deriver.page(spec))
            garbage = gc.collect()
        finally:
            gc.enable()
    assert garbage == 0
