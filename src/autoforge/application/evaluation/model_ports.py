"""The assertion engine's grader and embedder ports, served by the model gateway.

Calls go through the caller's gateway, so they are recorded and budgeted like any
other. No embedding model configured means no embedder: the engine then answers a
`similar` assertion as an error with that reason, never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from autoforge.application.llm.ports import LLMGateway
from autoforge.domain.llm.model import ChatMessage, CompletionRequest

__all__ = ["GatewayEmbedder", "GatewayGrader", "choose_embedding_model", "is_multilingual"]

# Sentence-embedding models trained on English only; their scores on Japanese mislead.
_ENGLISH_ONLY: Final = re.compile(r"minilm|mpnet|(^|[/-])en([/-]|$)|-en-|gte-(small|base)", re.I)


class GatewayGrader:
    """Answers grading prompts with one model, deterministically (temperature 0)."""

    def __init__(self, gateway: LLMGateway, *, model: str, timeout_s: float = 120.0) -> None:
        self._gateway = gateway
        self._model = model
        self._timeout_s = timeout_s

    async def grade(self, prompt: str) -> str:
        completion = await self._gateway.complete(
            CompletionRequest(
                model=self._model,
                messages=(ChatMessage(role="user", content=prompt),),
                temperature=0.0,
                timeout_s=self._timeout_s,
                tags={"purpose": "assertion_grading"},
            )
        )
        return completion.text


class GatewayEmbedder:
    def __init__(self, gateway: LLMGateway, *, model: str) -> None:
        self._gateway = gateway
        self._model = model

    @property
    def model_name(self) -> str:
        return self._model

    @property
    def multilingual(self) -> bool:
        return is_multilingual(self._model)

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return await self._gateway.embed(self._model, texts)


def is_multilingual(model: str) -> bool:
    """A guess from the name: English-only families are known; others are taken as multilingual.

    A multilingual model's name says so (`multilingual-e5`, `bge-m3`), and the large
    providers' embedding models cover Japanese.
    """
    return "multilingual" in model.lower() or _ENGLISH_ONLY.search(model) is None


def choose_embedding_model(gateway: LLMGateway, configured: str | None) -> str | None:
    """The configured embedding model, else the first the gateway offers, else None."""
    if configured:
        return configured
    return next((info.name for info in gateway.models() if info.mode == "embedding"), None)
