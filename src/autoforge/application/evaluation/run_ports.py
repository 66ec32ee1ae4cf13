"""Ports of evaluation runs (stored runs, datasets, paired statistics) and what reads answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from autoforge.application.evaluation.dataset_ports import DatasetSummary
from autoforge.application.evaluation.jobs import JobView
from autoforge.application.prompt.views import Page
from autoforge.domain.evaluation.dataset import Dataset
from autoforge.domain.evaluation.run import Cell, CellKey, CellStatus, EvaluationPlan
from autoforge.domain.evaluation.run_events import EvaluationCompleted
from autoforge.domain.evaluation.run_metrics import ArmSummary
from autoforge.domain.events import EventMetadata

__all__ = [
    "ArmHistoryPoint",
    "CellFilter",
    "ComparisonResult",
    "DatasetReader",
    "EvaluationRepository",
    "EvaluationView",
    "PairedComparator",
    "PairedFigures",
    "StoredEvaluation",
    "VersionRunStats",
    "comparison_from_dict",
]


class DatasetReader(Protocol):
    """Reads of the dataset store; DatasetNotFoundError for another tenant's dataset."""

    async def get(self, tenant_id: str, dataset_id: str) -> Dataset:
        """The dataset with its test cases."""
        ...

    async def summary(self, tenant_id: str, dataset_id: str) -> DatasetSummary:
        """Its revision and number of test cases, without the cases."""
        ...


class PairedFigures(Protocol):
    """The figures of a paired test, as the statistics adapter computes them."""

    @property
    def n(self) -> int: ...
    @property
    def pass_rate_a(self) -> float: ...
    @property
    def pass_rate_b(self) -> float: ...
    @property
    def b01(self) -> int: ...
    @property
    def b10(self) -> int: ...
    @property
    def mcnemar_p(self) -> float: ...
    @property
    def wilcoxon_p(self) -> float: ...
    @property
    def mean_difference(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def confidence(self) -> float: ...
    @property
    def alpha(self) -> float: ...
    @property
    def verdict(self) -> str: ...
    @property
    def needed_additional_cases(self) -> int | None: ...


class PairedComparator(Protocol):
    """McNemar on pass/fail, Wilcoxon on scores, a bootstrap interval of B − A."""

    def __call__(
        self,
        *,
        passed_a: Sequence[bool],
        passed_b: Sequence[bool],
        scores_a: Sequence[float] | None,
        scores_b: Sequence[float] | None,
        alpha: float,
    ) -> PairedFigures: ...


@dataclass(frozen=True, slots=True)
class ComparisonResult:
    """The answer of an A/B comparison. `winner` is "a", "b" or None (no significant difference)."""

    pairs: int
    excluded_pairs: int
    pass_rate_a: float | None
    pass_rate_b: float | None
    b01: int
    b10: int
    mcnemar_p: float | None
    wilcoxon_p: float | None
    mean_difference: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float | None
    alpha: float
    winner: str | None
    significant: bool
    needed_additional_cases: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class StoredEvaluation:
    plan: EvaluationPlan
    job_id: str
    summaries: tuple[ArmSummary, ...] | None
    comparison: ComparisonResult | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class EvaluationView:
    """An evaluation and its job. `partial` marks figures of a run that did not finish."""

    plan: EvaluationPlan
    job: JobView
    summaries: tuple[ArmSummary, ...] | None
    comparison: ComparisonResult | None
    partial: bool


@dataclass(frozen=True, slots=True)
class CellFilter:
    arm: int | None = None
    status: CellStatus | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True, slots=True)
class ArmHistoryPoint:
    """One arm of one completed evaluation that ran a version of the prompt."""

    evaluation_id: str
    version: int
    model: str
    at: datetime
    cells: int
    pass_rate: float | None
    mean_score: float | None
    cost_usd: float


@dataclass(frozen=True, slots=True)
class VersionRunStats:
    """Runs of one version through the run endpoint (not evaluations)."""

    version: int
    runs: int
    failed: int
    cost_usd: float
    mean_latency_ms: float | None


class EvaluationRepository(Protocol):
    """Tenant-scoped storage of evaluations, their cells and figures."""

    async def add(self, plan: EvaluationPlan, *, job_id: str) -> None: ...

    async def remove(self, tenant_id: str, evaluation_id: str) -> None: ...

    async def get(self, tenant_id: str, evaluation_id: str) -> StoredEvaluation:
        """Raise EvaluationNotFoundError, also for another tenant's evaluation."""
        ...

    async def stored_keys(self, tenant_id: str, evaluation_id: str) -> set[CellKey]: ...

    async def add_cells(self, plan: EvaluationPlan, cells: Sequence[Cell]) -> None:
        """Store cells in one short transaction; a key stored before is left as it is."""
        ...

    async def cells(self, tenant_id: str, evaluation_id: str) -> list[Cell]: ...

    async def page_cells(
        self, tenant_id: str, evaluation_id: str, query: CellFilter
    ) -> Page[Cell]: ...

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
        """Store the figures and append the event to the log, in one transaction."""
        ...

    async def arm_history(self, tenant_id: str, prompt_id: str) -> list[ArmHistoryPoint]:
        """Arms of completed evaluations that ran this prompt, oldest first."""
        ...

    async def run_stats(self, tenant_id: str, prompt_id: str) -> list[VersionRunStats]: ...


def comparison_from_dict(data: Mapping[str, Any]) -> ComparisonResult:
    return ComparisonResult(**data)
