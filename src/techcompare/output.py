"""Write a build into a fresh folder and swap it into place only when the build succeeded.

A failed or interrupted build leaves the previous output exactly as it was, and no file of an
earlier build survives into the new one. A marker file names a folder as techcompare output,
so a mistyped `--out` never deletes a folder of something else. A build that was killed
leaves its staging folder behind (`.site.tmp-<pid>`); the next build removes it, and puts
the previous site back if the kill came between the two renames of the swap.

Deleting the previous site takes a while on a large site (0.7 s for 3,800 files), so it is
renamed `.site.trash-<pid>-<n>` and deleted by a detached process while the build returns; a
trash folder that outlives its deleter is removed by the next build.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

MARKER = ".techcompare-build"


class OutputError(Exception):
    """The output folder cannot be used (it holds something that is not a previous build)."""


def check_output_dir(out: Path) -> None:
    """Refuse to replace a non-empty folder that is not an earlier techcompare build."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputError(
            f"{out} is not empty and was not written by techcompare; "
            "refusing to replace it (choose another --out or empty it)"
        )


@contextmanager
def staged_output(out: Path, link_previous: bool = False) -> Iterator[Path]:
    """Yield a fresh staging folder beside `out`; on success it becomes `out`.

    With `link_previous` the staging folder starts as a copy of the previous build made of
    hard links (a tenth of a second for 3,800 files), for a build that rewrites only some
    files: it must replace a file rather than write through it (`build._write_file`)."""
    out = out.absolute()
    _clean_up_after_killed_builds(out)
    check_output_dir(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out.parent}: {exc.strerror}") from None
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        if link_previous and out.is_dir():
            # All but the marker, which the new build writes for itself.
            link_tree(out, staging, leave_out={MARKER})
        yield staging
        (staging / MARKER).write_text("This folder is written by `techcompare build`.\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, out)


def link_tree(source: Path, target: Path, leave_out: Collection[str] = ()) -> None:
    """Make `target` hold hard links to the files of `source`, in the same folders (copies on
    a file system without hard links), leaving out the files and folders at its top named in
    `leave_out`. Paths are plain strings here: a large site has tens of thousands of files,
    and making a `Path` of each cost more than linking it."""
    os.makedirs(target, exist_ok=True)
    folders = [(os.fspath(source), os.fspath(target), leave_out)]
    while folders:
        folder, into, skipped = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name in skipped:
                    continue
                linked = os.path.join(into, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    with suppress(FileExistsError):
                        os.mkdir(linked)
                    folders.append((entry.path, linked, ()))
                    continue
                try:
                    os.link(entry.path, linked)
                except OSError:  # a file system without hard links
                    shutil.copy2(entry.path, linked)


def _clean_up_after_killed_builds(out: Path) -> None:
    """Remove the staging and retired folders of builds into `out` that are no longer running;
    a retired site whose replacement never arrived becomes `out` again."""
    if not out.parent.is_dir():
        return
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old|trash)-(\d+)(?:-\d+)?")
    for leftover in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(leftover.name)
        if match is None or not leftover.is_dir():
            continue
        if match[1] != "trash" and process_running(int(match[2])):
            continue
        if match[1] == "old" and not out.exists() and (leftover / MARKER).exists():
            leftover.rename(out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def process_running(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _swap_into_place(staging: Path, out: Path) -> None:
    """Two renames: the old site steps aside, the new one takes its name, the old is removed."""
    if not out.exists():
        staging.rename(out)
        return
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    # Unique: a dev server swaps again and again, maybe before the last deletion is done.
    trash = out.parent / f".{out.name}.trash-{os.getpid()}-{time.monotonic_ns()}"
    retired.rename(trash)
    remove_in_background(trash)


def remove_in_background(folder: Path) -> None:
    """Delete `folder` in a detached process (a double fork: nothing to wait for, no zombie),
    or here and now where processes cannot fork."""
    if not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child process
        try:
            if os.fork() == 0:
                os.setsid()
                # Hold no pipe of the caller open (a caller reading the build's output would
                # wait for the deletion) and no other file of the build.
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.closerange(3, os.sysconf("SC_OPEN_MAX"))
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
