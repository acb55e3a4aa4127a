"""Work spread over the machine's cores, where there is enough of it to pay.

A build's expensive steps (Markdown, pages) are many small independent jobs
over state that is large and already in memory (the site, the routes). Worker
processes are forked after that state exists, so they share it copy-on-write
instead of receiving it pickled; each job carries only an index range and
returns only small results. Where fork is unavailable, or the work is too
small to repay starting processes, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Sequence

MIN_JOBS_PER_WORKER = 150  # below this, starting a process costs more than it saves

_state: Any = None  # what the forked workers read: set just before the pool starts


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def workers_for(count: int, jobs: int | None) -> int:
    wanted = cpu_count() if jobs is None else max(1, jobs)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, count // MIN_JOBS_PER_WORKER))


def _call(args):
    func, start, stop = args
    return func(_state, start, stop)


def run_chunks(func: Callable[[Any, int, int], list], count: int, state: Any, jobs: int | None = None) -> list:
    """``func(state, start, stop)`` over ``range(count)`` in chunks, results concatenated in order.

    ``func`` must be a module-level function; it runs in forked workers that
    see ``state`` as it was when the pool started.
    """
    global _state
    workers = workers_for(count, jobs)
    if workers == 1:
        return func(state, 0, count)
    chunks = workers * 4  # a few chunks each, so a slow chunk does not hold the others back
    bounds = [(count * i // chunks, count * (i + 1) // chunks) for i in range(chunks)]
    _state = state
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_call, [(func, a, b) for a, b in bounds], chunksize=1)
    finally:
        _state = None
    out: list = []
    for part in parts:
        out.extend(part)
    return out
