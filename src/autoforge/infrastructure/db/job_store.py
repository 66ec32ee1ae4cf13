"""Job state in the database, so every request of every process reads the same status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from autoforge.application.evaluation.jobs import (
    JobNotFoundError,
    JobRequest,
    JobStatus,
    JobView,
)
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_rows import aware
from autoforge.infrastructure.db.evaluation_run_tables import jobs

__all__ = ["SqlJobStore"]

_UNFINISHED = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class SqlJobStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def create(self, request: JobRequest, *, at: datetime) -> JobView:
        async with self._database.writer.begin() as connection:
            await connection.execute(
                insert(jobs).values(
                    job_id=request.job_id,
                    tenant_id=request.tenant_id,
                    owner_id=request.owner_id,
                    kind=request.kind,
                    payload=dict(request.payload),
                    status=JobStatus.QUEUED.value,
                    done=0,
                    total=request.total,
                    correlation_id=request.correlation_id,
                    created_at=at,
                )
            )
        return JobView(
            job_id=request.job_id,
            kind=request.kind,
            status=JobStatus.QUEUED,
            done=0,
            total=request.total,
            created_at=at,
        )

    async def get(self, tenant_id: str, job_id: str) -> JobView:
        async with self._database.reader.connect() as connection:
            row = (
                await connection.execute(
                    select(jobs).where(jobs.c.tenant_id == tenant_id, jobs.c.job_id == job_id)
                )
            ).first()
        if row is None:
            raise JobNotFoundError(job_id)
        return _view(row)

    async def mark_running(self, job_id: str, *, at: datetime) -> None:
        await self._update(
            job_id, jobs.c.status == JobStatus.QUEUED.value, status="running", started_at=at
        )

    async def update_progress(self, job_id: str, *, done: int, total: int) -> None:
        await self._update(job_id, jobs.c.status.in_(_UNFINISHED), done=done, total=total)

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
        await self._update(
            job_id,
            jobs.c.status.in_(_UNFINISHED),
            status=status.value,
            done=done,
            finished_at=at,
            error_code=error_code,
            error=error,
        )

    async def fail_unfinished(self, *, at: datetime, error_code: str, error: str) -> int:
        async with self._database.writer.begin() as connection:
            result = await connection.execute(
                update(jobs)
                .where(jobs.c.status.in_(_UNFINISHED))
                .values(
                    status=JobStatus.FAILED.value,
                    finished_at=at,
                    error_code=error_code,
                    error=error,
                )
            )
        return int(result.rowcount or 0)

    async def _update(self, job_id: str, condition: Any, **values: Any) -> None:
        # The condition keeps a job's first ending: a late progress report or a second
        # ending (cancel racing completion) does not overwrite it.
        async with self._database.writer.begin() as connection:
            await connection.execute(
                update(jobs).where(jobs.c.job_id == job_id, condition).values(**values)
            )


def _view(row: Row[Any]) -> JobView:
    return JobView(
        job_id=row.job_id,
        kind=row.kind,
        status=JobStatus(row.status),
        done=row.done,
        total=row.total,
        created_at=aware(row.created_at),
        started_at=_maybe_aware(row.started_at),
        finished_at=_maybe_aware(row.finished_at),
        error_code=row.error_code,
        error=row.error,
    )


def _maybe_aware(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)
