"""Rebuilding the read models by replaying the whole event log."""

from __future__ import annotations

from sqlalchemy import delete

from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.event_store import EventStore
from autoforge.infrastructure.db.projections import READ_MODEL_TABLES, PromptProjector

__all__ = ["rebuild_projections"]


async def rebuild_projections(database: Database) -> int:
    """Empty the read models and replay every event into them, in one transaction."""
    replayed = 0
    async with database.writer.begin() as connection:
        for table in READ_MODEL_TABLES:
            await connection.execute(delete(table))
        projector = PromptProjector(connection)
        async for recorded in EventStore(connection).all_events():
            await projector.apply([recorded])
            replayed += 1
    return replayed
