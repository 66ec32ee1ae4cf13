"""The SQLAlchemy unit of work: one transaction that appends events and updates read models."""

from __future__ import annotations

from dataclasses import asdict
from types import TracebackType
from typing import Self

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from autoforge.application.llm.records import RunRecord
from autoforge.domain.events import EventMetadata
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.errors import PromptNotFoundError
from autoforge.domain.prompt.model import Prompt
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.event_store import EventStore
from autoforge.infrastructure.db.projections import PromptProjector
from autoforge.infrastructure.db.tables import prompts, runs

__all__ = ["SqlUnitOfWork"]


class SqlPromptRepository:
    """Loads prompts from their event streams; tracks the ones to save."""

    def __init__(self, connection: AsyncConnection, store: EventStore, actor: Actor) -> None:
        self._connection = connection
        self._store = store
        self._actor = actor
        self.seen: list[Prompt] = []

    async def get(self, prompt_id: str) -> Prompt:
        history = await self._store.load(tenant_id=self._actor.tenant_id, stream_id=prompt_id)
        if not history:
            raise PromptNotFoundError(prompt_id)
        prompt = Prompt.from_history(prompt_id, (recorded.event for recorded in history))
        self.seen.append(prompt)
        return prompt

    def add(self, prompt: Prompt) -> None:
        self.seen.append(prompt)

    async def id_for_source_key(self, source_key: str) -> str | None:
        result = await self._connection.execute(
            select(prompts.c.prompt_id)
            .where(prompts.c.tenant_id == self._actor.tenant_id)
            .where(prompts.c.source_key == source_key)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def count_owned_by(self, owner_id: str) -> int:
        """Count under a lock held to the end of the transaction, so two concurrent creates
        cannot both see room for one more (SQLite's single writer already serialises them)."""
        if self._connection.dialect.name == "postgresql":
            key = f"prompt-quota:{self._actor.tenant_id}:{owner_id}"
            await self._connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key}
            )
        result = await self._connection.execute(
            select(func.count())
            .select_from(prompts)
            .where(prompts.c.tenant_id == self._actor.tenant_id, prompts.c.owner_id == owner_id)
        )
        return int(result.scalar_one())


class SqlRunRepository:
    def __init__(self, connection: AsyncConnection, actor: Actor) -> None:
        self._connection = connection
        self._actor = actor
        self.pending: list[RunRecord] = []

    def add(self, run: RunRecord) -> None:
        self.pending.append(run)

    async def flush(self) -> None:
        if self.pending:
            rows = [
                {**asdict(run), "tenant_id": self._actor.tenant_id, "user_id": self._actor.user_id}
                for run in self.pending
            ]
            await self._connection.execute(insert(runs), rows)
            self.pending.clear()


class SqlUnitOfWork:
    """Scoped to one tenant; rolls back unless `commit` is called."""

    prompts: SqlPromptRepository
    runs: SqlRunRepository

    def __init__(self, database: Database, actor: Actor) -> None:
        self._database = database
        self._actor = actor
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        self._connection = await self._database.writer.connect()
        await self._connection.begin()
        store = EventStore(self._connection)
        self._store = store
        self.prompts = SqlPromptRepository(self._connection, store, self._actor)
        self.runs = SqlRunRepository(self._connection, self._actor)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if connection.in_transaction():
                await connection.rollback()
        finally:
            await connection.close()

    async def commit(self) -> None:
        connection = self._connection
        if connection is None:
            raise RuntimeError("commit() outside of the unit of work's context")
        metadata = EventMetadata(
            tenant_id=self._actor.tenant_id,
            actor_id=self._actor.user_id,
            correlation_id=self._actor.correlation_id,
        )
        projector = PromptProjector(connection)
        for prompt in self.prompts.seen:
            if not prompt.pending:
                continue
            recorded = await self._store.append(
                stream_id=prompt.prompt_id,
                expected_version=prompt.revision,
                new_events=prompt.pending,
                metadata=metadata,
            )
            await projector.apply(recorded)
            prompt.revision += len(prompt.pending)
            prompt.pending.clear()
        await self.runs.flush()
        await connection.commit()
