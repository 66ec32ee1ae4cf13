"""From the evaluation services' views to the API's response bodies."""

from __future__ import annotations

from dataclasses import asdict

from autoforge.application.evaluation.jobs import JobView
from autoforge.application.evaluation.run_history import PromptHistory
from autoforge.application.evaluation.run_ports import EvaluationView
from autoforge.domain.evaluation.run import Cell, EvaluationPlan
from autoforge.presentation.api.evaluation_run_schemas import (
    ArmOut,
    ArmSummaryOut,
    CellOut,
    ComparisonOut,
    EvaluationOut,
    HistoryPointOut,
    HistoryVersionOut,
    JobOut,
    PromptHistoryOut,
)
from autoforge.presentation.api.evaluation_schemas import AssertionResultOut

__all__ = ["cell_out", "evaluation_out", "history_out", "job_out"]


def job_out(job: JobView) -> JobOut:
    return JobOut(**{**asdict(job), "status": job.status.value})


def evaluation_out(view: EvaluationView) -> EvaluationOut:
    plan = view.plan
    summaries = view.summaries or (None,) * len(plan.arms)
    return EvaluationOut(
        evaluation_id=plan.evaluation_id,
        kind=plan.kind.value,
        status=view.job.status.value,
        job=job_out(view.job),
        dataset_id=plan.dataset_id,
        dataset_revision=plan.dataset_revision,
        case_count=plan.case_count,
        repeats=plan.repeats,
        concurrency=plan.concurrency,
        total_cells=plan.total_cells,
        grader_model=plan.grader_model,
        alpha=plan.alpha,
        temperature=plan.sampling.temperature,
        max_tokens=plan.sampling.max_tokens,
        created_at=plan.created_at,
        arms=[
            ArmOut(
                arm=index,
                prompt_id=arm.prompt_id,
                version=arm.version,
                model=arm.model,
                summary=None if summary is None else ArmSummaryOut(**summary.to_dict()),
            )
            for index, (arm, summary) in enumerate(zip(plan.arms, summaries, strict=True))
        ],
        partial=view.partial,
        comparison=None if view.comparison is None else ComparisonOut(**view.comparison.to_dict()),
    )


def cell_out(plan: EvaluationPlan, cell: Cell) -> CellOut:
    arm = plan.arms[cell.key.arm]
    return CellOut(
        arm=cell.key.arm,
        prompt_id=arm.prompt_id,
        version=arm.version,
        model=arm.model,
        case_index=cell.key.case_index,
        test_case_id=cell.test_case_id,
        repeat=cell.key.repeat,
        status=cell.status.value,
        passed=cell.passed,
        score=cell.score,
        output=cell.output,
        assertions=[
            AssertionResultOut(
                type=result.type,
                passed=result.passed,
                score=result.score,
                reason=result.reason,
                weight=result.weight,
                metric=result.metric,
                error=result.error,
                grader_output=result.grader_output,
            )
            for result in cell.assertions
        ],
        named_scores=dict(cell.named_scores),
        tokens_in=cell.tokens_in,
        tokens_out=cell.tokens_out,
        cost_usd=cell.cost_usd,
        latency_ms=cell.latency_ms,
        error_code=cell.error_code,
        error=cell.error,
        finished_at=cell.finished_at,
    )


def history_out(history: PromptHistory) -> PromptHistoryOut:
    return PromptHistoryOut(
        prompt_id=history.prompt_id,
        versions=[
            HistoryVersionOut(
                **asdict(version), run_count=version.run_count, cost_usd=version.cost_usd
            )
            for version in history.versions
        ],
        points=[HistoryPointOut(**asdict(point)) for point in history.points],
    )
