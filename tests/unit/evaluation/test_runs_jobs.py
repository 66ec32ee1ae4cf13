"""The in-process job runner over a fake job store: running, bounding, cancelling, recovering."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from autoforge.application.evaluation.jobs import (
    JobContext,
    JobNotFoundError,
    JobQueueFullError,
    JobRequest,
    JobStatus,
)
from autoforge.domain.errors import UpstreamError
from autoforge.infrastructure.jobs import InProcessJobRunner
from tests.unit.evaluation.run_fakes import NOW, FakeJobStore

Handler = Callable[[JobContext], Awaitable[None]]


def request(job_id: str, *, tenant_id: str = "t1", total: int = 10) -> JobRequest:
    return JobRequest(job_id, "work", tenant_id, "u1", {"n": 1}, total=total)


def runner_with(
    handler: Handler, *, store: FakeJobStore | None = None, **options: float
) -> tuple[InProcessJobRunner, FakeJobStore]:
    store = store or FakeJobStore()
    runner = InProcessJobRunner(store, clock=lambda: NOW, **options)  # type: ignore[arg-type]
    runner.register("work", handler)
    return runner, store


def blocking(release: asyncio.Event, started: list[str]) -> Handler:
    async def handle(context: JobContext) -> None:
        started.append(context.request.job_id)
        await context.progress(3, 10)
        await release.wait()
        await context.progress(10, 10)

    return handle


async def test_a_job_runs_after_the_request_and_its_state_is_stored() -> None:
    release = asyncio.Event()
    runner, _ = runner_with(blocking(release, []))

    submitted = await runner.submit(request("j1"))
    await asyncio.sleep(0.01)
    running = await runner.status("t1", "j1")
    release.set()
    await runner.wait("j1")
    finished = await runner.status("t1", "j1")

    assert submitted.status is JobStatus.QUEUED
    assert (running.status, running.done) == (JobStatus.RUNNING, 3)
    assert (finished.status, finished.done, finished.total) == (JobStatus.SUCCEEDED, 10, 10)
    assert finished.started_at == NOW
    assert finished.finished_at == NOW


async def test_a_handler_error_fails_the_job_with_its_code() -> None:
    async def upstream(context: JobContext) -> None:
        raise UpstreamError("model down", code="PROVIDER_ERROR")

    async def crash(context: JobContext) -> None:
        raise RuntimeError("bug")

    runner, _ = runner_with(upstream)
    runner.register("crash", crash)
    await runner.submit(request("j1"))
    await runner.submit(JobRequest("j2", "crash", "t1", "u1"))
    await runner.wait("j1")
    await runner.wait("j2")

    first, second = await runner.status("t1", "j1"), await runner.status("t1", "j2")
    assert (first.status, first.error_code, first.error) == (
        JobStatus.FAILED,
        "PROVIDER_ERROR",
        "model down",
    )
    assert (second.status, second.error_code) == (JobStatus.FAILED, "INTERNAL_ERROR")


async def test_jobs_past_the_running_limit_wait_queued_and_past_the_queue_are_refused() -> None:
    release, started = asyncio.Event(), list[str]()
    runner, _ = runner_with(blocking(release, started), max_running=1, max_queued=1)

    await runner.submit(request("j1"))
    await runner.submit(request("j2"))
    with pytest.raises(JobQueueFullError) as refused:
        await runner.submit(request("j3"))
    await asyncio.sleep(0.01)
    waiting = await runner.status("t1", "j2")
    depth_while_blocked = runner.waiting
    release.set()
    await runner.wait("j2")

    assert waiting.status is JobStatus.QUEUED
    assert (depth_while_blocked, runner.waiting) == (1, 0)
    assert started == ["j1", "j2"]
    assert refused.value.extra["retry_after"] == 5


async def test_cancel_stops_a_running_or_queued_job_and_is_idempotent() -> None:
    release, started = asyncio.Event(), list[str]()
    runner, _ = runner_with(blocking(release, started), max_running=1)
    await runner.submit(request("j1"))
    await runner.submit(request("j2"))
    await asyncio.sleep(0.01)

    queued = await runner.cancel("t1", "j2")
    running = await runner.cancel("t1", "j1")
    again = await runner.cancel("t1", "j1")

    assert (running.status, running.done) == (JobStatus.CANCELLED, 3)
    assert (queued.status, queued.done) == (JobStatus.CANCELLED, 0)
    assert started == ["j1"]
    assert again.status is JobStatus.CANCELLED


async def test_shutdown_records_running_jobs_as_interrupted_and_refuses_new_ones() -> None:
    runner, _ = runner_with(blocking(asyncio.Event(), []))
    await runner.submit(request("j1"))
    await asyncio.sleep(0.01)

    await runner.shutdown()

    stopped = await runner.status("t1", "j1")
    assert (stopped.status, stopped.error_code) == (JobStatus.FAILED, "JOB_INTERRUPTED")
    with pytest.raises(JobQueueFullError):
        await runner.submit(request("j2"))


async def test_jobs_left_unfinished_by_a_stopped_process_are_failed_at_first_use() -> None:
    store = FakeJobStore()
    await store.create(request("old"), at=NOW)
    await store.mark_running("old", at=NOW)
    runner, _ = runner_with(blocking(asyncio.Event(), []), store=store)

    seen = await runner.status("t1", "old")

    assert (seen.status, seen.error_code) == (JobStatus.FAILED, "JOB_INTERRUPTED")


async def test_progress_is_live_for_reads_but_stored_at_most_once_per_interval() -> None:
    async def chatty(context: JobContext) -> None:
        for done in range(1, 101):
            await context.progress(done, 100)

    runner, store = runner_with(chatty, progress_interval_s=60)
    await runner.submit(request("j1", total=100))
    await runner.wait("j1")

    assert store.progress_writes == 1
    assert (await runner.status("t1", "j1")).done == 100


async def test_another_tenants_job_is_not_found() -> None:
    runner, _ = runner_with(blocking(asyncio.Event(), []))
    await runner.submit(request("j1"))

    with pytest.raises(JobNotFoundError):
        await runner.status("t2", "j1")
    with pytest.raises(JobNotFoundError):
        await runner.cancel("t2", "j1")
    await runner.shutdown()
