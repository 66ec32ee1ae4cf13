"""Evaluation runs and A/B comparisons as jobs, their cells and progress, and prompt history.

A run answers 202 at once with its Location; GET it (or follow its server-sent events)
until its status is succeeded, failed or cancelled. A comparison's cells, events and
cancel live under /evaluations/{id}, like any run's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sse_starlette import EventSourceResponse

from autoforge.application.evaluation.run_ports import CellFilter, EvaluationView
from autoforge.application.evaluation.runs import (
    ArmChoice,
    StartComparison,
    StartEvaluation,
    VersionChoice,
)
from autoforge.domain.evaluation.run import CellStatus, Sampling
from autoforge.domain.identity.model import Actor
from autoforge.presentation.api.evaluation_run_deps import Runs
from autoforge.presentation.api.evaluation_run_mapping import (
    cell_out,
    evaluation_out,
    history_out,
    job_out,
)
from autoforge.presentation.api.evaluation_run_schemas import (
    ArmIn,
    CellPageOut,
    ComparisonCreateIn,
    EvaluationCreateIn,
    EvaluationOut,
    PromptHistoryOut,
    VersionChoiceIn,
)
from autoforge.presentation.container import CurrentActor

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["evaluations"])


def _choice(body: VersionChoiceIn) -> VersionChoice:
    return VersionChoice(prompt_id=body.prompt_id, version=body.version, label=body.label)


def _arm(body: ArmIn) -> ArmChoice:
    return ArmChoice(prompt=_choice(body), model=body.model)


def _accepted(response: Response, view: EvaluationView, collection: str) -> EvaluationOut:
    response.headers["Location"] = f"/api/v1/{collection}/{view.plan.evaluation_id}"
    return evaluation_out(view)


@router.post("/evaluations", status_code=status.HTTP_202_ACCEPTED, response_model=EvaluationOut)
async def create_evaluation(
    body: EvaluationCreateIn, runs: Runs, actor: CurrentActor, response: Response
) -> EvaluationOut:
    """Run prompt versions × models × the dataset's test cases × repeats, as a job."""
    command = StartEvaluation(
        dataset_id=body.dataset_id,
        prompt_versions=[_choice(choice) for choice in body.prompt_versions],
        models=body.models,
        repeats=body.repeats,
        concurrency=body.concurrency,
        grader_model=body.grader_model,
        sampling=Sampling(temperature=body.temperature, max_tokens=body.max_tokens),
    )
    return _accepted(response, await runs.service.start(actor, command), "evaluations")


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut)
async def get_evaluation(evaluation_id: str, runs: Runs, actor: CurrentActor) -> EvaluationOut:
    """Status and progress; once it has ended, the figures of each prompt version × model."""
    return evaluation_out(await runs.service.get(actor, evaluation_id))


@router.get("/evaluations/{evaluation_id}/cells", response_model=CellPageOut)
async def list_cells(
    evaluation_id: str,
    runs: Runs,
    actor: CurrentActor,
    arm: Annotated[int | None, Query(ge=0)] = None,
    cell_status: Annotated[CellStatus | None, Query(alias="status")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CellPageOut:
    query = CellFilter(arm=arm, status=cell_status, page=page, page_size=page_size)
    plan, cells = await runs.service.cells(actor, evaluation_id, query)
    return CellPageOut(
        items=[cell_out(plan, cell) for cell in cells.items],
        total=cells.total,
        page=cells.page,
        page_size=cells.page_size,
    )


@router.get("/evaluations/{evaluation_id}/events", response_class=EventSourceResponse)
async def follow_evaluation(
    evaluation_id: str, runs: Runs, actor: CurrentActor
) -> EventSourceResponse:
    """Server-sent events: `progress` ({status, done, total, ...}) as cells are stored, then
    one `finished` event holding the whole evaluation, and the stream ends."""
    await runs.service.get(actor, evaluation_id)  # an unknown id answers 404, not a stream
    return EventSourceResponse(_events(runs, actor, evaluation_id), ping=15)


async def _events(runs: Runs, actor: Actor, evaluation_id: str) -> AsyncIterator[dict[str, str]]:
    async for job in runs.service.follow(actor, evaluation_id):
        if not job.status.finished:
            yield {"event": "progress", "data": job_out(job).model_dump_json()}
    final = evaluation_out(await runs.service.get(actor, evaluation_id))
    yield {"event": "finished", "data": final.model_dump_json(by_alias=True)}


@router.post("/evaluations/{evaluation_id}/cancel", response_model=EvaluationOut)
async def cancel_evaluation(evaluation_id: str, runs: Runs, actor: CurrentActor) -> EvaluationOut:
    """Stop the run: cells in flight are abandoned, the stored ones stay. Idempotent."""
    return evaluation_out(await runs.service.cancel(actor, evaluation_id))


@router.post("/comparisons", status_code=status.HTTP_202_ACCEPTED, response_model=EvaluationOut)
async def create_comparison(
    body: ComparisonCreateIn, runs: Runs, actor: CurrentActor, response: Response
) -> EvaluationOut:
    """A/B: two versions (or one version on two models) on the same cases, paired."""
    command = StartComparison(
        dataset_id=body.dataset_id,
        a=_arm(body.a),
        b=_arm(body.b),
        model=body.model,
        repeats=body.repeats,
        concurrency=body.concurrency,
        grader_model=body.grader_model,
        alpha=body.alpha,
        sampling=Sampling(temperature=body.temperature, max_tokens=body.max_tokens),
    )
    return _accepted(response, await runs.service.start_comparison(actor, command), "comparisons")


@router.get("/comparisons/{evaluation_id}", response_model=EvaluationOut)
async def get_comparison(evaluation_id: str, runs: Runs, actor: CurrentActor) -> EvaluationOut:
    """Once succeeded, `comparison` holds the p-values, the interval and the verdict."""
    return evaluation_out(await runs.service.get_comparison(actor, evaluation_id))


@router.get("/prompts/{prompt_id}/history", response_model=PromptHistoryOut)
async def prompt_history(prompt_id: str, runs: Runs, actor: CurrentActor) -> PromptHistoryOut:
    """Per version: evaluation and run totals; per completed evaluation arm: a chart point."""
    return history_out(await runs.history.history(actor, prompt_id))
