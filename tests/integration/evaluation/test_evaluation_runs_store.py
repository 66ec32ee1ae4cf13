"""The SQL adapters of evaluation runs and jobs on a real, migrated SQLite file."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.unit.evaluation.run_fakes import NOW

from autoforge.application.evaluation.jobs import JobContext, JobRequest, JobStatus
from autoforge.domain.evaluation.assertions import AssertionResult
from autoforge.domain.evaluation.run import (
    Arm,
    Cell,
    CellKey,
    EvaluationKind,
    EvaluationPlan,
    error_cell,
    plan_evaluation,
)
from autoforge.domain.evaluation.run_errors import EvaluationNotFoundError
from autoforge.domain.evaluation.run_events import evaluation_completed
from autoforge.domain.evaluation.run_metrics import summarize_arms
from autoforge.domain.events import EventMetadata
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_runs import SqlEvaluationRepository
from autoforge.infrastructure.db.event_store import EventStore
from autoforge.infrastructure.db.job_store import SqlJobStore
from autoforge.infrastructure.jobs import InProcessJobRunner
from autoforge.infrastructure.migrations.runner import upgrade_to_head


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    database = Database.connect(url)
    await upgrade_to_head(database)
    yield database
    await database.dispose()


def a_plan() -> EvaluationPlan:
    # A fresh id each time: the PostgreSQL database is shared by the whole session.
    return plan_evaluation(
        evaluation_id=uuid.uuid4().hex,
        tenant_id="t1",
        owner_id="u1",
        kind=EvaluationKind.EVALUATION,
        dataset_id="d1",
        dataset_revision=3,
        case_count=2,
        arms=[Arm("p1", 1, "m1"), Arm("p1", 2, "m1")],
        repeats=1,
        concurrency=4,
        grader_model=None,
        alpha=None,
        at=NOW,
    )


def passing(key: CellKey, output: str = "日本語の出力") -> Cell:
    checks = (AssertionResult("not-contains", True, 1.0, "ok", metric="safety"),)
    return Cell(
        key=key,
        test_case_id=f"c{key.case_index}",
        output=output,
        passed=True,
        score=1.0,
        finished_at=NOW,
        assertions=checks,
        named_scores={"safety": 1.0},
        tokens_in=4,
        tokens_out=2,
        cost_usd=0.5,
        latency_ms=12.5,
    )


async def test_cells_round_trip_and_a_key_stored_twice_keeps_its_first_result(
    database: Database,
) -> None:
    repository, plan = SqlEvaluationRepository(database), a_plan()
    await repository.add(plan, job_id="j1")
    first = passing(CellKey(0, 0, 0))
    failure = error_cell(
        CellKey(1, 1, 0), test_case_id="c1", code="PROVIDER_ERROR", message="x", at=NOW
    )

    await repository.add_cells(plan, [first, failure])
    await repository.add_cells(plan, [passing(CellKey(0, 0, 0), output="second")])

    evaluation_id = plan.evaluation_id
    assert await repository.cells("t1", evaluation_id) == [first, failure]
    keys = await repository.stored_keys("t1", evaluation_id)
    assert keys == {CellKey(0, 0, 0), CellKey(1, 1, 0)}
    assert await repository.cells("t2", evaluation_id) == []
    stored = await repository.get("t1", evaluation_id)
    assert (stored.plan, stored.job_id, stored.summaries) == (plan, "j1", None)
    with pytest.raises(EvaluationNotFoundError):
        await repository.get("t2", evaluation_id)


async def test_completing_twice_stores_one_set_of_figures_and_one_event(
    database: Database,
) -> None:
    repository, plan = SqlEvaluationRepository(database), a_plan()
    await repository.add(plan, job_id="j1")
    await repository.add_cells(plan, [passing(CellKey(0, 0, 0)), passing(CellKey(1, 0, 0))])
    summaries = summarize_arms(await repository.cells("t1", plan.evaluation_id), arm_count=2)
    metadata = EventMetadata(tenant_id="t1", actor_id="u1")

    for _ in range(2):
        await repository.complete(
            plan,
            summaries=summaries,
            comparison=None,
            event=evaluation_completed(plan, summaries, verdict=None),
            metadata=metadata,
            at=NOW,
        )

    stored = await repository.get("t1", plan.evaluation_id)
    assert stored.summaries == tuple(summaries)
    assert stored.completed_at == NOW
    async with database.reader.connect() as connection:
        events = await EventStore(connection).load(
            tenant_id="t1", stream_id=f"evaluation-{plan.evaluation_id}"
        )
    assert len(events) == 1
    assert events[0].event.to_payload()["cells"] == 2
    history = await repository.arm_history("t1", "p1")
    mine = [point for point in history if point.evaluation_id == plan.evaluation_id]
    assert [(point.version, point.cells, point.cost_usd) for point in mine] == [
        (1, 1, 0.5),
        (2, 1, 0.5),
    ]


async def test_a_restarted_runner_reports_jobs_left_running_as_failed(database: Database) -> None:
    store, old = SqlJobStore(database), uuid.uuid4().hex
    await store.create(JobRequest(old, "evaluation", "t1", "u1", total=4), at=NOW)
    await store.mark_running(old, at=NOW)
    await store.update_progress(old, done=2, total=4)

    runner = InProcessJobRunner(store)
    seen = await runner.status("t1", old)

    assert (seen.status, seen.done, seen.error_code) == (JobStatus.FAILED, 2, "JOB_INTERRUPTED")
    assert seen.finished_at is not None
    assert seen.finished_at.tzinfo is not None


async def test_a_finished_job_keeps_its_first_ending(database: Database) -> None:
    store, job_id = SqlJobStore(database), uuid.uuid4().hex

    async def work(context: JobContext) -> None:
        await context.progress(1, 1)

    runner = InProcessJobRunner(store)
    runner.register("evaluation", work)
    await runner.submit(JobRequest(job_id, "evaluation", "t1", "u1", total=1))
    await runner.wait(job_id)
    await store.finish(job_id, status=JobStatus.CANCELLED, done=0, at=NOW)

    finished = await runner.status("t1", job_id)
    assert (finished.status, finished.done) == (JobStatus.SUCCEEDED, 1)
