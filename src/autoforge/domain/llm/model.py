"""Value objects of the model gateway: requests, completions and the model catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from autoforge.domain.errors import InvalidInputError, ServiceUnavailableError, UpstreamError

__all__ = [
    "ChatMessage",
    "Completion",
    "CompletionRequest",
    "ModelBusyError",
    "ModelInfo",
    "ProviderError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "UnknownModelError",
]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    model: str
    messages: tuple[ChatMessage, ...]
    temperature: float | None = None
    max_tokens: int | None = None
    timeout_s: float = 120.0
    # Correlation for the call record; never secrets.
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Completion:
    model: str
    provider: str
    text: str
    finish_reason: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    provider: str
    mode: Literal["chat", "completion", "embedding"]
    input_cost_per_million: float
    output_cost_per_million: float
    max_input_tokens: int | None
    max_output_tokens: int | None
    local: bool


class UnknownModelError(InvalidInputError):
    code = "UNKNOWN_MODEL"


class ProviderError(UpstreamError):
    code = "PROVIDER_ERROR"
    status = 502


class ProviderTimeoutError(UpstreamError):
    code = "PROVIDER_TIMEOUT"
    status = 504
    title_en = "Model provider timed out"
    title_ja = "モデルプロバイダーがタイムアウトしました"


class ProviderUnavailableError(ServiceUnavailableError):
    code = "PROVIDER_UNAVAILABLE"


class ModelBusyError(ServiceUnavailableError):
    """The local model's queue is full; the caller should retry later."""

    code = "MODEL_BUSY"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"The local model is busy; retry in {retry_after_s} seconds.",
            f"ローカルモデルが混み合っています。{retry_after_s} 秒後に再試行してください。",
            extra={"retry_after": retry_after_s},
        )
        self.retry_after_s = retry_after_s
