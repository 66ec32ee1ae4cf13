"""The append-only event log with optimistic concurrency per stream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from autoforge.domain.evaluation.run_events import EVALUATION_EVENT_TYPES
from autoforge.domain.events import DomainEvent, EventMetadata, RecordedEvent
from autoforge.domain.prompt.errors import VersionConflictError
from autoforge.domain.prompt.events import PROMPT_EVENT_TYPES
from autoforge.infrastructure.db.tables import events, outbox

__all__ = ["EVENT_TYPES", "EventStore"]

# One statement for a whole batch; positions come back in the order of the rows.
_INSERT_EVENTS = insert(events).returning(events.c.position, sort_by_parameter_order=True)

EVENT_TYPES: dict[str, type[DomainEvent]] = {**PROMPT_EVENT_TYPES, **EVALUATION_EVENT_TYPES}


def _to_recorded(row: Row[Any]) -> RecordedEvent:
    event_cls = EVENT_TYPES[row.event_type]
    occurred_at = row.occurred_at
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    return RecordedEvent(
        position=row.position,
        stream_id=row.stream_id,
        stream_version=row.stream_version,
        event=event_cls.from_payload(row.payload),
        metadata=EventMetadata(**row.event_metadata),
        occurred_at=occurred_at,
    )


class EventStore:
    """Reads and appends events on the connection of the current transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def load(self, *, tenant_id: str, stream_id: str) -> list[RecordedEvent]:
        rows = await self._connection.execute(
            select(events)
            .where(events.c.tenant_id == tenant_id, events.c.stream_id == stream_id)
            .order_by(events.c.stream_version)
        )
        return [_to_recorded(row) for row in rows]

    async def append(
        self,
        *,
        stream_id: str,
        expected_version: int,
        new_events: Sequence[DomainEvent],
        metadata: EventMetadata,
    ) -> list[RecordedEvent]:
        """Append after `expected_version`; a concurrent writer gets a VersionConflictError."""
        occurred_at = datetime.now(UTC)
        rows = [
            {
                "stream_id": stream_id,
                "stream_version": expected_version + offset,
                "tenant_id": metadata.tenant_id,
                "event_type": event.event_type,
                "payload": event.to_payload(),
                "event_metadata": asdict(metadata),
                "occurred_at": occurred_at,
            }
            for offset, event in enumerate(new_events, start=1)
        ]
        try:
            result = await self._connection.execute(_INSERT_EVENTS, rows)
        except IntegrityError as error:
            # The transaction is now unusable on PostgreSQL, so the current version
            # cannot be read here; the caller reloads and retries.
            raise VersionConflictError(
                stream_id=stream_id, expected=expected_version, actual=None
            ) from error
        positions = list(result.scalars())
        await self._connection.execute(insert(outbox), [{"position": p} for p in positions])
        return [
            RecordedEvent(
                position, stream_id, expected_version + offset, event, metadata, occurred_at
            )
            for offset, (position, event) in enumerate(zip(positions, new_events, strict=True), 1)
        ]

    async def all_events(self, *, batch_size: int = 500) -> AsyncIterator[RecordedEvent]:
        """Every event in log order, read in batches so a long log fits in memory."""
        after = 0
        while True:
            rows = (
                await self._connection.execute(
                    select(events)
                    .where(events.c.position > after)
                    .order_by(events.c.position)
                    .limit(batch_size)
                )
            ).all()
            if not rows:
                return
            for row in rows:
                yield _to_recorded(row)
            after = rows[-1].position
