"""The model gateway port: the one way the application talks to language models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from autoforge.domain.llm.model import Completion, CompletionRequest, ModelInfo

__all__ = ["LLMGateway"]


class LLMGateway(Protocol):
    async def complete(self, request: CompletionRequest) -> Completion:
        """Run one completion; raise UnknownModelError or a ProviderError subclass."""
        ...

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        """Embed texts with an embedding model; raise UnknownModelError if none is usable."""
        ...

    def models(self) -> list[ModelInfo]:
        """The models usable right now (configured keys, installed local model)."""
        ...

    async def ping(self) -> None:
        """Cheap health check; raise when the gateway cannot serve calls."""
        ...
