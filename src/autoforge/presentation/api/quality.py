"""The static quality report of a prompt version, in the caller's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from autoforge.presentation.api.evaluation_deps import Evaluation
from autoforge.presentation.api.evaluation_schemas import PromptQualityOut, QualityMetricOut
from autoforge.presentation.container import CurrentActor
from autoforge.presentation.errors import preferred_language

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/prompts", tags=["quality"])


@router.get("/{prompt_id}/quality", response_model=PromptQualityOut)
async def prompt_quality(
    prompt_id: str,
    request: Request,
    evaluation: Evaluation,
    actor: CurrentActor,
    version: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="Defaults to the latest")
    ] = None,
) -> PromptQualityOut:
    """Scores 0–1 with reasons, computed without any model call; stored once per version."""
    quality = await evaluation.quality.quality(actor, prompt_id, version=version)
    language = preferred_language(request)
    report = quality.report
    return PromptQualityOut(
        prompt_id=quality.prompt_id,
        version=quality.version,
        language=report.language,
        reason_language="ja" if language == "ja" else "en",
        overall=report.overall,
        grade=report.grade,
        high_quality=report.high_quality,
        token_estimate=report.token_estimate,
        metrics=[
            QualityMetricOut(
                name=metric.name,
                score=metric.score,
                reason=metric.reason_ja if language == "ja" else metric.reason_en,
                details=metric.details,
            )
            for metric in report.metrics
        ],
        computed_at=quality.computed_at,
        stored=quality.stored,
    )
