"""The evaluation services the routers use, kept on `app.state.evaluation`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from autoforge.application.evaluation.checks import AssertionCheckService
from autoforge.application.evaluation.datasets import DatasetService
from autoforge.application.evaluation.quality import PromptQualityService

__all__ = ["Evaluation", "EvaluationServices", "evaluation_services"]


@dataclass(frozen=True, slots=True)
class EvaluationServices:
    datasets: DatasetService
    checks: AssertionCheckService
    quality: PromptQualityService


async def evaluation_services(request: Request) -> EvaluationServices:
    services = request.app.state.evaluation
    assert isinstance(services, EvaluationServices)
    return services


Evaluation = Annotated[EvaluationServices, Depends(evaluation_services)]
