"""Model-call records are written by group commit: every call stored, few transactions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import event, func, select

from autoforge.application.llm.recording import CallRecord
from autoforge.infrastructure.db.calls import SqlCallRecorder
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.tables import llm_calls
from autoforge.infrastructure.metrics import AppMetrics
from autoforge.infrastructure.migrations.runner import upgrade_to_head
from autoforge.infrastructure.settings import Settings


def _call(model: str = "stub-chat") -> CallRecord:
    return CallRecord(
        call_id=uuid.uuid4().hex,
        tenant_id="t1",
        user_id="u1",
        provider="openai",
        model=model,
        prompt_id=None,
        prompt_version=None,
        status="ok",
        error_code=None,
        tokens_in=3,
        tokens_out=5,
        cost_usd=0.0,
        latency_ms=12.5,
        correlation_id="req-1",
        created_at=datetime.now(UTC),
    )


async def test_concurrent_calls_are_all_stored_in_few_transactions(
    make_settings: Callable[..., Settings],
) -> None:
    database = Database.connect(make_settings().effective_database_url)
    await upgrade_to_head(database)
    commits: list[int] = []
    event.listen(database.writer.sync_engine, "commit", lambda _conn: commits.append(1))
    recorder = SqlCallRecorder(database, AppMetrics(include_process_metrics=False))

    await asyncio.gather(*(recorder.record(_call()) for _ in range(200)))
    await recorder.record(_call("after"))

    async with database.reader.connect() as connection:
        stored = (await connection.execute(select(func.count()).select_from(llm_calls))).scalar()
    await database.dispose()
    assert stored == 201
    assert 2 <= len(commits) < 50


async def test_a_failed_write_reaches_every_waiting_caller(
    make_settings: Callable[..., Settings],
) -> None:
    database = Database.connect(make_settings().effective_database_url)  # no tables: writes fail
    recorder = SqlCallRecorder(database, AppMetrics(include_process_metrics=False))

    results = await asyncio.gather(
        *(recorder.record(_call()) for _ in range(5)), return_exceptions=True
    )

    await database.dispose()
    assert all(isinstance(result, Exception) for result in results)
