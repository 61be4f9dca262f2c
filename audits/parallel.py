"""Summarize many files on every core: parsing dominates the run, and `ast` holds the GIL, so threads do not help.

Workers are forked (on Linux) so they start in milliseconds without re-importing anything, and send back only the
small picklable summaries. Below a few hundred files a pool costs more than it saves, so small runs stay serial.
"""

from __future__ import annotations

import os
import sys

from nbadq.audits.summaries import FileSummary
from nbadq.audits.summarize import AUTO, Job, summarize

_MIN_FILES_FOR_POOL = 200
_job: Job | None = None
_mode = AUTO


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def summarize_all(paths: list[str], job: Job, mode: str = AUTO, jobs: int | None = None) -> list[FileSummary]:
    workers = min(jobs or available_cores(), max(1, len(paths) // (_MIN_FILES_FOR_POOL // 2)))
    if workers <= 1 or len(paths) < _MIN_FILES_FOR_POOL:
        return [summarize(p, job, mode) for p in paths]
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    # Several chunks per worker even out files of different sizes; more would only add messaging.
    chunksize = max(1, len(paths) // (workers * 4))
    with context.Pool(workers, initializer=_init, initargs=(job, mode)) as pool:
        return pool.map(_work, paths, chunksize=chunksize)


def _init(job: Job, mode: str) -> None:
    global _job, _mode
    _job, _mode = job, mode


def _work(path: str) -> FileSummary:
    return summarize(path, _job, _mode)
