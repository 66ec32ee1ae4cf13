"""Long work as jobs: the port that runs them and the port that remembers their state.

A job is a kind (which handler runs it) and a JSON payload (what to run), so a worker in
another process can run it from the stored request alone: the in-process runner is the
embedded default, and a Redis Streams runner can take the same requests later. The
state of every job (status, progress, timestamps, error) lives in the job store, so any
request, in any process, can read it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from autoforge.domain.errors import NotFoundError, ServiceUnavailableError

__all__ = [
    "JobContext",
    "JobHandler",
    "JobNotFoundError",
    "JobQueueFullError",
    "JobRequest",
    "JobRunner",
    "JobStatus",
    "JobStore",
    "JobView",
]


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class JobRequest:
    """What to run. The caller picks `job_id`, so it can store its own record first."""

    job_id: str
    kind: str
    tenant_id: str
    owner_id: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    total: int = 0
    correlation_id: str | None = None


@dataclass(frozen=True, slots=True)
class JobView:
    job_id: str
    kind: str
    status: JobStatus
    done: int
    total: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error_code: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a handler gets: the request, and a way to report how far it got."""

    request: JobRequest
    report_progress: Callable[[int, int], Awaitable[None]]

    async def progress(self, done: int, total: int) -> None:
        await self.report_progress(done, total)


JobHandler = Callable[[JobContext], Awaitable[None]]


class JobRunner(Protocol):
    """Runs jobs somewhere; every read is scoped by tenant."""

    @property
    def waiting(self) -> int:
        """Jobs accepted but not started yet: the queue depth."""
        ...

    def register(self, kind: str, handler: JobHandler) -> None:
        """The handler that runs jobs of `kind`; register before the first submit."""
        ...

    async def submit(self, request: JobRequest) -> JobView:
        """Queue the job; raise JobQueueFullError when no more can be taken now."""
        ...

    async def status(self, tenant_id: str, job_id: str) -> JobView:
        """The job's state; raise JobNotFoundError (also for another tenant's job)."""
        ...

    async def cancel(self, tenant_id: str, job_id: str) -> JobView:
        """Stop the job if it has not finished; answer its state afterwards."""
        ...

    async def shutdown(self) -> None:
        """Stop taking jobs and stop the running ones (they are recorded as interrupted)."""
        ...


class JobStore(Protocol):
    async def create(self, request: JobRequest, *, at: datetime) -> JobView: ...

    async def get(self, tenant_id: str, job_id: str) -> JobView: ...

    async def mark_running(self, job_id: str, *, at: datetime) -> None: ...

    async def update_progress(self, job_id: str, *, done: int, total: int) -> None: ...

    async def finish(
        self,
        job_id: str,
        *,
        status: JobStatus,
        done: int,
        at: datetime,
        error_code: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record the end of a job; a job already finished keeps its first ending."""
        ...

    async def fail_unfinished(self, *, at: datetime, error_code: str, error: str) -> int:
        """Mark every queued or running job failed (nothing runs them any more)."""
        ...


class JobNotFoundError(NotFoundError):
    code = "JOB_NOT_FOUND"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"Job {job_id} does not exist.", f"ジョブ {job_id} は存在しません。")


class JobQueueFullError(ServiceUnavailableError):
    code = "JOB_QUEUE_FULL"

    def __init__(self, *, retry_after_s: int) -> None:
        super().__init__(
            f"Too many jobs are waiting; retry in {retry_after_s} seconds.",
            f"待機中のジョブが多すぎます。{retry_after_s} 秒後に再試行してください。",
            extra={"retry_after": retry_after_s},
        )
