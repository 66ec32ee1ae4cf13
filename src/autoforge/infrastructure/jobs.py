"""The in-process job runner: jobs are asyncio tasks of the API process (embedded default).

Tasks belong to the runner, not to a request, so a job outlives the request that
submitted it. At most `max_running` run at once; later ones wait, queued, up to
`max_queued`. Progress is kept in memory for this process's reads and written to the
job store at most every `progress_interval_s`. A job left queued or running by a
process that stopped is marked failed the first time this runner is used.

TODO: with several API processes on one PostgreSQL database each would mark the
others' running jobs failed at its first use; such deployments need the Redis runner
(workers claim jobs, a dead worker's job is claimed again) or a heartbeat per job.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

import structlog

from autoforge.application.evaluation.jobs import (
    JobContext,
    JobHandler,
    JobQueueFullError,
    JobRequest,
    JobStatus,
    JobStore,
    JobView,
)
from autoforge.domain.errors import DomainError

__all__ = ["InProcessJobRunner"]

log = structlog.get_logger(__name__)

INTERRUPTED: Final = "JOB_INTERRUPTED"
INTERRUPTED_MESSAGE: Final = "The server stopped before the job finished."
SHUTDOWN_GRACE_S: Final = 10.0


@dataclass(slots=True)
class _Running:
    task: asyncio.Task[None]
    done: int
    total: int
    persisted_at: float = 0.0
    started: bool = False


def _now() -> datetime:
    return datetime.now(UTC)


class InProcessJobRunner:
    def __init__(
        self,
        store: JobStore,
        *,
        max_running: int = 2,
        max_queued: int = 100,
        progress_interval_s: float = 0.5,
        cancel_wait_s: float = 5.0,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._store = store
        self._handlers: dict[str, JobHandler] = {}
        self._slots = asyncio.Semaphore(max_running)
        self._capacity = max_running + max_queued
        self._progress_interval_s = progress_interval_s
        self._cancel_wait_s = cancel_wait_s
        self._clock = clock
        self._jobs: dict[str, _Running] = {}
        self._recovered = False
        self._recovery_lock = asyncio.Lock()
        self._stopping = False

    @property
    def waiting(self) -> int:
        """Jobs accepted but not yet started (the queue depth)."""
        return sum(1 for running in self._jobs.values() if not running.started)

    def register(self, kind: str, handler: JobHandler) -> None:
        self._handlers[kind] = handler

    async def submit(self, request: JobRequest) -> JobView:
        if request.kind not in self._handlers:
            raise ValueError(f"no handler registered for jobs of kind {request.kind!r}")
        await self._recover_once()
        if self._stopping or len(self._jobs) >= self._capacity:
            raise JobQueueFullError(retry_after_s=5)
        view = await self._store.create(request, at=self._clock())
        task = asyncio.create_task(self._run(request), name=f"job-{request.kind}-{request.job_id}")
        self._jobs[request.job_id] = _Running(task=task, done=0, total=request.total)
        task.add_done_callback(lambda _: self._jobs.pop(request.job_id, None))
        log.info("job_submitted", job_id=request.job_id, kind=request.kind, total=request.total)
        return view

    async def status(self, tenant_id: str, job_id: str) -> JobView:
        await self._recover_once()
        view = await self._store.get(tenant_id, job_id)
        running = self._jobs.get(job_id)
        if running is None or view.status.finished:
            return view
        # This process runs the job: its live count is fresher than the stored one.
        return replace(view, done=running.done, total=running.total)

    async def cancel(self, tenant_id: str, job_id: str) -> JobView:
        view = await self.status(tenant_id, job_id)
        if view.status.finished:
            return view
        running = self._jobs.get(job_id)
        if running is None:
            # Queued or running in no live process: nothing to stop, only to record.
            await self._store.finish(
                job_id, status=JobStatus.CANCELLED, done=view.done, at=self._clock()
            )
        else:
            running.task.cancel()
            await asyncio.wait({running.task}, timeout=self._cancel_wait_s)
        return await self.status(tenant_id, job_id)

    async def shutdown(self) -> None:
        self._stopping = True
        tasks = [running.task for running in self._jobs.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
        log.info("job_runner_stopped", interrupted=len(tasks))

    async def wait(self, job_id: str) -> None:
        """Until the job, if this process runs it, has ended (benchmarks and tests use this)."""
        running = self._jobs.get(job_id)
        if running is not None:
            await asyncio.wait({running.task})

    async def _run(self, request: JobRequest) -> None:
        job_id = request.job_id
        structlog.contextvars.bind_contextvars(job_id=job_id, job_kind=request.kind)
        try:
            async with self._slots:
                if (running := self._jobs.get(job_id)) is not None:
                    running.started = True
                await self._store.mark_running(job_id, at=self._clock())
                context = JobContext(request=request, report_progress=self._progress_of(job_id))
                await self._handlers[request.kind](context)
        except asyncio.CancelledError:
            await self._record_cancelled(job_id)
            raise
        except DomainError as error:
            await self._end(job_id, JobStatus.FAILED, code=error.instance_code, error=str(error))
        except Exception as error:  # a handler's bug must end as a failed job, not a lost task
            log.exception("job_crashed", error_type=type(error).__name__)
            await self._end(job_id, JobStatus.FAILED, code="INTERNAL_ERROR", error="Job crashed.")
        else:
            await self._end(job_id, JobStatus.SUCCEEDED)

    async def _record_cancelled(self, job_id: str) -> None:
        if self._stopping:
            await self._end(job_id, JobStatus.FAILED, code=INTERRUPTED, error=INTERRUPTED_MESSAGE)
        else:
            await self._end(job_id, JobStatus.CANCELLED)

    async def _end(
        self, job_id: str, status: JobStatus, *, code: str | None = None, error: str | None = None
    ) -> None:
        running = self._jobs.get(job_id)
        done = running.done if running else 0
        await self._store.finish(
            job_id, status=status, done=done, at=self._clock(), error_code=code, error=error
        )
        log.info("job_finished", job_id=job_id, status=status.value, done=done, error_code=code)

    def _progress_of(self, job_id: str) -> Callable[[int, int], Awaitable[None]]:
        async def report(done: int, total: int) -> None:
            running = self._jobs.get(job_id)
            if running is None:
                return
            running.done, running.total = done, total
            now = time.monotonic()
            if now - running.persisted_at >= self._progress_interval_s:
                running.persisted_at = now
                await self._store.update_progress(job_id, done=done, total=total)

        return report

    async def _recover_once(self) -> None:
        if self._recovered:
            return
        async with self._recovery_lock:
            if self._recovered:
                return
            count = await self._store.fail_unfinished(
                at=self._clock(), error_code=INTERRUPTED, error=INTERRUPTED_MESSAGE
            )
            self._recovered = True
        if count:
            log.warning("jobs_interrupted_by_restart", count=count)
