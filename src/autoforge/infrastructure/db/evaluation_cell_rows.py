"""Cells as table rows and back; assertion results travel as their JSON dictionaries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from autoforge.domain.evaluation.assertions import AssertionResult
from autoforge.domain.evaluation.run import Cell, CellKey, EvaluationPlan

__all__ = ["assertion_from_dict", "aware", "cell_from_row", "cell_row"]


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
