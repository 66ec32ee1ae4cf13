"""Scoring an output against assertions, with no model call for deterministic types."""

from __future__ import annotations

from fastapi import APIRouter

from autoforge.application.evaluation.checks import CheckAssertions
from autoforge.presentation.api.evaluation_deps import Evaluation
from autoforge.presentation.api.evaluation_schemas import (
    AssertionCheckIn,
    AssertionCheckOut,
    AssertionResultOut,
)
from autoforge.presentation.container import CurrentActor

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/assertions", tags=["assertions"])


@router.post("/check", response_model=AssertionCheckOut)
async def check_assertions(
    body: AssertionCheckIn, evaluation: Evaluation, actor: CurrentActor
) -> AssertionCheckOut:
    """Grade a given output, such as a logged production answer, as a test case would.

    The answer is the test's result: pass, the weighted score, the named metrics and each
    assertion's result with its reason. Model-graded types (llm-rubric, factuality,
    model-graded-closedqa) call the grader model; `similar` calls an embedding model.
    """
    command = CheckAssertions(
        output=body.output,
        assertions=body.assertions,
        vars=body.vars,
        threshold=body.threshold,
        cost=body.cost,
        latency_ms=body.latency_ms,
        prompt=body.prompt,
    )
    result = await evaluation.checks.check(actor, command)
    return AssertionCheckOut(
        passed=result.passed,
        score=result.score,
        reason=result.reason,
        threshold=result.threshold,
        named_scores=dict(result.named_scores),
        components=[
            AssertionResultOut(
                type=component.type,
                passed=component.passed,
                score=component.score,
                reason=component.reason,
                weight=component.weight,
                metric=component.metric,
                error=component.error,
                grader_output=component.grader_output,
            )
            for component in result.components
        ],
    )
