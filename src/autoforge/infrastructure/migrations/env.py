"""Alembic environment: runs migrations on the async engine given by the caller."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

# Every module that defines tables must be imported so autogenerate sees them.
import autoforge.infrastructure.db.evaluation_run_tables
import autoforge.infrastructure.db.evaluation_tables  # noqa: F401
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    database = Database.connect(context.config.get_main_option("sqlalchemy.url") or "")
    async with database.writer.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await database.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_online())
