"""Evaluation runs and A/B comparisons: submit them as jobs, follow them, read their results."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from autoforge.application.evaluation.comparisons import DEFAULT_ALPHA
from autoforge.application.evaluation.jobs import (
    JobQueueFullError,
    JobRequest,
    JobRunner,
    JobStatus,
    JobView,
)
from autoforge.application.evaluation.run_execution import EVALUATION_JOB
from autoforge.application.evaluation.run_ports import (
    CellFilter,
    DatasetReader,
    EvaluationRepository,
    EvaluationView,
)
from autoforge.application.llm.ports import LLMGateway
from autoforge.application.llm.runs import resolve_version
from autoforge.application.prompt.views import Page, PromptQueries, VersionView
from autoforge.domain.evaluation.run import (
    DEFAULT_SAMPLING,
    Arm,
    Cell,
    EvaluationKind,
    EvaluationPlan,
    Sampling,
    plan_evaluation,
)
from autoforge.domain.evaluation.run_errors import EvaluationNotFoundError
from autoforge.domain.evaluation.run_metrics import summarize_arms
from autoforge.domain.identity.model import Actor
from autoforge.domain.llm.model import UnknownModelError

__all__ = [
    "ArmChoice",
    "EvaluationService",
    "StartComparison",
    "StartEvaluation",
    "VersionChoice",
]


@dataclass(frozen=True, slots=True)
class VersionChoice:
    """A prompt version by number, or by label ("latest" when neither is given)."""

    prompt_id: str
    version: int | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class StartEvaluation:
    dataset_id: str
    prompt_versions: Sequence[VersionChoice]
    models: Sequence[str] = ()
    repeats: int = 1
    concurrency: int = 4
    grader_model: str | None = None
    sampling: Sampling = DEFAULT_SAMPLING


@dataclass(frozen=True, slots=True)
class ArmChoice:
    prompt: VersionChoice
    model: str | None = None


@dataclass(frozen=True, slots=True)
class StartComparison:
    """Two arms on one dataset: two versions on one model, or one version on two models."""

    dataset_id: str
    a: ArmChoice
    b: ArmChoice
    model: str | None = None
    repeats: int = 1
    concurrency: int = 4
    grader_model: str | None = None
    alpha: float = DEFAULT_ALPHA
    sampling: Sampling = DEFAULT_SAMPLING


def _now() -> datetime:
    return datetime.now(UTC)


class EvaluationService:
    def __init__(
        self,
        *,
        repository: EvaluationRepository,
        datasets: DatasetReader,
        queries: PromptQueries,
        jobs: JobRunner,
        gateway_for: Callable[[Actor], LLMGateway],
        default_model: str,
        clock: Callable[[], datetime] = _now,
        poll_interval_s: float = 0.25,
    ) -> None:
        self._repository = repository
        self._datasets = datasets
        self._queries = queries
        self._jobs = jobs
        self._gateway_for = gateway_for
        self._default_model = default_model
        self._clock = clock
        self._poll_interval_s = poll_interval_s

    async def start(self, actor: Actor, command: StartEvaluation) -> EvaluationView:
        models = list(dict.fromkeys(command.models)) or [self._default_model]
        self._check_models(actor, [*models, *_given(command.grader_model)])
        versions = [await self._version(actor, choice) for choice in command.prompt_versions]
        arms = [Arm(view.prompt_id, view.version, model) for view in versions for model in models]
        return await self._submit(
            actor,
            kind=EvaluationKind.EVALUATION,
            arms=arms,
            dataset_id=command.dataset_id,
            repeats=command.repeats,
            concurrency=command.concurrency,
            grader_model=command.grader_model,
            alpha=None,
            sampling=command.sampling,
        )

    async def start_comparison(self, actor: Actor, command: StartComparison) -> EvaluationView:
        arms = []
        for choice in (command.a, command.b):
            version = await self._version(actor, choice.prompt)
            model = choice.model or command.model or self._default_model
            arms.append(Arm(version.prompt_id, version.version, model))
        self._check_models(actor, [arm.model for arm in arms] + _given(command.grader_model))
        return await self._submit(
            actor,
            kind=EvaluationKind.COMPARISON,
            arms=arms,
            dataset_id=command.dataset_id,
            repeats=command.repeats,
            concurrency=command.concurrency,
            grader_model=command.grader_model,
            alpha=command.alpha,
            sampling=command.sampling,
        )

    async def get(self, actor: Actor, evaluation_id: str) -> EvaluationView:
        stored = await self._repository.get(actor.tenant_id, evaluation_id)
        job = await self._jobs.status(actor.tenant_id, stored.job_id)
        if stored.summaries is not None or job.status not in _STOPPED:
            return EvaluationView(stored.plan, job, stored.summaries, stored.comparison, False)
        # A run that stopped early: the figures of what it stored, worked out on demand.
        cells = await self._repository.cells(actor.tenant_id, evaluation_id)
        summaries = await asyncio.to_thread(summarize_arms, cells, arm_count=len(stored.plan.arms))
        return EvaluationView(stored.plan, job, tuple(summaries), None, True)

    async def get_comparison(self, actor: Actor, evaluation_id: str) -> EvaluationView:
        view = await self.get(actor, evaluation_id)
        if view.plan.kind is not EvaluationKind.COMPARISON:
            raise EvaluationNotFoundError(evaluation_id)
        return view

    async def cells(
        self, actor: Actor, evaluation_id: str, query: CellFilter
    ) -> tuple[EvaluationPlan, Page[Cell]]:
        """A page of the stored cells, with the plan that says what each arm ran."""
        stored = await self._repository.get(actor.tenant_id, evaluation_id)
        page = await self._repository.page_cells(actor.tenant_id, evaluation_id, query)
        return stored.plan, page

    async def cancel(self, actor: Actor, evaluation_id: str) -> EvaluationView:
        stored = await self._repository.get(actor.tenant_id, evaluation_id)
        await self._jobs.cancel(actor.tenant_id, stored.job_id)
        return await self.get(actor, evaluation_id)

    async def follow(self, actor: Actor, evaluation_id: str) -> AsyncIterator[JobView]:
        """The job's state each time it changes, ending with the state it finished in."""
        stored = await self._repository.get(actor.tenant_id, evaluation_id)
        last: tuple[JobStatus, int] | None = None
        while True:
            job = await self._jobs.status(actor.tenant_id, stored.job_id)
            if (job.status, job.done) != last:
                last = (job.status, job.done)
                yield job
            if job.status.finished:
                return
            await asyncio.sleep(self._poll_interval_s)

    async def _submit(
        self,
        actor: Actor,
        *,
        kind: EvaluationKind,
        arms: Sequence[Arm],
        dataset_id: str,
        repeats: int,
        concurrency: int,
        grader_model: str | None,
        alpha: float | None,
        sampling: Sampling,
    ) -> EvaluationView:
        dataset = await self._datasets.summary(actor.tenant_id, dataset_id)
        plan = plan_evaluation(
            evaluation_id=uuid.uuid4().hex,
            tenant_id=actor.tenant_id,
            owner_id=actor.user_id,
            kind=kind,
            dataset_id=dataset.dataset_id,
            dataset_revision=dataset.revision,
            case_count=dataset.test_case_count,
            arms=arms,
            repeats=repeats,
            concurrency=concurrency,
            grader_model=grader_model,
            alpha=alpha,
            at=self._clock(),
            sampling=sampling,
        )
        job_id = uuid.uuid4().hex
        await self._repository.add(plan, job_id=job_id)
        try:
            job = await self._jobs.submit(_job_request(actor, plan, job_id))
        except JobQueueFullError:
            await self._repository.remove(actor.tenant_id, plan.evaluation_id)
            raise
        return EvaluationView(plan, job, None, None, False)

    async def _version(self, actor: Actor, choice: VersionChoice) -> VersionView:
        return await resolve_version(
            self._queries,
            actor,
            prompt_id=choice.prompt_id,
            version=choice.version,
            label=choice.label,
        )

    def _check_models(self, actor: Actor, names: Iterable[str]) -> None:
        usable = {
            info.name for info in self._gateway_for(actor).models() if info.mode != "embedding"
        }
        for name in names:
            if name not in usable:
                raise UnknownModelError(
                    f"Model {name} is not available; GET /api/v1/models lists the usable ones.",
                    f"モデル {name} は利用できません（一覧: GET /api/v1/models）。",
                    extra={"model": name},
                )


_STOPPED = (JobStatus.FAILED, JobStatus.CANCELLED)


def _given(name: str | None) -> list[str]:
    return [name] if name else []


def _job_request(actor: Actor, plan: EvaluationPlan, job_id: str) -> JobRequest:
    return JobRequest(
        job_id=job_id,
        kind=EVALUATION_JOB,
        tenant_id=actor.tenant_id,
        owner_id=actor.user_id,
        payload={"evaluation_id": plan.evaluation_id},
        total=plan.total_cells,
        correlation_id=actor.correlation_id,
    )
