"""Wiring of evaluation runs, A/B comparisons and prompt history into the application.

`install_evaluation_runs` is called once by the composition root. It builds the job
runner (in-process: the embedded default) and the services over the given database,
prompt reads, renderer and model gateway, keeps them on `app.state.evaluation_runs`
and includes the router. The lifespan awaits `shutdown()` of what it returns before the
database closes, so running jobs stop cleanly and are recorded as interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from autoforge.application.evaluation.run_execution import EVALUATION_JOB, EvaluationExecutor
from autoforge.application.evaluation.run_history import PromptHistoryService
from autoforge.application.evaluation.runs import EvaluationService
from autoforge.application.llm.ports import LLMGateway
from autoforge.application.prompt.rendering import TemplateRenderer
from autoforge.application.prompt.views import PromptQueries
from autoforge.domain.identity.model import Actor
from autoforge.infrastructure.db.datasets import SqlDatasetRepository
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_runs import SqlEvaluationRepository
from autoforge.infrastructure.db.job_store import SqlJobStore
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter
from autoforge.infrastructure.evaluation.safe_regex import SafeRegexEngine
from autoforge.infrastructure.evaluation.statistics import compare_paired
from autoforge.infrastructure.jobs import InProcessJobRunner
from autoforge.presentation.api import evaluations
from autoforge.presentation.api.evaluation_run_deps import EvaluationRuns

__all__ = ["install_evaluation_runs"]


def _now() -> datetime:
    return datetime.now(UTC)


def install_evaluation_runs(
    app: FastAPI,
    *,
    database: Database,
    queries: PromptQueries,
    renderer: TemplateRenderer,
    gateway_for: Callable[[Actor], LLMGateway],
    default_model: str,
    max_running_jobs: int = 2,
    timeout_s: float = 120.0,
) -> EvaluationRuns:
    """Build the services, include the router; the grader defaults to `default_model`."""
    repository = SqlEvaluationRepository(database)
    datasets = SqlDatasetRepository(database)
    jobs = InProcessJobRunner(SqlJobStore(database), max_running=max_running_jobs, clock=_now)
    jobs.register(
        EVALUATION_JOB,
        EvaluationExecutor(
            repository=repository,
            datasets=datasets,
            queries=queries,
            renderer=renderer,
            gateway_for=gateway_for,
            schema_validator=JsonSchemaAdapter(),
            comparator=compare_paired,
            default_grader=default_model,
            clock=_now,
            timeout_s=timeout_s,
            regex_engine=SafeRegexEngine(),
        ),
    )
    runs = EvaluationRuns(
        service=EvaluationService(
            repository=repository,
            datasets=datasets,
            queries=queries,
            jobs=jobs,
            gateway_for=gateway_for,
            default_model=default_model,
            clock=_now,
        ),
        history=PromptHistoryService(queries=queries, repository=repository),
        jobs=jobs,
    )
    app.state.evaluation_runs = runs
    app.include_router(evaluations.router)
    return runs
