"""Extraction on every core, with bounded work per file.

The per-file stage (`read_source` + `extract_source` on one file) runs in worker processes
(`spawn`, so it behaves the same on Linux, macOS and Windows). Each worker loads the gazetteer
once, then takes one file at a time over its own pipe and sends back that file's records — never
the text — as `extract.merge.FileRows` (export lines already encoded: the parent only merges). `extract_files` hands the outcomes on in input order (`extract.merge` combines them in
that order, so the export is byte-identical whatever the number of workers), holding at most a few
files' records that finished early: no file more than `LOOKAHEAD` per worker past the first one
not yet handed on is started.

Limits per file, so no single input can hang or swamp a run:
- size: a file larger than `max_bytes` is not read at all;
- time: a worker still busy with a file after `seconds` is killed and replaced, and the file is
  reported as skipped with the reason; the other files go on.
A worker that dies (out of memory, a crash in a native library) is replaced the same way.

Why a pool of our own rather than `concurrent.futures`: a `ProcessPoolExecutor` cannot stop one
running task — a file over its time limit would hold its worker to the end — and a killed worker
breaks the whole executor. One pipe per worker makes killing one worker safe (no shared queue
whose lock a killed process could hold).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterator, Optional

from extract.agencies import Gazetteer, load_gazetteer
from extract.merge import FileRows, file_rows
from extract.pipeline import Records, extract_source
from extract.read import UnreadableFile, read_source

DEFAULT_MAX_MB = 20.0
DEFAULT_FILE_SECONDS = 120.0
READY = "ready"
LOOKAHEAD = 4  # files per worker that may run ahead of the first one not yet handed on


@dataclass(frozen=True)
class FileLimits:
    """Per-file bounds: bytes on disk and seconds of extraction (0 or None: no limit)."""

    max_bytes: Optional[int] = int(DEFAULT_MAX_MB * 1024 * 1024)
    seconds: Optional[float] = DEFAULT_FILE_SECONDS


@dataclass
class FileOutcome:
    """What became of one input file: its records, or the reason it was skipped."""

    index: int
    path: Path
    records: Optional[FileRows] = None
    reason: Optional[str] = None
    traceback: str = ""


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def extract_file(path: Path, gaz: Gazetteer) -> Records:
    """The per-file stage: read one file and extract its records (raises UnreadableFile)."""
    _, records = extract_source(read_source(path), gaz)
    return records


def _worker(conn) -> None:
    """Worker loop: load the gazetteer once, then (index, path) in → FileOutcome out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    gaz = load_gazetteer()
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, path = task
        outcome = FileOutcome(index, Path(path))
        try:
            outcome.records = file_rows(extract_file(outcome.path, gaz))  # encoded here, not in the parent
        except UnreadableFile as exc:
            outcome.reason = exc.reason
        except Exception as exc:  # a bad file is reported and skipped, never a traceback
            outcome.reason = f"extraction failed: {type(exc).__name__}: {exc}"
            outcome.traceback = traceback.format_exc()
        conn.send(outcome)


class _Worker:
    """One worker process, its end of the pipe, and the file it is on (if any)."""

    def __init__(self, ctx) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.task: Optional[tuple[int, Path]] = None
        self.started = 0.0

    def give(self, index: int, path: Path) -> None:
        self.task = (index, path)
        self.started = time.monotonic()
        self.conn.send((index, str(path)))

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(5)
        self.kill()


def _too_big(path: Path, limits: FileLimits) -> Optional[str]:
    try:
        size = path.stat().st_size
    except OSError:
        return None  # read_source names the problem
    if limits.max_bytes and size > limits.max_bytes:
        return (f"file too large ({size / 1048576:.1f} MB; the limit is {limits.max_bytes / 1048576:g} MB, "
                "--max-file-mb)")
    return None


class _Pool:
    """The scheduler: hands files to idle workers, collects outcomes, enforces the time limit."""

    def __init__(self, jobs: int, limits: FileLimits) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.jobs, self.limits = jobs, limits
        self.workers: list[_Worker] = []
        self.failed_starts = 0
        self.finished: list[FileOutcome] = []

    def run(self, tasks: deque, may_start: Callable[[int], bool]) -> Iterator[FileOutcome]:
        """Outcomes as files finish; a task is started only when `may_start(its index)`."""
        try:
            while tasks or any(w.task for w in self.workers):
                self._dispatch(tasks, may_start)
                ready = wait([w.conn for w in self.workers], timeout=self._next_deadline())
                for w in [w for w in self.workers if w.conn in ready]:
                    self._receive(w)
                self._enforce_time_limit()
                self._dispatch(tasks, may_start)  # idle workers start before the caller merges what finished
                finished, self.finished = self.finished, []
                yield from finished
        finally:
            for w in self.workers:
                w.stop()

    def _dispatch(self, tasks: deque, may_start: Callable[[int], bool]) -> None:
        self._staff(len(tasks))
        for w in self.workers:
            if w.ready and w.task is None and tasks and may_start(tasks[0][0]):
                w.give(*tasks.popleft())

    def _staff(self, waiting: int) -> None:
        busy = sum(1 for w in self.workers if w.task)
        while len(self.workers) < min(self.jobs, busy + waiting):
            self.workers.append(_Worker(self.ctx))

    def _next_deadline(self) -> Optional[float]:
        if not self.limits.seconds:
            return None
        starts = [w.started for w in self.workers if w.task]
        if not starts:
            return None
        return max(0.0, min(starts) + self.limits.seconds - time.monotonic()) + 0.05

    def _receive(self, w: _Worker) -> None:
        try:
            message = w.conn.recv()
        except (EOFError, OSError):  # the worker died: report its file, replace it
            if not w.ready:
                self.failed_starts += 1
                if self.failed_starts >= 3:
                    raise RuntimeError(f"extraction worker processes die on start (exit code {w.proc.exitcode})")
            self._retire(w, f"the extraction process died (exit code {w.proc.exitcode}; out of memory?)")
            return
        if message == READY:
            w.ready = True
            return
        w.task = None
        self.finished.append(message)

    def _enforce_time_limit(self) -> None:
        if not self.limits.seconds:
            return
        now = time.monotonic()
        for w in [w for w in self.workers if w.task and now - w.started > self.limits.seconds]:
            self._retire(w, f"took longer than {self.limits.seconds:g} s (the time limit per file, "
                            "--file-timeout); stopped")

    def _retire(self, w: _Worker, reason: str) -> None:
        task = w.task
        w.kill()
        self.workers.remove(w)
        if task:
            self.finished.append(FileOutcome(task[0], task[1], reason=reason))


def extract_files(files: list[Path], jobs: int, limits: FileLimits) -> Iterator[FileOutcome]:
    """Extract every file in `jobs` worker processes; yields each file's outcome in the order of
    `files`, as soon as it and every file before it are done."""
    waiting: dict[int, FileOutcome] = {}  # finished, not yet handed on
    handed = 0  # files handed on: 0 .. handed-1
    tasks: deque = deque()
    for index, path in enumerate(files):
        reason = _too_big(path, limits)
        if reason:
            waiting[index] = FileOutcome(index, path, reason=reason)
        else:
            tasks.append((index, path))

    def in_order() -> Iterator[FileOutcome]:
        nonlocal handed
        while handed in waiting:
            handed += 1
            yield waiting.pop(handed - 1)
    yield from in_order()
    if tasks:
        jobs = max(1, jobs)
        for outcome in _Pool(jobs, limits).run(tasks, lambda index: index < handed + LOOKAHEAD * jobs):
            waiting[outcome.index] = outcome
            yield from in_order()
