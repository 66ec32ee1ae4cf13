"""Events of evaluation runs. They carry figures only: no outputs, variables or prompts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from autoforge.domain.evaluation.run import EvaluationPlan
from autoforge.domain.evaluation.run_metrics import ArmSummary
from autoforge.domain.events import DomainEvent

__all__ = ["EVALUATION_EVENT_TYPES", "EvaluationCompleted", "evaluation_completed", "stream_id"]


@dataclass(frozen=True, slots=True)
class EvaluationCompleted(DomainEvent):
    """Every cell of an evaluation ran; `arms` holds each arm's headline figures."""

    event_type: ClassVar[str] = "EvaluationCompleted"

    evaluation_id: str
    kind: str
    dataset_id: str
    dataset_revision: int
    cells: int
    errors: int
    arms: tuple[dict[str, Any], ...]
    verdict: str | None = None


def stream_id(evaluation_id: str) -> str:
    return f"evaluation-{evaluation_id}"


def evaluation_completed(
    plan: EvaluationPlan, summaries: Sequence[ArmSummary], *, verdict: str | None
) -> EvaluationCompleted:
    arms = tuple(
        {
            "prompt_id": arm.prompt_id,
            "version": arm.version,
            "model": arm.model,
            "cells": summary.cells,
            "errors": summary.errors,
            "pass_rate": summary.pass_rate,
            "mean_score": summary.mean_score,
            "cost_usd": summary.cost_usd,
            "latency_p50_ms": summary.latency_p50_ms,
            "latency_p95_ms": summary.latency_p95_ms,
            "violation_rate": summary.violation_rate,
        }
        for arm, summary in zip(plan.arms, summaries, strict=True)
    )
    return EvaluationCompleted(
        evaluation_id=plan.evaluation_id,
        kind=plan.kind.value,
        dataset_id=plan.dataset_id,
        dataset_revision=plan.dataset_revision,
        cells=sum(summary.cells for summary in summaries),
        errors=sum(summary.errors for summary in summaries),
        arms=arms,
        verdict=verdict,
    )


EVALUATION_EVENT_TYPES: dict[str, type[DomainEvent]] = {
    EvaluationCompleted.event_type: EvaluationCompleted
}
