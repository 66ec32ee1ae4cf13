"""What the model gateway is built from; the composition root fills it from settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GatewayConfig", "LocalModelConfig"]


@dataclass(frozen=True, slots=True)
class LocalModelConfig:
    """The offline model run in-process; `gguf_path=None` assembles the packaged Gemma file."""

    enabled: bool = True
    gguf_path: Path | None = None
    context_tokens: int = 8192
    threads: int | None = None  # None: one per CPU
    queue_size: int = 4  # requests allowed to wait behind the one being generated
    default_max_tokens: int = 256


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Explicit inputs of `LiteLLMGateway`; nothing is read from the process environment.

    `provider_keys` is an environment-style mapping (e.g. {"OPENAI_API_KEY": "sk-..."}); a
    provider's models are offered when its key is present. The OpenAI-compatible endpoint serves
    exactly the model names listed for it. Secrets are kept out of repr.
    """

    provider_keys: Mapping[str, str] = field(default_factory=dict, repr=False)
    openai_compatible_base_url: str | None = None
    openai_compatible_api_key: str | None = field(default=None, repr=False)
    openai_compatible_models: tuple[str, ...] = ()
    openai_compatible_embedding_models: tuple[str, ...] = ()
    local: LocalModelConfig = field(default_factory=LocalModelConfig)
    default_timeout_s: float = 60.0  # embeddings; completions use the request's own timeout
    # Retries are a routing decision made above the gateway, so the SDK's own retries are off.
    max_retries: int = 0
