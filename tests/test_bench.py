"""The benchmark's own tools: the synthetic content generator and the runner.

Correctness only: timings belong in `bench/README.md`, never in assertions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testkit import REPO, TODAY

from techcompare.build import BuildOptions, build_site
from techcompare.checking import check_content

GENERATE = REPO / "bench" / "generate.py"
RUN = REPO / "bench" / "run.py"


def generate(out: Path, comparisons: int = 6, technologies: int = 5, seed: int = 7) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(GENERATE),
            "--comparisons",
            str(comparisons),
            "--technologies",
            str(technologies),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = files_of(generate(tmp_path / "a"))
    second = files_of(generate(tmp_path / "b"))
    assert first == second
    assert len([name for name in first if name.startswith("comparisons/")]) == 6
    assert len([name for name in first if name.startswith("technologies/")]) == 5
    assert {"site.yaml", "metrics.yaml"} <= set(first)


def test_another_seed_gives_other_content(tmp_path: Path) -> None:
    assert files_of(generate(tmp_path / "a")) != files_of(generate(tmp_path / "b", seed=8))


def test_generated_content_passes_check_and_builds(tmp_path: Path) -> None:
    content = generate(tmp_path / "content")
    site, problems = check_content(content, today=TODAY)
    assert [str(p) for p in problems.errors] == []
    assert site is not None
    # Comparisons fill every optional section, and technologies report shared metrics.
    comparison = next(iter(site.comparisons.values()))
    assert comparison.faq and comparison.decision_guide and comparison.side_by_side
    assert all(tech.benchmarks and tech.code_samples for tech in site.technologies.values())

    out = tmp_path / "site"
    report = build_site(BuildOptions(content=content, out=out, today=TODAY))
    pages = list((out / "compare").glob("*/index.html"))
    assert len(pages) >= 6
    assert report.pages >= 6 + 5
    assert all("data-chart" in page.read_text(encoding="utf-8") for page in pages)


def test_generator_refuses_to_overwrite_other_files(tmp_path: Path) -> None:
    out = tmp_path / "content"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    result = subprocess.run(
        [sys.executable, str(GENERATE), "--comparisons", "3", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert (out / "notes.txt").read_text() == "mine\n"


def test_runner_prints_tables_at_a_tiny_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--sizes",
            "5",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(tmp_path / "results.json"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| comparisons |"))
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    assert columns == [
        "comparisons",
        "technologies",
        "pages",
        "full build (s)",
        "CPU (s)",
        "pages/s",
        "CLI build (s)",
        "of which search (s)",
        "peak RSS Python (MB)",
        "peak RSS with Pagefind (MB)",
        "rebuild 1 tech (ms)",
        "re-rendered / rewritten",
        "rebuild 1 tech, overview (ms)",
        "overview: re-rendered / rewritten",
        "no-op rebuild (ms)",
        "comparison page (KB)",
        "load avg",
    ]
    row = lines[lines.index(header) + 2]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[0] == "5" and cells[1] == "4"
    assert all(cell not in ("", "–") for cell in cells)

    stages = [line.split("|")[1].strip() for line in lines if line.startswith("| ")]
    for stage in ("YAML parse", "validate (pydantic)", "Markdown", "templates (Jinja)", "write"):
        assert stage in stages
    assert "total" in stages
    assert "`techcompare --help`" in result.stdout
    assert "`techcompare check` on the bundled content" in result.stdout
    # The builds with the cache report their peak memory too (writing the cache costs some).
    cached_header = next(line for line in lines if "first build, writing the cache" in line)
    assert cached_header.rstrip(" |").endswith("peak RSS, first / after edit (MB)")
    cached_row = lines[lines.index(cached_header) + 2].strip(" |").split("|")
    first_rss, edited_rss = (float(mb) for mb in cached_row[-1].split(" / "))
    assert first_rss > 10 and edited_rss > 10
    # A build after a comparison was added indexes the one search bundle of this small
    # site again.
    cached_columns = [cell.strip() for cell in cached_header.strip(" |").split("|")]
    added = dict(zip(cached_columns, (cell.strip() for cell in cached_row), strict=True))
    assert float(added["after 1 comparison added (s)"]) > 0
    assert added["search bundles indexed again"] == "1 / 1"
    # The generated content is cached, the edited technology file was restored and the
    # added comparison removed.
    cached = tmp_path / "cache" / "c5-t4-s1" / "content"
    regenerated = generate(tmp_path / "fresh", comparisons=5, technologies=4, seed=1)
    assert files_of(cached) == files_of(regenerated)
    assert not (cached.parent / "out").exists()
