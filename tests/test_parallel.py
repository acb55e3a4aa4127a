"""Work on every core: the converting workers leave the main process a core while it has its own work.

A small site's build waits for the main process (loading, validating,
compiling the templates) more than for the Markdown workers beside it; with a
core to itself it is done sooner. Once it only waits, the workers get every
core again.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest

from conftest import unavailable_here

from smartsite import parallel

CORES = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()


@pytest.fixture
def two_cores():
    """The spared core needs two cores and fork; CI's machine has both, so there a lack of them fails."""
    if len(CORES) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        unavailable_here("this machine has fewer than two cores or no fork")


def cores_seen(state, start, stop):
    release = state
    if release is not None:
        release.wait(30)
    return [sorted(os.sched_getaffinity(0)) for _ in range(start, stop)]


def test_workers_keep_off_one_core_until_the_main_process_waits(two_cores):
    release = multiprocessing.get_context("fork").Event()
    with parallel.start_chunks(cores_seen, 400, release, jobs=2, per_worker=1, spare_core=True) as pending:
        assert pending.in_background
        pending.use_every_core()
        release.set()
        after = pending.result()
    assert {tuple(seen) for seen in after} == {tuple(sorted(CORES))}

    with parallel.start_chunks(cores_seen, 400, None, jobs=2, per_worker=1, spare_core=True) as pending:
        before = pending.result()
    assert {tuple(seen) for seen in before} == {tuple(sorted(CORES - {min(CORES)}))}


def test_without_a_spared_core_workers_use_every_core(two_cores):
    with parallel.start_chunks(cores_seen, 400, None, jobs=2, per_worker=1) as pending:
        seen = pending.result()
    assert {tuple(cores) for cores in seen} == {tuple(sorted(CORES))}


def test_a_small_site_spares_the_core_and_a_large_one_does_not(tmp_path, monkeypatch):
    from smartsite import early

    asked = []
    monkeypatch.setattr(early, "start_chunks", lambda *args, spare_core=False: asked.append(spare_core))
    monkeypatch.setattr(early, "workers_for", lambda count, jobs: 2)
    for count in (early.SPARE_CORE_UP_TO, early.SPARE_CORE_UP_TO + 1):
        early.EarlyMarkdown(tmp_path, [f"content/news/{i}.md" for i in range(count)], set(), 1 << 20, None)
    assert asked == [True, False]
