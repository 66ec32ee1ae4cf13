"""Records of model calls and prompt runs, kept for history, cost and audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["RunRecord"]


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One run of a prompt version on a model, successful or not."""

    run_id: str
    prompt_id: str
    prompt_version: int
    model: str
    provider: str
    variables: dict[str, str]
    rendered_prompt: str
    temperature: float | None
    max_tokens: int | None
    status: str
    output: str
    finish_reason: str | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    error_code: str | None
    created_at: datetime
