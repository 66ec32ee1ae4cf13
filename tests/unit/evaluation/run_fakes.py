"""In-memory fakes of the ports evaluation runs depend on, and a builder of the whole set."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from autoforge.application.evaluation.dataset_ports import DatasetSummary
from autoforge.application.evaluation.jobs import (
    JobNotFoundError,
    JobRequest,
    JobStatus,
    JobView,
)
from autoforge.application.evaluation.run_ports import (
    ArmHistoryPoint,
    CellFilter,
    ComparisonResult,
    StoredEvaluation,
    VersionRunStats,
)
from autoforge.application.prompt.views import (
    Page,
    PromptFilter,
    PromptSummary,
    PromptView,
    RunView,
    VersionView,
)
from autoforge.domain.evaluation.dataset import Dataset, TestCase
from autoforge.domain.evaluation.dataset_errors import DatasetNotFoundError
from autoforge.domain.evaluation.run import Cell, CellKey, EvaluationPlan
from autoforge.domain.evaluation.run_errors import EvaluationNotFoundError
from autoforge.domain.evaluation.run_events import EvaluationCompleted
from autoforge.domain.evaluation.run_metrics import ArmSummary
from autoforge.domain.events import EventMetadata
from autoforge.domain.identity.model import Actor
from autoforge.domain.llm.model import (
    Completion,
    CompletionRequest,
    ModelInfo,
    ProviderError,
)
from autoforge.domain.prompt.errors import PromptNotFoundError
from autoforge.domain.prompt.rendering import RenderResult

__all__ = [
    "ACTOR",
    "NOW",
    "FakeDatasets",
    "FakeEvaluations",
    "FakeGateway",
    "FakeJobStore",
    "FakePromptQueries",
    "FakeRenderer",
    "case",
]

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ACTOR = Actor(tenant_id="t1", user_id="u1")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def case(word: str, *assertions: dict[str, Any], case_id: str | None = None) -> TestCase:
    return TestCase(vars={"word": word}, assertions=tuple(assertions), test_case_id=case_id or word)


class FakeJobStore:
    def __init__(self) -> None:
        self.jobs: dict[str, tuple[str, JobView]] = {}
        self.progress_writes = 0

    async def create(self, request: JobRequest, *, at: datetime) -> JobView:
        view = JobView(request.job_id, request.kind, JobStatus.QUEUED, 0, request.total, at)
        self.jobs[request.job_id] = (request.tenant_id, view)
        return view

    async def get(self, tenant_id: str, job_id: str) -> JobView:
        owner, view = self.jobs.get(job_id, ("", None))
        if view is None or owner != tenant_id:
            raise JobNotFoundError(job_id)
        return view

    async def mark_running(self, job_id: str, *, at: datetime) -> None:
        self._change(job_id, status=JobStatus.RUNNING, started_at=at)

    async def update_progress(self, job_id: str, *, done: int, total: int) -> None:
        self.progress_writes += 1
        self._change(job_id, done=done, total=total)

    async def finish(
        self,
        job_id: str,
        *,
        status: JobStatus,
        done: int,
        at: datetime,
        error_code: str | None = None,
        error: str | None = None,
    ) -> None:
        if not self.jobs[job_id][1].status.finished:
            self._change(
                job_id, status=status, done=done, finished_at=at, error_code=error_code, error=error
            )

    async def fail_unfinished(self, *, at: datetime, error_code: str, error: str) -> int:
        unfinished = [job_id for job_id, (_, view) in self.jobs.items() if not view.status.finished]
        for job_id in unfinished:
            self._change(
                job_id, status=JobStatus.FAILED, finished_at=at, error_code=error_code, error=error
            )
        return len(unfinished)

    def _change(self, job_id: str, **values: Any) -> None:
        owner, view = self.jobs[job_id]
        self.jobs[job_id] = (owner, replace(view, **values))


@dataclass
class FakeEvaluations:
    plans: dict[str, tuple[EvaluationPlan, str]] = field(default_factory=dict)
    stored_cells: dict[str, dict[CellKey, Cell]] = field(default_factory=dict)
    summaries: dict[str, tuple[ArmSummary, ...]] = field(default_factory=dict)
    comparisons: dict[str, ComparisonResult | None] = field(default_factory=dict)
    events: list[tuple[EvaluationCompleted, EventMetadata]] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)

    async def add(self, plan: EvaluationPlan, *, job_id: str) -> None:
        self.plans[plan.evaluation_id] = (plan, job_id)
        self.stored_cells[plan.evaluation_id] = {}

    async def remove(self, tenant_id: str, evaluation_id: str) -> None:
        del self.plans[evaluation_id]

    async def get(self, tenant_id: str, evaluation_id: str) -> StoredEvaluation:
        plan, job_id = self.plans.get(evaluation_id, (None, ""))
        if plan is None or plan.tenant_id != tenant_id:
            raise EvaluationNotFoundError(evaluation_id)
        return StoredEvaluation(
            plan=plan,
            job_id=job_id,
            summaries=self.summaries.get(evaluation_id),
            comparison=self.comparisons.get(evaluation_id),
            completed_at=NOW if evaluation_id in self.summaries else None,
        )

    async def stored_keys(self, tenant_id: str, evaluation_id: str) -> set[CellKey]:
        return set(self.stored_cells[evaluation_id])

    async def add_cells(self, plan: EvaluationPlan, cells: Sequence[Cell]) -> None:
        self.batches.append(len(cells))
        for cell in cells:
            self.stored_cells[plan.evaluation_id].setdefault(cell.key, cell)

    async def cells(self, tenant_id: str, evaluation_id: str) -> list[Cell]:
        return [cell for _, cell in sorted(self.stored_cells[evaluation_id].items())]

    async def page_cells(self, tenant_id: str, evaluation_id: str, query: CellFilter) -> Page[Cell]:
        items = await self.cells(tenant_id, evaluation_id)
        return Page(items=items, total=len(items), page=1, page_size=len(items))

    async def complete(
        self,
        plan: EvaluationPlan,
        *,
        summaries: Sequence[ArmSummary],
        comparison: ComparisonResult | None,
        event: EvaluationCompleted,
        metadata: EventMetadata,
        at: datetime,
    ) -> None:
        self.summaries[plan.evaluation_id] = tuple(summaries)
        self.comparisons[plan.evaluation_id] = comparison
        self.events.append((event, metadata))

    async def arm_history(self, tenant_id: str, prompt_id: str) -> list[ArmHistoryPoint]:
        return []

    async def run_stats(self, tenant_id: str, prompt_id: str) -> list[VersionRunStats]:
        return []


class FakeDatasets:
    def __init__(self, *datasets: Dataset) -> None:
        self.datasets = {(d.tenant_id, d.dataset_id): d for d in datasets}

    async def get(self, tenant_id: str, dataset_id: str) -> Dataset:
        try:
            return self.datasets[(tenant_id, dataset_id)]
        except KeyError:
            raise DatasetNotFoundError(dataset_id) from None

    async def summary(self, tenant_id: str, dataset_id: str) -> DatasetSummary:
        dataset = await self.get(tenant_id, dataset_id)
        return DatasetSummary(
            dataset.dataset_id,
            dataset.owner_id,
            dataset.name,
            dataset.description,
            list(dataset.tags),
            len(dataset.test_cases),
            dataset.revision,
            dataset.created_at,
            dataset.updated_at,
        )


class FakePromptQueries:
    """Versions of one tenant's prompts; "latest" labels the highest version."""

    def __init__(self, contents: Mapping[str, Sequence[str]], tenant_id: str = "t1") -> None:
        self._tenant_id = tenant_id
        self._versions = {
            prompt_id: [
                VersionView(prompt_id, number, text, [], "", "u1", [], NOW)
                for number, text in enumerate(texts, start=1)
            ]
            for prompt_id, texts in contents.items()
        }

    async def versions(self, tenant_id: str, prompt_id: str) -> list[VersionView]:
        if tenant_id != self._tenant_id or prompt_id not in self._versions:
            raise PromptNotFoundError(prompt_id)
        return self._versions[prompt_id]

    async def version(self, tenant_id: str, prompt_id: str, number: int) -> VersionView:
        versions = await self.versions(tenant_id, prompt_id)
        if not 1 <= number <= len(versions):
            raise PromptNotFoundError(prompt_id)
        return versions[number - 1]

    async def version_by_label(self, tenant_id: str, prompt_id: str, label: str) -> VersionView:
        return (await self.versions(tenant_id, prompt_id))[-1]

    async def get(self, tenant_id: str, prompt_id: str) -> PromptView:
        raise NotImplementedError

    async def search(self, tenant_id: str, query: PromptFilter) -> Page[PromptSummary]:
        raise NotImplementedError

    async def runs(
        self, tenant_id: str, prompt_id: str, *, version: int | None, page: int, page_size: int
    ) -> Page[RunView]:
        raise NotImplementedError


class FakeRenderer:
    def render(self, content: str, values: Mapping[str, str]) -> RenderResult:
        names = _PLACEHOLDER.findall(content)
        missing = tuple(name for name in names if name not in values)
        text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), content)
        return RenderResult(text=text, missing=missing)


@dataclass
class FakeGateway:
    """Echoes the prompt after `delay_s`; fails on "BOOM"; grades with `grader_answer`."""

    delay_s: float = 0.0
    grader_answer: str = '{"pass": true, "score": 0.9, "reason": "fine"}'
    requests: list[CompletionRequest] = field(default_factory=list)
    active: int = 0
    most_active: int = 0

    async def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.active -= 1
        text = request.messages[-1].content
        if "BOOM" in text:
            raise ProviderError("the provider answered 500")
        if request.tags.get("purpose") == "assertion_grading":
            text = self.grader_answer
        else:
            text = f"echo: {text}"
        return Completion(request.model, "fake", text, "stop", 3, 2, 0.001, 10.0)

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(name, "fake", "chat", 0, 0, None, None, False) for name in ("m1", "m2")]

    async def ping(self) -> None:
        return None

    @property
    def model_calls(self) -> list[CompletionRequest]:
        return [r for r in self.requests if r.tags.get("purpose") != "assertion_grading"]
