"""The API side of the render sandbox: a small pool of worker processes.

Workers are started on first use with ``python -m autoforge.infrastructure.rendering.worker``
and an environment holding only PATH and PYTHONPATH, so no secret of the API process is
visible to a process that runs untrusted templates. Each worker handles one job at a time;
a semaphore bounds the pool, and callers that cannot get a worker in time receive
ServiceUnavailableError. A worker that does not answer within its job's deadline plus a
grace period is killed and replaced.

Reading answers relies on ``select`` over pipes, so this path needs a POSIX system.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import structlog

import autoforge
from autoforge.domain.errors import ServiceUnavailableError
from autoforge.infrastructure.rendering.job import (
    SandboxJob,
    SandboxOutcome,
    decode_outcome,
    encode_job,
    failure,
)

__all__ = ["SandboxRunner"]

_logger = structlog.get_logger(__name__)
_WORKER_MODULE = "autoforge.infrastructure.rendering.worker"
_GRACE_SECONDS = 2.0
_READ_CHUNK = 65_536


class _WorkerFailedError(Exception):
    """The worker process died, hung or answered something unreadable."""


class _Worker:
    def __init__(self, python: str) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            [python, "-m", _WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_worker_environment(),
            bufsize=0,
        )
        self._pending = b""

    def run(self, job: SandboxJob) -> SandboxOutcome:
        deadline = time.monotonic() + job.limits.timeout_seconds + _GRACE_SECONDS
        try:
            self._stdin.write(encode_job(job) + b"\n")
            self._stdin.flush()
        except OSError as error:
            raise _WorkerFailedError("worker stdin closed") from error
        line = self._read_line(deadline)
        try:
            return decode_outcome(line)
        except ValueError as error:
            raise _WorkerFailedError("unreadable outcome") from error

    def alive(self) -> bool:
        return self._process.poll() is None

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()

    @property
    def _stdin(self) -> IO[bytes]:
        assert self._process.stdin is not None  # set by Popen(stdin=PIPE)
        return self._process.stdin

    def _read_line(self, deadline: float) -> bytes:
        assert self._process.stdout is not None  # set by Popen(stdout=PIPE)
        fd = self._process.stdout.fileno()
        buffer = self._pending
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _WorkerFailedError("worker did not answer in time")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, _READ_CHUNK)
            if not chunk:
                raise _WorkerFailedError("worker exited")
            buffer += chunk
        line, _, self._pending = buffer.partition(b"\n")
        return line


class SandboxRunner:
    """Runs sandbox jobs on a pool of at most ``max_workers`` worker processes."""

    def __init__(self, *, max_workers: int = 4, python: str = sys.executable) -> None:
        self._python = python
        self._slots = threading.BoundedSemaphore(max_workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def run(self, job: SandboxJob) -> SandboxOutcome:
        if not self._slots.acquire(timeout=job.limits.timeout_seconds):
            _logger.warning("template_sandbox_busy")
            raise ServiceUnavailableError(
                "Too many templates are being rendered right now; try again shortly.",
                "現在テンプレートの展開が混み合っています。しばらくしてから再試行してください。",
            )
        try:
            return self._run_on_worker(job)
        finally:
            self._slots.release()

    def close(self) -> None:
        """Stop the idle workers; call at shutdown."""
        with self._lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.kill()

    def _run_on_worker(self, job: SandboxJob) -> SandboxOutcome:
        worker = self._checkout()
        try:
            outcome = worker.run(job)
        except _WorkerFailedError as error:
            _logger.warning("template_sandbox_worker_failed", error=str(error))
            worker.kill()
            return failure(
                "timeout",
                "The template could not be rendered in time.",
                "テンプレートを時間内に展開できませんでした。",
            )
        with self._lock:
            self._idle.append(worker)
        return outcome

    def _checkout(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(self._python)


def _worker_environment() -> dict[str, str]:
    # Only what is needed to find Python and this package: no API keys, no tokens.
    source_root = str(Path(autoforge.__file__).resolve().parent.parent)
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": source_root}
    # SYSTEMROOT is needed to start Python on Windows; COVERAGE_PROCESS_START lets a test
    # run measure the worker. Neither carries a secret.
    for name in ("SYSTEMROOT", "COVERAGE_PROCESS_START"):
        if name in os.environ:
            environment[name] = os.environ[name]
    return environment
