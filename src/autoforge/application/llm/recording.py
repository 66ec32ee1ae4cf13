"""Every model call is recorded, whichever use case makes it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from autoforge.application.llm.ports import LLMGateway
from autoforge.domain.errors import DomainError
from autoforge.domain.identity.model import Actor
from autoforge.domain.llm.model import (
    Completion,
    CompletionRequest,
    ModelInfo,
    UnknownModelError,
)

__all__ = ["CallRecord", "CallRecorder", "RecordingGateway"]


@dataclass(frozen=True, slots=True)
class CallRecord:
    call_id: str
    tenant_id: str
    user_id: str
    provider: str
    model: str
    prompt_id: str | None
    prompt_version: int | None
    status: str
    error_code: str | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    correlation_id: str | None
    created_at: datetime


class CallRecorder(Protocol):
    async def record(self, call: CallRecord) -> None: ...


def _provider_of(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else "openai"


class RecordingGateway:
    """Wraps a gateway for one actor and records each call, failed ones too."""

    def __init__(self, gateway: LLMGateway, recorder: CallRecorder, actor: Actor) -> None:
        self._gateway = gateway
        self._recorder = recorder
        self._actor = actor

    async def complete(self, request: CompletionRequest) -> Completion:
        started = time.perf_counter()
        try:
            completion = await self._gateway.complete(request)
        except UnknownModelError:
            raise  # refused before any call: nothing to record, and no metric per bad name
        except DomainError as error:
            latency_ms = (time.perf_counter() - started) * 1000
            await self._record(
                request, status="error", error_code=error.instance_code, latency_ms=latency_ms
            )
            raise
        await self._record(
            request, status="ok", completion=completion, latency_ms=completion.latency_ms
        )
        return completion

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        return await self._gateway.embed(model, texts)

    def models(self) -> list[ModelInfo]:
        return self._gateway.models()

    async def ping(self) -> None:
        await self._gateway.ping()

    async def _record(
        self,
        request: CompletionRequest,
        *,
        status: str,
        latency_ms: float,
        completion: Completion | None = None,
        error_code: str | None = None,
    ) -> None:
        version = request.tags.get("prompt_version")
        await self._recorder.record(
            CallRecord(
                call_id=uuid.uuid4().hex,
                tenant_id=self._actor.tenant_id,
                user_id=self._actor.user_id,
                provider=completion.provider if completion else _provider_of(request.model),
                model=request.model,
                prompt_id=request.tags.get("prompt_id"),
                prompt_version=int(version) if version else None,
                status=status,
                error_code=error_code,
                tokens_in=completion.tokens_in if completion else 0,
                tokens_out=completion.tokens_out if completion else 0,
                cost_usd=completion.cost_usd if completion else 0.0,
                latency_ms=latency_ms,
                correlation_id=self._actor.correlation_id,
                created_at=datetime.now(UTC),
            )
        )
