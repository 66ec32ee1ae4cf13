"""The record of every model call: a row, a metric and a log line.

Rows are written by group commit: a call waits until its row is stored, and calls that
finish while a write is in progress are stored together in the next one. A lone call is
written at once; under load (an evaluation run making 16 calls at a time) one short
transaction stores many rows, instead of each call queuing for SQLite's single writer.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

import structlog
from sqlalchemy import insert

from autoforge.application.llm.recording import CallRecord
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.tables import llm_calls
from autoforge.infrastructure.metrics import AppMetrics

__all__ = ["SqlCallRecorder"]

log = structlog.get_logger(__name__)

_Pending = list[tuple[dict[str, Any], asyncio.Future[None]]]


class SqlCallRecorder:
    def __init__(self, database: Database, metrics: AppMetrics) -> None:
        self._database = database
        self._metrics = metrics
        self._pending: _Pending = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, call: CallRecord) -> None:
        self._observe(call)
        stored: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((asdict(call), stored))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())
        await stored

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._database.writer.begin() as connection:
                    await connection.execute(insert(llm_calls), [row for row, _ in batch])
            except Exception as error:  # every waiting caller gets the failure, none hangs
                for _, stored in batch:
                    if not stored.done():
                        stored.set_exception(error)
            else:
                for _, stored in batch:
                    if not stored.done():
                        stored.set_result(None)

    def _observe(self, call: CallRecord) -> None:
        log.info(
            "llm_call",
            call_id=call.call_id,
            provider=call.provider,
            model=call.model,
            status=call.status,
            error_code=call.error_code,
            tokens_in=call.tokens_in,
            tokens_out=call.tokens_out,
            cost_usd=call.cost_usd,
            latency_ms=round(call.latency_ms, 1),
            prompt_id=call.prompt_id,
            prompt_version=call.prompt_version,
        )
        self._metrics.record_llm_call(
            provider=call.provider,
            model=call.model,
            status=call.status,
            latency_s=call.latency_ms / 1000,
            tokens_in=call.tokens_in,
            tokens_out=call.tokens_out,
            cost_usd=call.cost_usd,
        )
