"""How a prompt performed across its versions and over time, shaped for a chart."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from autoforge.application.evaluation.run_ports import (
    ArmHistoryPoint,
    EvaluationRepository,
    VersionRunStats,
)
from autoforge.application.prompt.views import PromptQueries
from autoforge.domain.identity.model import Actor

__all__ = ["PromptHistory", "PromptHistoryService", "VersionHistory"]


@dataclass(frozen=True, slots=True)
class VersionHistory:
    """One version's totals. Rates and scores weigh each evaluation by its number of cells."""

    version: int
    created_at: datetime
    evaluations: int
    evaluation_cells: int
    pass_rate: float | None
    mean_score: float | None
    evaluation_cost_usd: float
    prompt_runs: int
    prompt_runs_failed: int
    prompt_run_cost_usd: float
    prompt_run_mean_latency_ms: float | None

    @property
    def run_count(self) -> int:
        """Every time the version ran on a model: evaluation cells and single runs."""
        return self.evaluation_cells + self.prompt_runs

    @property
    def cost_usd(self) -> float:
        return self.evaluation_cost_usd + self.prompt_run_cost_usd


@dataclass(frozen=True, slots=True)
class PromptHistory:
    prompt_id: str
    versions: list[VersionHistory]
    points: list[ArmHistoryPoint]


class PromptHistoryService:
    def __init__(self, *, queries: PromptQueries, repository: EvaluationRepository) -> None:
        self._queries = queries
        self._repository = repository

    async def history(self, actor: Actor, prompt_id: str) -> PromptHistory:
        """Raise PromptNotFoundError for an unknown prompt (and another tenant's)."""
        versions = await self._queries.versions(actor.tenant_id, prompt_id)
        points = await self._repository.arm_history(actor.tenant_id, prompt_id)
        runs = {
            stats.version: stats
            for stats in await self._repository.run_stats(actor.tenant_id, prompt_id)
        }
        by_version: dict[int, list[ArmHistoryPoint]] = defaultdict(list)
        for point in points:
            by_version[point.version].append(point)
        return PromptHistory(
            prompt_id=prompt_id,
            versions=[
                _version_history(
                    view.version, view.created_at, by_version[view.version], runs.get(view.version)
                )
                for view in sorted(versions, key=lambda view: view.version)
            ],
            points=points,
        )


def _version_history(
    version: int,
    created_at: datetime,
    points: Sequence[ArmHistoryPoint],
    runs: VersionRunStats | None,
) -> VersionHistory:
    cells = sum(point.cells for point in points)
    return VersionHistory(
        version=version,
        created_at=created_at,
        evaluations=len({point.evaluation_id for point in points}),
        evaluation_cells=cells,
        pass_rate=_cell_weighted(points, "pass_rate"),
        mean_score=_cell_weighted(points, "mean_score"),
        evaluation_cost_usd=math.fsum(point.cost_usd for point in points),
        prompt_runs=runs.runs if runs else 0,
        prompt_runs_failed=runs.failed if runs else 0,
        prompt_run_cost_usd=runs.cost_usd if runs else 0.0,
        prompt_run_mean_latency_ms=runs.mean_latency_ms if runs else None,
    )


def _cell_weighted(points: Sequence[ArmHistoryPoint], name: str) -> float | None:
    weighted = [(getattr(point, name), point.cells) for point in points]
    measured = [(value, cells) for value, cells in weighted if value is not None and cells]
    total = sum(cells for _, cells in measured)
    if not total:
        return None
    return math.fsum(value * cells for value, cells in measured) / total
