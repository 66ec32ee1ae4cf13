"""The evaluation-run services the routers use, kept on `app.state.evaluation_runs`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from autoforge.application.evaluation.jobs import JobRunner
from autoforge.application.evaluation.run_history import PromptHistoryService
from autoforge.application.evaluation.runs import EvaluationService

__all__ = ["EvaluationRuns", "Runs", "evaluation_runs"]


@dataclass(frozen=True, slots=True)
class EvaluationRuns:
    service: EvaluationService
    history: PromptHistoryService
    jobs: JobRunner

    async def shutdown(self) -> None:
        """Stop the running jobs; the application's lifespan awaits this before closing."""
        await self.jobs.shutdown()


async def evaluation_runs(request: Request) -> EvaluationRuns:
    # async on purpose: FastAPI runs a plain-def dependency in a worker thread per request.
    runs = request.app.state.evaluation_runs
    assert isinstance(runs, EvaluationRuns)
    return runs


Runs = Annotated[EvaluationRuns, Depends(evaluation_runs)]
