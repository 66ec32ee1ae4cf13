"""Datasets in the database, with optimistic concurrency on their revision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Row, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from autoforge.application.evaluation.dataset_ports import DatasetFilter, DatasetSummary
from autoforge.application.prompt.views import Page
from autoforge.domain.evaluation.dataset import Dataset, TestCase
from autoforge.domain.evaluation.dataset_errors import (
    DatasetNotFoundError,
    DatasetRevisionConflictError,
)
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_tables import datasets, test_cases

__all__ = ["SqlDatasetRepository"]

log = structlog.get_logger(__name__)


class SqlDatasetRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, dataset: Dataset) -> None:
        async with self._database.writer.begin() as connection:
            await connection.execute(insert(datasets).values(**_dataset_values(dataset)))
            await _insert_cases(connection, dataset, dataset.test_cases, first_position=0)
        log.info(
            "dataset_created",
            dataset_id=dataset.dataset_id,
            tenant_id=dataset.tenant_id,
            test_cases=len(dataset.test_cases),
        )

    async def get(self, tenant_id: str, dataset_id: str) -> Dataset:
        async with self._database.reader.connect() as connection:
            row = (await connection.execute(_select_one(tenant_id, dataset_id))).first()
            if row is None:
                raise DatasetNotFoundError(dataset_id)
            rows = await connection.execute(
                select(test_cases)
                .where(test_cases.c.tenant_id == tenant_id, test_cases.c.dataset_id == dataset_id)
                .order_by(test_cases.c.position)
            )
            cases = tuple(_test_case(case_row) for case_row in rows)
        return Dataset(
            dataset_id=row.dataset_id,
            tenant_id=row.tenant_id,
            owner_id=row.owner_id,
            name=row.name,
            description=row.description,
            tags=tuple(row.tags),
            test_cases=cases,
            revision=row.revision,
            created_at=_aware(row.created_at),
            updated_at=_aware(row.updated_at),
        )

    async def summary(self, tenant_id: str, dataset_id: str) -> DatasetSummary:
        async with self._database.reader.connect() as connection:
            row = (await connection.execute(_select_one(tenant_id, dataset_id))).first()
        if row is None:
            raise DatasetNotFoundError(dataset_id)
        return _summary(row)

    async def search(self, tenant_id: str, query: DatasetFilter) -> Page[DatasetSummary]:
        condition = datasets.c.tenant_id == tenant_id
        if query.text:
            pattern = "%" + _escape_like(query.text.lower()) + "%"
            condition = condition & or_(
                func.lower(datasets.c.name).like(pattern, escape="\\"),
                func.lower(datasets.c.description).like(pattern, escape="\\"),
            )
        async with self._database.reader.connect() as connection:
            total = await connection.scalar(
                select(func.count()).select_from(datasets).where(condition)
            )
            rows = await connection.execute(
                select(datasets)
                .where(condition)
                .order_by(datasets.c.updated_at.desc(), datasets.c.dataset_id)
                .limit(query.page_size)
                .offset((query.page - 1) * query.page_size)
            )
            items = [_summary(row) for row in rows]
        return Page(items=items, total=int(total or 0), page=query.page, page_size=query.page_size)

    async def save(self, dataset: Dataset, *, replace_cases: bool) -> None:
        base = dataset.revision - 1
        values = _dataset_values(dataset)
        del values["dataset_id"], values["tenant_id"], values["owner_id"], values["created_at"]
        async with self._database.writer.begin() as connection:
            result = await connection.execute(
                update(datasets)
                .where(
                    *_identity(dataset.tenant_id, dataset.dataset_id), datasets.c.revision == base
                )
                .values(**values)
            )
            if result.rowcount == 0:
                await _raise_stale(connection, dataset.tenant_id, dataset.dataset_id, base)
            if replace_cases:
                await connection.execute(_delete_cases(dataset.tenant_id, dataset.dataset_id))
                await _insert_cases(connection, dataset, dataset.test_cases, first_position=0)

    async def append(
        self,
        tenant_id: str,
        dataset_id: str,
        cases: Sequence[TestCase],
        *,
        base_revision: int,
        at: datetime,
    ) -> int:
        async with self._database.writer.begin() as connection:
            result = await connection.execute(
                update(datasets)
                .where(*_identity(tenant_id, dataset_id), datasets.c.revision == base_revision)
                .values(
                    revision=base_revision + 1,
                    test_case_count=datasets.c.test_case_count + len(cases),
                    updated_at=at,
                )
            )
            if result.rowcount == 0:
                await _raise_stale(connection, tenant_id, dataset_id, base_revision)
            last = await connection.scalar(
                select(func.max(test_cases.c.position)).where(
                    test_cases.c.tenant_id == tenant_id, test_cases.c.dataset_id == dataset_id
                )
            )
            owner = _Owner(tenant_id=tenant_id, dataset_id=dataset_id)
            await _insert_cases(
                connection, owner, cases, first_position=0 if last is None else last + 1
            )
        return base_revision + 1

    async def delete(self, tenant_id: str, dataset_id: str, *, base_revision: int | None) -> None:
        condition = list(_identity(tenant_id, dataset_id))
        if base_revision is not None:
            condition.append(datasets.c.revision == base_revision)
        async with self._database.writer.begin() as connection:
            result = await connection.execute(delete(datasets).where(*condition))
            if result.rowcount == 0:
                await _raise_stale(connection, tenant_id, dataset_id, base_revision)
            await connection.execute(_delete_cases(tenant_id, dataset_id))
        log.info("dataset_deleted", dataset_id=dataset_id, tenant_id=tenant_id)


class _Owner:
    """Which dataset new cases belong to, when the whole dataset is not at hand."""

    def __init__(self, *, tenant_id: str, dataset_id: str) -> None:
        self.tenant_id = tenant_id
        self.dataset_id = dataset_id


def _identity(tenant_id: str, dataset_id: str) -> tuple[Any, Any]:
    return datasets.c.tenant_id == tenant_id, datasets.c.dataset_id == dataset_id


def _select_one(tenant_id: str, dataset_id: str) -> Any:
    return select(datasets).where(*_identity(tenant_id, dataset_id))


def _delete_cases(tenant_id: str, dataset_id: str) -> Any:
    return delete(test_cases).where(
        test_cases.c.tenant_id == tenant_id, test_cases.c.dataset_id == dataset_id
    )


async def _raise_stale(
    connection: AsyncConnection, tenant_id: str, dataset_id: str, expected: int | None
) -> None:
    current = await connection.scalar(
        select(datasets.c.revision).where(*_identity(tenant_id, dataset_id))
    )
    if current is None or expected is None:
        raise DatasetNotFoundError(dataset_id)
    raise DatasetRevisionConflictError(dataset_id=dataset_id, expected=expected, actual=current)


async def _insert_cases(
    connection: AsyncConnection,
    owner: Dataset | _Owner,
    cases: Sequence[TestCase],
    *,
    first_position: int,
) -> None:
    if not cases:
        return
    rows = [
        {
            "test_case_id": case.test_case_id,
            "dataset_id": owner.dataset_id,
            "tenant_id": owner.tenant_id,
            "position": first_position + offset,
            "description": case.description,
            "vars": dict(case.vars),
            "expected": case.expected,
            "assertions": list(case.assertions),
            "threshold": case.threshold,
            "tags": list(case.tags),
        }
        for offset, case in enumerate(cases)
    ]
    await connection.execute(insert(test_cases), rows)


def _dataset_values(dataset: Dataset) -> dict[str, Any]:
    return {
        "dataset_id": dataset.dataset_id,
        "tenant_id": dataset.tenant_id,
        "owner_id": dataset.owner_id,
        "name": dataset.name,
        "description": dataset.description,
        "tags": list(dataset.tags),
        "test_case_count": len(dataset.test_cases),
        "revision": dataset.revision,
        "created_at": dataset.created_at,
        "updated_at": dataset.updated_at,
    }


def _test_case(row: Row[Any]) -> TestCase:
    return TestCase(
        vars=dict(row.vars),
        assertions=tuple(row.assertions),
        expected=row.expected,
        threshold=row.threshold,
        description=row.description,
        tags=tuple(row.tags),
        test_case_id=row.test_case_id,
    )


def _summary(row: Row[Any]) -> DatasetSummary:
    return DatasetSummary(
        dataset_id=row.dataset_id,
        owner_id=row.owner_id,
        name=row.name,
        description=row.description,
        tags=list(row.tags),
        test_case_count=row.test_case_count,
        revision=row.revision,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
