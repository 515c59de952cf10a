"""The output folder through the real command line: killed builds, late failures, same bytes.

`test_build.py` covers the same promises in-process (a content error or a render error leaves
the previous site; two builds give the same bytes). Here the build is a child process that
is killed with SIGKILL halfway, fails in a template after pages were written, or runs with
another hash seed in another folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testkit import BUNDLED_CONTENT, DATABASES, copy_site, tree

from techcompare.output import MARKER

# Technologies added to the fixture site so that a build takes long enough to be killed midway.
EXTRA_TECHNOLOGIES = 400


def techcompare(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "techcompare", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built by `techcompare build`, to copy as a previous build."""
    folder = tmp_path_factory.mktemp("previous")
    result = techcompare("build", "--content", str(DATABASES), "--out", "site", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture
def previous(tmp_path: Path, built_once: Path) -> dict[str, bytes]:
    """A previous build at tmp_path/site (the working folder of the tests); its files."""
    shutil.copytree(built_once, tmp_path / "site")
    return tree(tmp_path / "site")


def leftovers(folder: Path) -> list[str]:
    """Staging or retired folders of builds beside the output."""
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def big_site(tmp_path: Path) -> Path:
    """The fixture site plus many technologies, each in a category of its own (so that no
    pairwise pages multiply): a build of a few seconds."""
    content = copy_site(tmp_path, folder="big")
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    categories = []
    for number in range(EXTRA_TECHNOLOGIES):
        slug = f"bulk-{number}"
        categories.append(f"  - slug: {slug}\n    name: Bulk {number}\n    description: Filler.\n")
        text = sqlite.replace("name: SQLite", f"name: Bulk {number}")
        text = text.replace("categories: [databases, embedded]", f"categories: [{slug}]")
        (content / f"technologies/{slug}.yaml").write_text(text)
    site = content / "site.yaml"
    site.write_text(site.read_text().replace("featured:", "".join(categories) + "featured:"))
    return content


def test_a_killed_build_leaves_the_previous_site_and_the_next_build_cleans_up(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    big = big_site(tmp_path)

    process = subprocess.Popen(
        [sys.executable, "-m", "techcompare", "build", "--content", str(big), "--out", "site"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = tmp_path / f".site.tmp-{process.pid}"
    deadline = time.monotonic() + 120
    # Kill once pages are being written into the staging folder.
    while not (staging / "technologies").is_dir():
        assert process.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never started writing pages"
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL

    assert tree(tmp_path / "site") == previous
    assert leftovers(tmp_path) == [staging.name]
    assert not (staging / MARKER).exists()

    again = techcompare("build", "--content", str(DATABASES), "--out", "site", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert leftovers(tmp_path) == []
    assert tree(tmp_path / "site") == previous


def test_a_site_retired_by_a_killed_swap_is_put_back(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    """A kill between the swap's two renames leaves the previous site as `.site.old-<pid>`:
    the next build that reaches the output stage takes it back, so a build failing late
    still leaves it in place."""
    pid = dead_pid()
    (tmp_path / "site").rename(tmp_path / f".site.old-{pid}")
    (tmp_path / f".site.tmp-{pid}").mkdir()
    (tmp_path / f".site.tmp-{pid}/index.html").write_text("half a site")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/technology.html").write_text("{{ no_such_variable.attribute }}")

    failed = techcompare(
        "build",
        "--content",
        str(DATABASES),
        "--out",
        "site",
        "--templates",
        "templates",
        cwd=tmp_path,
    )

    assert failed.returncode == 1, failed.stderr
    assert tree(tmp_path / "site") == previous
    assert leftovers(tmp_path) == []


def dead_pid() -> int:
    """The process id of a process that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def test_leftovers_of_a_running_build_are_not_touched(tmp_path: Path) -> None:
    """Another build into the same folder may be running: its staging folder stays."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f".site.tmp-{sleeper.pid}"
        busy.mkdir()
        result = techcompare("build", "--content", str(DATABASES), "--out", "site", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert leftovers(tmp_path) == [busy.name]
    finally:
        sleeper.kill()
        sleeper.wait()


BROKEN_TEMPLATES = {
    "syntax error": ("technology.html", "{% for x in %}", "template error"),
    "undefined variable": ("technology.html", "{{ no_such_variable.attribute }}", "template error"),
    "missing include": ("technology.html", '{% include "nowhere.html" %}', "template error"),
}


@pytest.mark.parametrize("name", BROKEN_TEMPLATES)
def test_a_build_failing_late_in_a_template_leaves_the_previous_site(
    tmp_path: Path, name: str, previous: dict[str, bytes]
) -> None:
    template, text, message = BROKEN_TEMPLATES[name]
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / template).write_text(text)

    result = techcompare(
        "build",
        "--content",
        str(DATABASES),
        "--out",
        "site",
        "--templates",
        "templates",
        cwd=tmp_path,
    )

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert tree(tmp_path / "site") == previous
    assert leftovers(tmp_path) == []


def test_a_template_raising_a_python_error_is_a_message(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "technology.html").write_text("{{ 1 // 0 }}")

    result = techcompare(
        "build",
        "--content",
        str(DATABASES),
        "--out",
        "site",
        "--templates",
        "templates",
        cwd=tmp_path,
    )

    assert tree(tmp_path / "site") == previous
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_builds_in_other_folders_with_other_hash_seeds_are_byte_identical(
    tmp_path: Path,
) -> None:
    """The bundled site, built by two processes with different hash seeds (set and dict
    orders), from different working folders into differently named outputs."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    one = techcompare(
        "build",
        "--content",
        str(BUNDLED_CONTENT),
        "--out",
        "site",
        cwd=tmp_path / "a",
        env={"PYTHONHASHSEED": "1"},
    )
    two = techcompare(
        "build",
        "--content",
        str(BUNDLED_CONTENT),
        "--out",
        str(tmp_path / "b/deeper/public"),
        cwd=tmp_path,
        env={"PYTHONHASHSEED": "2"},
    )
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    first, second = tree(tmp_path / "a/site"), tree(tmp_path / "b/deeper/public")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    for name, data in first.items():
        assert str(tmp_path).encode() not in data, f"{name} names the build folder"


def test_the_replaced_site_is_deleted_after_the_build_returns(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    """The previous site steps aside as `.site.trash-<pid>` and a detached process deletes
    it; the build does not wait, and its output pipe closes as soon as it ends."""
    started = time.monotonic()
    again = techcompare("build", "--content", str(DATABASES), "--out", "site", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert tree(tmp_path / "site") == previous
    deadline = started + 30
    while [p for p in tmp_path.iterdir() if ".trash-" in p.name] and time.monotonic() < deadline:
        time.sleep(0.05)
    # Nothing is left beside the site but the cache of the next build (build_cache.py).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".site.cache"]


def test_a_trash_folder_left_behind_is_removed_by_the_next_build(
    tmp_path: Path, previous: dict[str, bytes]
) -> None:
    trash = tmp_path / f".site.trash-{os.getpid()}"  # even of a running process
    shutil.copytree(tmp_path / "site", trash)
    again = techcompare("build", "--content", str(DATABASES), "--out", "site", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not trash.exists()
