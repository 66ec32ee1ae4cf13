"""What the CLI commands run, kept apart so they can be tested without a terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path

from autoforge.application.prompt.handlers import PromptPolicy
from autoforge.application.prompt.importer import ImportReport, PromptImporter
from autoforge.application.prompt.importing import parse_csv, parse_jsonl
from autoforge.domain.identity.model import LOCAL_ACTOR, Actor
from autoforge.domain.prompt.model import PromptLimits
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.rebuild import rebuild_projections
from autoforge.infrastructure.db.unit_of_work import SqlUnitOfWork
from autoforge.infrastructure.migrations.runner import upgrade_to_head
from autoforge.infrastructure.settings import Settings

__all__ = ["run_import", "run_rebuild"]


async def run_import(settings: Settings, path: Path, *, actor: Actor = LOCAL_ACTOR) -> ImportReport:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    limits = PromptLimits(max_content_chars=settings.max_prompt_chars)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        batch = parse_jsonl(text, max_content_chars=limits.max_content_chars)
    else:
        batch = parse_csv(text, max_content_chars=limits.max_content_chars)
    database = Database.connect(settings.effective_database_url)
    try:
        await upgrade_to_head(database)
        importer = PromptImporter(
            uow_factory=lambda who: SqlUnitOfWork(database, who),
            policy=PromptPolicy(
                limits=limits, prompt_quota_per_user=settings.prompt_quota_per_user
            ),
        )
        return await importer.run(actor, batch)
    finally:
        await database.dispose()


async def run_rebuild(settings: Settings) -> int:
    database = Database.connect(settings.effective_database_url)
    try:
        return await rebuild_projections(database)
    finally:
        await database.dispose()
