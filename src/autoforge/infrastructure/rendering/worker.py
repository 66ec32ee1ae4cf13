"""The render worker: ``python -m autoforge.infrastructure.rendering.worker``.

It reads one JSON job per line on stdin and answers one JSON outcome per line on
stdout. Each job runs in a child forked for it alone, with an address-space limit and a
CPU-time limit, and is killed when its wall-clock deadline passes. Forking is safe here
because this process is single-threaded and imports nothing but Jinja and the sandbox,
and it makes a render cost a fork rather than a Python start-up. The worker exits when
its stdin closes, that is when the process that started it goes away.
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import signal
import sys
import time

from autoforge.infrastructure.rendering.environment import RenderLimits
from autoforge.infrastructure.rendering.job import (
    SandboxJob,
    SandboxOutcome,
    decode_job,
    decode_outcome,
    encode_outcome,
    failure,
    run_job,
)

__all__ = ["main"]

_READ_CHUNK = 65_536


def main() -> None:
    for line in sys.stdin.buffer:
        try:
            job = decode_job(line)
        except (ValueError, KeyError, TypeError, AttributeError):
            outcome = failure("render_failed", "Malformed render job.", "不正な展開ジョブです。")
        else:
            outcome = _run_forked(job) if hasattr(os, "fork") else run_job(job)
        sys.stdout.buffer.write(encode_outcome(outcome) + b"\n")
        sys.stdout.buffer.flush()


def _run_forked(job: SandboxJob) -> SandboxOutcome:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(job, read_end=read_end, write_end=write_end)

    os.close(write_end)
    finished = False
    try:
        data, finished = _read_until_closed(
            read_end, deadline=time.monotonic() + job.limits.timeout_seconds
        )
    finally:
        os.close(read_end)
        # A child that closed its end is already exiting; one that did not is killed.
        if not finished:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return _outcome(data, finished=finished, limits=job.limits)


def _child(job: SandboxJob, *, read_end: int, write_end: int) -> None:
    # Never returns: a forked child must not fall back into the worker's loop.
    try:
        os.close(read_end)
        _apply_resource_limits(job.limits)
        data = encode_outcome(run_job(job))
        with os.fdopen(write_end, "wb") as output:
            output.write(data)
    finally:
        os._exit(0)


def _read_until_closed(fd: int, *, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, _READ_CHUNK)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
    return b"".join(chunks), False


def _outcome(data: bytes, *, finished: bool, limits: RenderLimits) -> SandboxOutcome:
    if not finished:
        seconds = limits.timeout_seconds
        return failure(
            "timeout",
            f"The template did not finish rendering within {seconds:g} seconds.",
            f"テンプレートの展開が {seconds:g} 秒以内に終わりませんでした。",
        )
    try:
        return decode_outcome(data)
    except ValueError:
        # No answer at all: the child was stopped by its CPU or memory limit.
        return failure(
            "memory_limit",
            "The template exhausted the resources it may use.",
            "テンプレートが使用できるリソースを使い切りました。",
        )


def _apply_resource_limits(limits: RenderLimits) -> None:
    import resource

    in_use = _address_space_in_use()
    if in_use is not None:
        _set_limit(resource.RLIMIT_AS, in_use + limits.memory_bytes)
    _set_limit(resource.RLIMIT_CPU, math.ceil(limits.timeout_seconds) + 1)


def _set_limit(kind: int, value: int) -> None:
    import resource

    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    with contextlib.suppress(ValueError, OSError):  # the wall-clock deadline still applies
        resource.setrlimit(kind, (value, hard))


def _address_space_in_use() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    main()
