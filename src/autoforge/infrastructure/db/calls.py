"""The record of every model call: a row, a metric and a log line."""

from __future__ import annotations

from dataclasses import asdict

import structlog
from sqlalchemy import insert

from autoforge.application.llm.recording import CallRecord
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.tables import llm_calls
from autoforge.infrastructure.metrics import AppMetrics

__all__ = ["SqlCallRecorder"]

log = structlog.get_logger(__name__)


class SqlCallRecorder:
    def __init__(self, database: Database, metrics: AppMetrics) -> None:
        self._database = database
        self._metrics = metrics

    async def record(self, call: CallRecord) -> None:
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
        async with self._database.writer.begin() as connection:
            await connection.execute(insert(llm_calls).values(asdict(call)))
