"""Evaluations and cells as table rows and back; assertion results travel as JSON dictionaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from autoforge.application.evaluation.run_ports import StoredEvaluation, comparison_from_dict
from autoforge.domain.evaluation.assertions import AssertionResult
from autoforge.domain.evaluation.run import (
    Arm,
    Cell,
    CellKey,
    EvaluationKind,
    EvaluationPlan,
    Sampling,
)
from autoforge.domain.evaluation.run_metrics import ArmSummary

__all__ = [
    "assertion_from_dict",
    "aware",
    "cell_from_row",
    "cell_row",
    "evaluation_row",
    "stored_evaluation",
]


def cell_row(plan: EvaluationPlan, cell: Cell) -> dict[str, Any]:
    return {
        "evaluation_id": plan.evaluation_id,
        "arm": cell.key.arm,
        "case_index": cell.key.case_index,
        "repeat": cell.key.repeat,
        "tenant_id": plan.tenant_id,
        "test_case_id": cell.test_case_id,
        "status": cell.status.value,
        "passed": cell.passed,
        "score": cell.score,
        "output": cell.output,
        "assertions": [result.to_dict() for result in cell.assertions],
        "named_scores": dict(cell.named_scores),
        "tokens_in": cell.tokens_in,
        "tokens_out": cell.tokens_out,
        "cost_usd": cell.cost_usd,
        "latency_ms": cell.latency_ms,
        "error_code": cell.error_code,
        "error": cell.error,
        "finished_at": cell.finished_at,
    }


def cell_from_row(row: Row[Any]) -> Cell:
    return Cell(
        key=CellKey(arm=row.arm, case_index=row.case_index, repeat=row.repeat),
        test_case_id=row.test_case_id,
        output=row.output,
        passed=row.passed,
        score=row.score,
        finished_at=aware(row.finished_at),
        assertions=tuple(assertion_from_dict(item) for item in row.assertions),
        named_scores=dict(row.named_scores),
        tokens_in=row.tokens_in,
        tokens_out=row.tokens_out,
        cost_usd=row.cost_usd,
        latency_ms=row.latency_ms,
        error_code=row.error_code,
        error=row.error,
    )


def assertion_from_dict(data: Mapping[str, Any]) -> AssertionResult:
    """The inverse of AssertionResult.to_dict."""
    return AssertionResult(
        type=data["type"],
        passed=data["pass"],
        score=data["score"],
        reason=data["reason"],
        weight=data.get("weight", 1.0),
        metric=data.get("metric"),
        error=data.get("error"),
        grader_output=data.get("grader_output"),
    )


def aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def evaluation_row(plan: EvaluationPlan, job_id: str) -> dict[str, Any]:
    return {
        "evaluation_id": plan.evaluation_id,
        "tenant_id": plan.tenant_id,
        "owner_id": plan.owner_id,
        "job_id": job_id,
        "kind": plan.kind.value,
        "dataset_id": plan.dataset_id,
        "dataset_revision": plan.dataset_revision,
        "case_count": plan.case_count,
        "repeats": plan.repeats,
        "concurrency": plan.concurrency,
        "grader_model": plan.grader_model,
        "alpha": plan.alpha,
        "temperature": plan.sampling.temperature,
        "max_tokens": plan.sampling.max_tokens,
        "created_at": plan.created_at,
    }


def stored_evaluation(row: Row[Any], arm_rows: Sequence[Row[Any]]) -> StoredEvaluation:
    plan = EvaluationPlan(
        evaluation_id=row.evaluation_id,
        tenant_id=row.tenant_id,
        owner_id=row.owner_id,
        kind=EvaluationKind(row.kind),
        dataset_id=row.dataset_id,
        dataset_revision=row.dataset_revision,
        case_count=row.case_count,
        arms=tuple(Arm(arm.prompt_id, arm.version, arm.model) for arm in arm_rows),
        repeats=row.repeats,
        concurrency=row.concurrency,
        grader_model=row.grader_model,
        alpha=row.alpha,
        created_at=aware(row.created_at),
        sampling=Sampling(temperature=row.temperature, max_tokens=row.max_tokens),
    )
    summaries = None
    if arm_rows and all(arm.summary is not None for arm in arm_rows):
        summaries = tuple(ArmSummary.from_dict(arm.summary) for arm in arm_rows)
    return StoredEvaluation(
        plan=plan,
        job_id=row.job_id,
        summaries=summaries,
        comparison=None if row.comparison is None else comparison_from_dict(row.comparison),
        completed_at=None if row.completed_at is None else aware(row.completed_at),
    )
