"""Evaluations, their arms and cells in the database; every read is scoped by tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from autoforge.application.evaluation.run_ports import (
    ArmHistoryPoint,
    CellFilter,
    ComparisonResult,
    StoredEvaluation,
    VersionRunStats,
)
from autoforge.application.prompt.views import Page
from autoforge.domain.evaluation.run import Cell, CellKey, EvaluationPlan
from autoforge.domain.evaluation.run_errors import EvaluationNotFoundError
from autoforge.domain.evaluation.run_events import EvaluationCompleted, stream_id
from autoforge.domain.evaluation.run_metrics import ArmSummary
from autoforge.domain.events import EventMetadata
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_rows import (
    aware,
    cell_from_row,
    cell_row,
    evaluation_row,
    stored_evaluation,
)
from autoforge.infrastructure.db.evaluation_run_tables import (
    evaluation_arms,
    evaluation_cells,
    evaluations,
)
from autoforge.infrastructure.db.event_store import EventStore
from autoforge.infrastructure.db.tables import runs

__all__ = ["SqlEvaluationRepository"]

_CELL_KEY = ("evaluation_id", "arm", "case_index", "repeat")


class SqlEvaluationRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, plan: EvaluationPlan, *, job_id: str) -> None:
        async with self._database.writer.begin() as connection:
            await connection.execute(insert(evaluations).values(**evaluation_row(plan, job_id)))
            await connection.execute(
                insert(evaluation_arms),
                [
                    {
                        "evaluation_id": plan.evaluation_id,
                        "arm": index,
                        "tenant_id": plan.tenant_id,
                        "prompt_id": arm.prompt_id,
                        "version": arm.version,
                        "model": arm.model,
                    }
                    for index, arm in enumerate(plan.arms)
                ],
            )

    async def remove(self, tenant_id: str, evaluation_id: str) -> None:
        async with self._database.writer.begin() as connection:
            for table in (evaluation_cells, evaluation_arms, evaluations):
                await connection.execute(
                    delete(table).where(
                        table.c.tenant_id == tenant_id, table.c.evaluation_id == evaluation_id
                    )
                )

    async def get(self, tenant_id: str, evaluation_id: str) -> StoredEvaluation:
        async with self._database.reader.connect() as connection:
            row = (
                await connection.execute(
                    select(evaluations).where(
                        evaluations.c.tenant_id == tenant_id,
                        evaluations.c.evaluation_id == evaluation_id,
                    )
                )
            ).first()
            if row is None:
                raise EvaluationNotFoundError(evaluation_id)
            arm_rows = (
                await connection.execute(
                    select(evaluation_arms)
                    .where(evaluation_arms.c.evaluation_id == evaluation_id)
                    .order_by(evaluation_arms.c.arm)
                )
            ).all()
        return stored_evaluation(row, arm_rows)

    async def stored_keys(self, tenant_id: str, evaluation_id: str) -> set[CellKey]:
        async with self._database.reader.connect() as connection:
            rows = await connection.execute(
                select(
                    evaluation_cells.c.arm, evaluation_cells.c.case_index, evaluation_cells.c.repeat
                ).where(*_cells_of(tenant_id, evaluation_id))
            )
            return {CellKey(row.arm, row.case_index, row.repeat) for row in rows}

    async def add_cells(self, plan: EvaluationPlan, cells: Sequence[Cell]) -> None:
        if not cells:
            return
        rows = [cell_row(plan, cell) for cell in cells]
        async with self._database.writer.begin() as connection:
            await connection.execute(_insert_new_cells(connection), rows)

    async def cells(self, tenant_id: str, evaluation_id: str) -> list[Cell]:
        async with self._database.reader.connect() as connection:
            rows = await connection.execute(
                select(evaluation_cells)
                .where(*_cells_of(tenant_id, evaluation_id))
                .order_by(*_cell_order())
            )
            return [cell_from_row(row) for row in rows]

    async def page_cells(self, tenant_id: str, evaluation_id: str, query: CellFilter) -> Page[Cell]:
        conditions = list(_cells_of(tenant_id, evaluation_id))
        if query.arm is not None:
            conditions.append(evaluation_cells.c.arm == query.arm)
        if query.status is not None:
            conditions.append(evaluation_cells.c.status == query.status.value)
        async with self._database.reader.connect() as connection:
            total = await connection.scalar(
                select(func.count()).select_from(evaluation_cells).where(*conditions)
            )
            rows = await connection.execute(
                select(evaluation_cells)
                .where(*conditions)
                .order_by(*_cell_order())
                .limit(query.page_size)
                .offset((query.page - 1) * query.page_size)
            )
            items = [cell_from_row(row) for row in rows]
        return Page(items=items, total=int(total or 0), page=query.page, page_size=query.page_size)

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
        async with self._database.writer.begin() as connection:
            result = await connection.execute(
                update(evaluations)
                .where(
                    evaluations.c.evaluation_id == plan.evaluation_id,
                    evaluations.c.completed_at.is_(None),
                )
                .values(
                    completed_at=at,
                    comparison=None if comparison is None else comparison.to_dict(),
                )
            )
            if result.rowcount == 0:
                return  # completed by an earlier attempt: its figures and event stand
            await _store_summaries(connection, plan, summaries, at=at)
            await EventStore(connection).append(
                stream_id=stream_id(plan.evaluation_id),
                expected_version=0,
                new_events=[event],
                metadata=metadata,
            )

    async def arm_history(self, tenant_id: str, prompt_id: str) -> list[ArmHistoryPoint]:
        arms = evaluation_arms
        async with self._database.reader.connect() as connection:
            rows = await connection.execute(
                select(arms)
                .where(
                    arms.c.tenant_id == tenant_id,
                    arms.c.prompt_id == prompt_id,
                    arms.c.completed_at.is_not(None),
                )
                .order_by(arms.c.completed_at, arms.c.evaluation_id, arms.c.arm)
            )
            return [
                ArmHistoryPoint(
                    evaluation_id=row.evaluation_id,
                    version=row.version,
                    model=row.model,
                    at=aware(row.completed_at),
                    cells=row.cells or 0,
                    pass_rate=row.pass_rate,
                    mean_score=row.mean_score,
                    cost_usd=row.cost_usd or 0.0,
                )
                for row in rows
            ]

    async def run_stats(self, tenant_id: str, prompt_id: str) -> list[VersionRunStats]:
        failed = func.sum(case((runs.c.status != "succeeded", 1), else_=0))
        async with self._database.reader.connect() as connection:
            rows = await connection.execute(
                select(
                    runs.c.prompt_version,
                    func.count().label("runs"),
                    failed.label("failed"),
                    func.sum(runs.c.cost_usd).label("cost_usd"),
                    func.avg(runs.c.latency_ms).label("mean_latency_ms"),
                )
                .where(runs.c.tenant_id == tenant_id, runs.c.prompt_id == prompt_id)
                .group_by(runs.c.prompt_version)
            )
            return [
                VersionRunStats(
                    version=row.prompt_version,
                    runs=int(row.runs),
                    failed=int(row.failed or 0),
                    cost_usd=float(row.cost_usd or 0.0),
                    mean_latency_ms=None
                    if row.mean_latency_ms is None
                    else float(row.mean_latency_ms),
                )
                for row in rows
            ]


def _cells_of(tenant_id: str, evaluation_id: str) -> tuple[Any, Any]:
    return (
        evaluation_cells.c.tenant_id == tenant_id,
        evaluation_cells.c.evaluation_id == evaluation_id,
    )


def _cell_order() -> tuple[Any, ...]:
    return evaluation_cells.c.arm, evaluation_cells.c.case_index, evaluation_cells.c.repeat


def _insert_new_cells(connection: AsyncConnection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(evaluation_cells).on_conflict_do_nothing(index_elements=list(_CELL_KEY))


async def _store_summaries(
    connection: AsyncConnection,
    plan: EvaluationPlan,
    summaries: Sequence[ArmSummary],
    *,
    at: datetime,
) -> None:
    for index, summary in enumerate(summaries):
        await connection.execute(
            update(evaluation_arms)
            .where(
                evaluation_arms.c.evaluation_id == plan.evaluation_id,
                evaluation_arms.c.arm == index,
            )
            .values(
                cells=summary.cells,
                pass_rate=summary.pass_rate,
                mean_score=summary.mean_score,
                cost_usd=summary.cost_usd,
                summary=summary.to_dict(),
                completed_at=at,
            )
        )
