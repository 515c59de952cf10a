"""Write a build into a fresh folder and swap it into place only when the build succeeded.

A failed or interrupted build leaves the previous output exactly as it was, and no file of an
earlier build survives into the new one. A marker file names a folder as techcompare output,
so a mistyped `--out` never deletes a folder of something else.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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
def staged_output(out: Path) -> Iterator[Path]:
    """Yield a fresh staging folder beside `out`; on success it becomes `out`."""
    out = out.absolute()
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
        yield staging
        (staging / MARKER).write_text("This folder is written by `techcompare build`.\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, out)


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
    shutil.rmtree(retired, ignore_errors=True)
