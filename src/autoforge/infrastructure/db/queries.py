"""SQL reads over the projection tables, every one scoped by tenant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from autoforge.application.prompt.views import (
    Page,
    PromptFilter,
    PromptSummary,
    PromptView,
    RunView,
    VersionView,
)
from autoforge.domain.prompt.errors import (
    LabelNotFoundError,
    PromptNotFoundError,
    VersionNotFoundError,
)
from autoforge.domain.prompt.model import LATEST_LABEL
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.projections import search_key
from autoforge.infrastructure.db.tables import (
    prompt_labels,
    prompt_tags,
    prompt_versions,
    prompts,
    runs,
)

__all__ = ["SqlPromptQueries"]

SUMMARY_COLUMNS = (
    prompts.c.prompt_id,
    prompts.c.title,
    prompts.c.description,
    prompts.c.tags,
    prompts.c.version,
    prompts.c.revision,
    prompts.c.archived,
    prompts.c.labels,
    prompts.c.variables,
    prompts.c.created_at,
    prompts.c.updated_at,
)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filters(tenant_id: str, query: PromptFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [prompts.c.tenant_id == tenant_id]
    if query.archived is not None:
        conditions.append(prompts.c.archived == query.archived)
    for tag in query.tags:
        tagged = select(prompt_tags.c.prompt_id).where(
            prompt_tags.c.tenant_id == tenant_id, prompt_tags.c.tag == tag.strip().lower()
        )
        conditions.append(prompts.c.prompt_id.in_(tagged))
    text = (query.text or "").replace("\x00", "")  # no database stores or matches NUL
    if text.strip():
        for term in search_key(text).split():
            conditions.append(prompts.c.search_text.like(f"%{_escape_like(term)}%", escape="\\"))
    return conditions


def _summary(row: Row[Any]) -> PromptSummary:
    return PromptSummary(
        prompt_id=row.prompt_id,
        title=row.title,
        description=row.description,
        tags=list(row.tags),
        version=row.version,
        revision=row.revision,
        archived=row.archived,
        labels=dict(row.labels),
        variables=list(row.variables),
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
    )


def _version(row: Row[Any], labels: list[str]) -> VersionView:
    return VersionView(
        prompt_id=row.prompt_id,
        version=row.version,
        content=row.content,
        variables=list(row.variables),
        message=row.message,
        author_id=row.author_id,
        labels=labels,
        created_at=_utc(row.created_at),
    )


def _run(row: Row[Any]) -> RunView:
    return RunView(
        run_id=row.run_id,
        prompt_id=row.prompt_id,
        prompt_version=row.prompt_version,
        model=row.model,
        provider=row.provider,
        variables=dict(row.variables),
        status=row.status,
        output=row.output,
        finish_reason=row.finish_reason,
        tokens_in=row.tokens_in,
        tokens_out=row.tokens_out,
        cost_usd=row.cost_usd,
        latency_ms=row.latency_ms,
        error_code=row.error_code,
        created_at=_utc(row.created_at),
    )


class SqlPromptQueries:
    def __init__(self, database: Database) -> None:
        self._engine = database.reader

    async def _rows(self, statement: Select[Any]) -> list[Row[Any]]:
        async with self._engine.connect() as connection:
            return list((await connection.execute(statement)).all())

    async def get(self, tenant_id: str, prompt_id: str) -> PromptView:
        rows = await self._rows(
            select(*SUMMARY_COLUMNS, prompts.c.owner_id, prompts.c.content).where(
                prompts.c.tenant_id == tenant_id, prompts.c.prompt_id == prompt_id
            )
        )
        if not rows:
            raise PromptNotFoundError(prompt_id)
        row = rows[0]
        return PromptView(
            prompt_id=row.prompt_id,
            owner_id=row.owner_id,
            title=row.title,
            description=row.description,
            tags=list(row.tags),
            content=row.content,
            variables=list(row.variables),
            version=row.version,
            revision=row.revision,
            archived=row.archived,
            labels=dict(row.labels),
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
        )

    async def search(self, tenant_id: str, query: PromptFilter) -> Page[PromptSummary]:
        conditions = _filters(tenant_id, query)
        async with self._engine.connect() as connection:
            total = (
                await connection.execute(
                    select(func.count()).select_from(prompts).where(*conditions)
                )
            ).scalar_one()
            rows = await connection.execute(
                select(*SUMMARY_COLUMNS)
                .where(*conditions)
                .order_by(prompts.c.updated_at.desc(), prompts.c.prompt_id.desc())
                .limit(query.page_size)
                .offset((query.page - 1) * query.page_size)
            )
            items = [_summary(row) for row in rows]
        return Page(items=items, total=int(total), page=query.page, page_size=query.page_size)

    async def versions(self, tenant_id: str, prompt_id: str) -> list[VersionView]:
        await self.get(tenant_id, prompt_id)
        labels = await self._labels(tenant_id, prompt_id)
        rows = await self._rows(
            select(prompt_versions)
            .where(
                prompt_versions.c.tenant_id == tenant_id, prompt_versions.c.prompt_id == prompt_id
            )
            .order_by(prompt_versions.c.version.desc())
        )
        return [_version(row, labels.get(row.version, [])) for row in rows]

    async def version(self, tenant_id: str, prompt_id: str, number: int) -> VersionView:
        rows = await self._rows(
            select(prompt_versions).where(
                prompt_versions.c.tenant_id == tenant_id,
                prompt_versions.c.prompt_id == prompt_id,
                prompt_versions.c.version == number,
            )
        )
        if not rows:
            await self.get(tenant_id, prompt_id)
            raise VersionNotFoundError(
                f"Prompt {prompt_id} has no version {number}.",
                f"プロンプト {prompt_id} にバージョン {number} はありません。",
            )
        labels = await self._labels(tenant_id, prompt_id)
        return _version(rows[0], labels.get(number, []))

    async def version_by_label(self, tenant_id: str, prompt_id: str, label: str) -> VersionView:
        if label == LATEST_LABEL:
            return await self.version(
                tenant_id, prompt_id, (await self.get(tenant_id, prompt_id)).version
            )
        rows = await self._rows(
            select(prompt_labels.c.version).where(
                prompt_labels.c.tenant_id == tenant_id,
                prompt_labels.c.prompt_id == prompt_id,
                prompt_labels.c.label == label,
            )
        )
        if not rows:
            await self.get(tenant_id, prompt_id)
            raise LabelNotFoundError(prompt_id, label)
        return await self.version(tenant_id, prompt_id, rows[0].version)

    async def _labels(self, tenant_id: str, prompt_id: str) -> dict[int, list[str]]:
        rows = await self._rows(
            select(prompt_labels.c.label, prompt_labels.c.version)
            .where(prompt_labels.c.tenant_id == tenant_id, prompt_labels.c.prompt_id == prompt_id)
            .order_by(prompt_labels.c.label)
        )
        labels: dict[int, list[str]] = {}
        for row in rows:
            labels.setdefault(row.version, []).append(row.label)
        return labels

    async def runs(
        self, tenant_id: str, prompt_id: str, *, version: int | None, page: int, page_size: int
    ) -> Page[RunView]:
        await self.get(tenant_id, prompt_id)
        conditions = [runs.c.tenant_id == tenant_id, runs.c.prompt_id == prompt_id]
        if version is not None:
            conditions.append(runs.c.prompt_version == version)
        async with self._engine.connect() as connection:
            total = (
                await connection.execute(select(func.count()).select_from(runs).where(*conditions))
            ).scalar_one()
            rows = await connection.execute(
                select(runs)
                .where(*conditions)
                .order_by(runs.c.created_at.desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
            items = [_run(row) for row in rows]
        return Page(items=items, total=int(total), page=page, page_size=page_size)
