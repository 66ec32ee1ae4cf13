"""Evaluation runs end to end through the service, the job runner and the executor, with
fakes of every port: what runs, what is stored, what is summed up."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from autoforge.application.evaluation.jobs import JobContext, JobRequest, JobStatus
from autoforge.application.evaluation.run_ports import EvaluationView
from autoforge.application.evaluation.runs import (
    ArmChoice,
    StartComparison,
    StartEvaluation,
    VersionChoice,
)
from autoforge.domain.evaluation.dataset import TestCase
from autoforge.domain.evaluation.run import CellKey, CellStatus, error_cell
from autoforge.domain.evaluation.run_errors import EvaluationNotFoundError
from autoforge.domain.identity.model import Actor
from autoforge.domain.llm.model import UnknownModelError
from tests.unit.evaluation.run_fakes import ACTOR, NOW, FakeGateway, case
from tests.unit.evaluation.run_harness import Harness, build_harness

ECHOED = {"type": "icontains", "value": "{{word}}"}
BOTH = [VersionChoice("p1", version=1), VersionChoice("p1", label="latest")]


async def finish(harness: Harness, view: EvaluationView) -> EvaluationView:
    await asyncio.wait_for(harness.jobs.wait(view.job.job_id), timeout=5)
    return await harness.service.get(ACTOR, view.plan.evaluation_id)


async def stored_at_least(harness: Harness, view: EvaluationView, count: int) -> None:
    for _ in range(500):
        if len(harness.evaluations.stored_cells[view.plan.evaluation_id]) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} cells stored after 5 s")


async def test_every_cell_of_the_matrix_runs_once_and_the_figures_are_stored() -> None:
    harness = build_harness(cases=[case(w, ECHOED) for w in ("w1", "w2", "w3")])
    command = StartEvaluation("d1", BOTH, models=["m1", "m2"], repeats=2, concurrency=4)

    view = await harness.service.start(ACTOR, command)
    done = await finish(harness, view)

    assert [(arm.version, arm.model) for arm in view.plan.arms] == [
        (1, "m1"),
        (1, "m2"),
        (2, "m1"),
        (2, "m2"),
    ]
    assert done.job.status is JobStatus.SUCCEEDED
    assert (done.job.done, done.job.total) == (24, 24)
    assert len(harness.gateway.model_calls) == 24
    cells = harness.evaluations.stored_cells[view.plan.evaluation_id]
    assert sorted(cells) == sorted(view.plan.cell_keys())
    assert done.summaries is not None
    assert [summary.pass_rate for summary in done.summaries] == [1.0, 1.0, 0.0, 0.0]
    event, metadata = harness.evaluations.events[0]
    assert (event.cells, event.errors, metadata.tenant_id) == (24, 0, "t1")
    assert [arm["pass_rate"] for arm in event.arms] == [1.0, 1.0, 0.0, 0.0]


async def test_no_more_model_calls_are_in_flight_than_the_concurrency() -> None:
    gateway = FakeGateway(delay_s=0.01)
    harness = build_harness(cases=[case(str(i), ECHOED) for i in range(20)], gateway=gateway)

    await finish(
        harness, await harness.service.start(ACTOR, StartEvaluation("d1", BOTH, concurrency=3))
    )

    assert gateway.most_active == 3
    assert len(gateway.model_calls) == 40


async def test_failed_calls_and_missing_variables_are_error_cells_and_the_rest_still_runs() -> None:
    cases = [case("BOOM", ECHOED), case("ok", ECHOED), TestCase(vars={}, assertions=(ECHOED,))]
    harness = build_harness(cases=cases, prompts={"p1": ["Repeat {{word}}"]})

    view = await harness.service.start(ACTOR, StartEvaluation("d1", [VersionChoice("p1")]))
    done = await finish(harness, view)

    cells = harness.evaluations.stored_cells[view.plan.evaluation_id]
    statuses = {key.case_index: (c.status, c.error_code) for key, c in cells.items()}
    assert statuses == {
        0: (CellStatus.ERROR, "PROVIDER_ERROR"),
        1: (CellStatus.PASSED, None),
        2: (CellStatus.ERROR, "MISSING_VARIABLES"),
    }
    assert len(harness.gateway.model_calls) == 2  # the unrenderable case never reached the model
    assert done.job.status is JobStatus.SUCCEEDED
    assert done.summaries is not None
    assert done.summaries[0].errors == 2


async def test_cells_stored_by_an_earlier_attempt_are_not_run_again() -> None:
    harness = build_harness(cases=[case(w, ECHOED) for w in ("a", "b")])
    view = await harness.service.start(ACTOR, StartEvaluation("d1", BOTH[:1], concurrency=1))
    await finish(harness, view)
    plan, calls = view.plan, len(harness.gateway.model_calls)
    stored = harness.evaluations.stored_cells[plan.evaluation_id]
    stored.pop(CellKey(0, 1, 0))
    marker = error_cell(CellKey(0, 0, 0), test_case_id="a", code="OLD", message="kept", at=NOW)
    stored[CellKey(0, 0, 0)] = marker

    async def ignore(done: int, total: int) -> None:
        return None

    request = JobRequest("j2", "evaluation", "t1", "u1", {"evaluation_id": plan.evaluation_id})
    await harness.executor(JobContext(request=request, report_progress=ignore))

    assert len(harness.gateway.model_calls) == calls + 1
    assert stored[CellKey(0, 0, 0)] is marker
    assert CellKey(0, 1, 0) in stored


async def test_cancelling_stops_the_run_and_keeps_the_stored_cells() -> None:
    gateway = FakeGateway(delay_s=0.02)
    harness = build_harness(cases=[case(str(i), ECHOED) for i in range(50)], gateway=gateway)
    view = await harness.service.start(ACTOR, StartEvaluation("d1", BOTH[:1], concurrency=1))
    await stored_at_least(harness, view, 3)

    cancelled = await harness.service.cancel(ACTOR, view.plan.evaluation_id)
    stored = len(harness.evaluations.stored_cells[view.plan.evaluation_id])
    await asyncio.sleep(0.1)

    assert cancelled.job.status is JobStatus.CANCELLED
    assert cancelled.partial
    assert 3 <= stored < 50
    assert len(harness.evaluations.stored_cells[view.plan.evaluation_id]) == stored
    assert cancelled.summaries is not None
    assert cancelled.summaries[0].cells == stored
    assert harness.evaluations.events == []


async def test_a_dataset_edited_after_submission_fails_the_job_without_running_cells() -> None:
    harness = build_harness(cases=[case("a", ECHOED)], max_running=1)
    blocker = await harness.service.start(ACTOR, StartEvaluation("d1", BOTH[:1]))
    view = await harness.service.start(ACTOR, StartEvaluation("d1", BOTH[:1]))
    edited = replace(harness.datasets.datasets[("t1", "d1")], revision=2)
    harness.datasets.datasets[("t1", "d1")] = edited
    await finish(harness, blocker)

    done = await finish(harness, view)

    assert done.job.status is JobStatus.FAILED
    assert done.job.error_code == "DATASET_CHANGED"
    assert harness.evaluations.stored_cells[view.plan.evaluation_id] == {}


async def test_model_graded_assertions_use_the_grader_and_keep_their_place() -> None:
    rubric = {"type": "llm-rubric", "value": "is an echo"}
    harness = build_harness(cases=[case("a", ECHOED, rubric, {"type": "contains", "value": "a"})])
    command = StartEvaluation("d1", BOTH[:1], models=["m2"], grader_model="m1")

    view = await finish(harness, await harness.service.start(ACTOR, command))

    cell = next(iter(harness.evaluations.stored_cells[view.plan.evaluation_id].values()))
    assert [result.type for result in cell.assertions] == ["icontains", "llm-rubric", "contains"]
    assert cell.assertions[1].score == 0.9
    assert cell.passed
    assert cell.score == pytest.approx((1 + 0.9 + 1) / 3)
    graders = [r.model for r in harness.gateway.requests if r.tags.get("purpose")]
    assert graders == ["m1"]


async def test_a_comparison_pairs_the_two_arms_and_stores_the_verdict() -> None:
    harness = build_harness(cases=[case(w, ECHOED) for w in ("w1", "w2", "w3")])
    command = StartComparison(
        "d1", ArmChoice(BOTH[0]), ArmChoice(BOTH[1], model="m2"), alpha=0.01, repeats=2
    )

    done = await finish(harness, await harness.service.start_comparison(ACTOR, command))

    assert [(arm.version, arm.model) for arm in done.plan.arms] == [(1, "m1"), (2, "m2")]
    call = harness.comparator.calls[0]
    assert call == {"passed_a": [True] * 6, "passed_b": [False] * 6, "alpha": 0.01}
    assert done.comparison is not None
    assert done.comparison.winner == "b"
    assert harness.evaluations.events[0][0].verdict == "b"


async def test_no_significant_difference_says_how_many_more_cases_are_needed() -> None:
    harness = build_harness(cases=[case("a", ECHOED)])
    harness.comparator.verdict = "no_significant_difference"
    command = StartComparison("d1", ArmChoice(BOTH[0]), ArmChoice(BOTH[0], model="m2"))

    done = await finish(harness, await harness.service.start_comparison(ACTOR, command))

    assert done.comparison is not None
    assert (done.comparison.winner, done.comparison.significant) == (None, False)
    assert done.comparison.needed_additional_cases == 7
    assert "7 more paired cases" in done.comparison.message


async def test_unknown_models_and_other_tenants_evaluations_are_refused() -> None:
    harness = build_harness(cases=[case("a", ECHOED)])
    view = await harness.service.start(ACTOR, StartEvaluation("d1", BOTH[:1]))
    stranger = Actor(tenant_id="t2", user_id="u2")

    with pytest.raises(UnknownModelError):
        await harness.service.start(ACTOR, StartEvaluation("d1", BOTH, models=["gpt-x"]))
    with pytest.raises(UnknownModelError):
        await harness.service.start(ACTOR, StartEvaluation("d1", BOTH, grader_model="gpt-x"))
    with pytest.raises(EvaluationNotFoundError):
        await harness.service.get(stranger, view.plan.evaluation_id)
    with pytest.raises(EvaluationNotFoundError):
        await harness.service.cancel(stranger, view.plan.evaluation_id)
    await finish(harness, view)


async def test_following_a_run_yields_each_change_and_ends_when_it_finishes() -> None:
    gateway = FakeGateway(delay_s=0.01)
    harness = build_harness(cases=[case(str(i), ECHOED) for i in range(30)], gateway=gateway)
    view = await harness.service.start(ACTOR, StartEvaluation("d1", BOTH[:1], concurrency=2))

    states = [job async for job in harness.service.follow(ACTOR, view.plan.evaluation_id)]

    assert states[-1].status is JobStatus.SUCCEEDED
    assert states[-1].done == 30
    assert len(states) >= 3
    assert [job.done for job in states] == sorted(job.done for job in states)
