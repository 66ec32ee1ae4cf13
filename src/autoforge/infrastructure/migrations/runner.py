"""Apply and inspect migrations from code (the CLI, start-up and readiness use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from autoforge.infrastructure.db.engine import Database

__all__ = ["head_revision", "migrations_applied", "upgrade_to_head"]

HERE = Path(__file__).parent


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


async def upgrade_to_head(database: Database) -> None:
    def upgrade(connection: Connection) -> None:
        command.upgrade(_config(connection), "head")

    async with database.writer.connect() as connection:
        await connection.run_sync(upgrade)
        await connection.commit()


async def migrations_applied(database: Database) -> bool:
    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.reader.connect() as connection:
        revision = await connection.run_sync(current)
    return revision is not None and revision == head_revision()
