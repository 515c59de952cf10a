"""Work spread over forked worker processes: reading files, highlighting code, rendering pages.

Workers are forked, so they share what the parent holds (the loaded site, compiled
templates) instead of receiving a pickled copy; only the items and the results travel. The
results come back in the order of the items, so the output never depends on the number of
workers. A worker dies with its parent: a killed build leaves nothing writing behind it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1


def _find_prctl() -> Callable[..., int] | None:
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl
    return None


# Looked up in the parent, before the first fork: a forked child must not load libraries
# (dlopen takes a lock that another thread of the parent, such as a dev server's file
# watcher, may have held at the fork, and the child would wait for it for ever).
_prctl: Callable[..., int] | None = None
_parent_pid = 0


def fork_map(function: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """`[function(item) for item in items]`, computed by `jobs` forked processes.

    `function` must be a module-level function (it is sent by name); it may read module
    state the parent set before calling, which the fork copies."""
    return list(fork_iter(function, items, jobs))


def fork_iter(function: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """`fork_map`, yielding each result (in the order of `items`) as soon as it and those
    before it are done; the workers start at the first `next` and stop when the iterator
    is exhausted or closed."""
    import multiprocessing  # here: a build that forks nothing (`check`, small sites) skips it

    global _prctl
    if _prctl is None:
        _prctl = _find_prctl()
    context = multiprocessing.get_context("fork")
    # Small batches balance the load (items cost more or less) with little overhead each.
    size = max(1, min(32, len(items) // (jobs * 8)))
    with context.Pool(jobs, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        yield from pool.imap(_Call(function), items, chunksize=size)


class _Call(Generic[T, R]):
    """`function(item)`, stopping the worker when the build that started it is gone."""

    def __init__(self, function: Callable[[T], R]) -> None:
        self.function = function

    def __call__(self, item: T) -> R:
        if os.getppid() != _parent_pid:  # the parent died (where prctl is not available)
            os._exit(1)
        return self.function(item)


def _start_worker(parent_pid: int) -> None:
    global _parent_pid
    _parent_pid = parent_pid
    # A worker lives for one stage of one build, and what it makes (pages, highlighted code,
    # loaded files) holds no reference cycles: the cycle collector would only walk its
    # objects again and again (a third of the time of deriving a page's data).
    gc.disable()
    # If the build is killed, its workers must not go on writing into the staging folder
    # that the next build cleans up: on Linux, ask to be killed with the parent.
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
