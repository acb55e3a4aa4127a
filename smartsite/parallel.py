"""Work spread over the machine's cores, where there is enough of it to pay.

A build's expensive steps (Markdown, pages) are many small independent jobs
over state that is large and already in memory (the site, the routes). Worker
processes are forked after that state exists, so they share it copy-on-write
instead of receiving it pickled; each job carries only an index range and
returns only small results. Where fork is unavailable, or the work is too
small to repay starting processes, everything runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from contextlib import contextmanager
from typing import Any, Callable, Iterator

MIN_JOBS_PER_WORKER = 150  # below this, starting a process costs more than it saves
# Chunks are handed out as workers become free, and the last one to finish sets the wall time: with
# four per worker, one worker sat idle for a second of the six that the pages of 10,000 news items
# take, while the other finished a chunk of the heavier topic pages. A chunk costs a fraction of a
# millisecond to hand out and collect.
CHUNKS_PER_WORKER = 16

_state: Any = None  # what the forked workers read: set just before the pool starts


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def workers_for(count: int, jobs: int | None, per_worker: int | None = None) -> int:
    """Worker processes for ``count`` jobs: each gets at least ``per_worker`` (default
    :data:`MIN_JOBS_PER_WORKER`, for jobs of a millisecond or two; a job that takes tens of
    milliseconds, such as drawing an image, pays for a worker with a handful)."""
    wanted = cpu_count() if jobs is None else max(1, jobs)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, count // (per_worker or MIN_JOBS_PER_WORKER)))


@contextmanager
def few_collections(promote: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while the build's long-lived state is being made.

    Loading a site makes hundreds of thousands of small objects that live until
    the end (parsed files, models, routes) and almost no cycles. Python's
    collector still walks them all again each time their number grows by a
    quarter, which made loading ten thousand news items 2.5 times slower.

    ``promote``: what the block made and still holds is counted as old when it
    ends, without being walked. Else the first collection after it walks every
    object made in the block (0.2 s after a build of 10,000 news items, to free
    nothing); an old object is walked only by a full collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if promote and gc.get_freeze_count() == 0:  # (a preview's frozen heap is left frozen)
            gc.freeze()  # every tracked object out of the young generations, their counts reset...
            gc.unfreeze()  # ...and back, into the oldest
        if was_enabled:
            gc.enable()


def _all_but_one_core() -> tuple[set, set] | None:
    """(this process's cores, all of them but one): the second for a pool that works beside this process.

    Without it, this process and two converting workers shared two cores in
    thirds, and the loading, validating and compiling that the pages wait for
    ran at two thirds of a core (at 1k news it ends after the conversions).
    None where cores cannot be chosen, or there is only one.
    """
    try:
        cores = os.sched_getaffinity(0)
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return None
    return (cores, cores - {min(cores)}) if len(cores) > 1 else None


def _start_worker() -> None:
    """A forked worker never collects: what it inherited is shared state, and its work leaves almost no
    cyclic garbage.

    Freezing the inherited objects keeps a collection from writing to each of
    them, which would copy the shared pages into each worker. Collecting what
    the worker makes is not worth its time either: converting a news item
    leaves 5 objects in reference cycles, drawing a share card one, rendering
    a page none (measured with collection off, then ``gc.collect()``), while
    the collector's passes over the young objects took 4% of the time of the
    conversions. A worker lives for one stage of one build.
    """
    gc.freeze()
    gc.disable()


def _call(args):
    func, start, stop = args
    return func(_state, start, stop)


def run_chunks(func: Callable[[Any, int, int], list], count: int, state: Any, jobs: int | None = None,
               per_worker: int | None = None) -> list:
    """``func(state, start, stop)`` over ``range(count)`` in chunks, results concatenated in order.

    ``func`` must be a module-level function; it runs in forked workers that
    see ``state`` as it was when the pool started.
    """
    with start_chunks(func, count, state, jobs, per_worker) as pending:
        return pending.result()


class Pending:
    """Chunks being worked on in the background; ``result()`` or ``parts()`` waits for them.

    Use it as a context manager: leaving the block stops the workers, whether
    or not the result was collected (a build that fails early does not wait).
    """

    def __init__(self, func: Callable[[Any, int, int], list], count: int, state: Any, jobs: int | None,
                 per_worker: int | None = None, spare_core: bool = False):
        global _state
        self._func, self._count, self._state = func, count, state
        self._pool = None
        self._spared: list[int] = []  # the workers kept off this process's core, by process id...
        self._every_core: set = set()  # ...and the cores they get back
        self._results = None
        self._collected = False
        workers = workers_for(count, jobs, per_worker)
        if workers == 1:
            return  # done in this process, when the result is asked for
        chunks = min(count, workers * CHUNKS_PER_WORKER)
        bounds = [(count * i // chunks, count * (i + 1) // chunks) for i in range(chunks)]
        cores = _all_but_one_core() if spare_core else None
        if cores:
            try:  # narrowed for the fork, so the workers are born with it: none can start late and miss it
                os.sched_setaffinity(0, cores[1])
            except OSError:  # pragma: no cover - a sandbox that forbids it: every core, as before
                cores = None
        before = {child.pid for child in multiprocessing.active_children()} if cores else set()
        _state = state
        try:  # the workers are forked here and see the state as it is now
            self._pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker)
        finally:
            _state = None
            if cores:
                os.sched_setaffinity(0, cores[0])
        if cores:
            self._every_core = cores[0]
            self._spared = [child.pid for child in multiprocessing.active_children() if child.pid not in before]
        self._results = self._pool.imap(_call, [(func, a, b) for a, b in bounds], chunksize=1)

    @property
    def in_background(self) -> bool:
        return self._pool is not None

    def use_every_core(self) -> None:
        """Let workers started with ``spare_core`` use this process's core too: it is about to wait.

        Widening a running worker's cores does not move it: the core this
        process leaves idle took 50-100 ms to pull one over (the scheduler's
        next balancing), while two workers still shared the other. So each
        worker is first put on one core, in turn (which moves it at once),
        then given them all.
        """
        cores = sorted(self._every_core)
        for i, pid in enumerate(self._spared):
            try:
                os.sched_setaffinity(pid, {cores[i % len(cores)]})
                os.sched_setaffinity(pid, self._every_core)
            except OSError:  # already gone
                pass
        self._spared = []

    def parts(self) -> Iterator[list]:
        """Each chunk's results, in the order of the chunks, each as soon as it is done (once only):
        the caller can use the first while the workers are still on the last."""
        if self._results is None:
            yield self._func(self._state, 0, self._count)
            return
        yield from self._results
        self._collected = True
        self.close()

    def result(self) -> list:
        out: list = []
        for part in self.parts():
            out.extend(part)
        return out

    def close(self) -> None:
        if self._pool is not None:
            if self._collected:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> "Pending":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start_chunks(func: Callable[[Any, int, int], list], count: int, state: Any,
                 jobs: int | None = None, per_worker: int | None = None, spare_core: bool = False) -> Pending:
    """Like :func:`run_chunks`, but returns at once: the work goes on while this process does other things.

    ``spare_core``: the workers keep off one core, this process's, until
    :meth:`Pending.use_every_core` (for work beside which this process has
    its own to do first, which the rest of the build waits for).
    """
    return Pending(func, count, state, jobs, per_worker, spare_core)
