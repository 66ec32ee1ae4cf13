"""The packaged Gemma model, run for real through the same gateway path as hosted models."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Iterator

import pytest

from autoforge.domain.llm.model import (
    ChatMessage,
    Completion,
    CompletionRequest,
    ModelBusyError,
    ProviderTimeoutError,
)
from autoforge.infrastructure.llm import GatewayConfig, LiteLLMGateway, LocalModelConfig
from autoforge.infrastructure.llm.catalogue import LOCAL_MODEL_NAME
from autoforge.infrastructure.llm.errors import PromptTooLongError
from autoforge.infrastructure.llm.local_model import packaged_gguf_path
from autoforge.infrastructure.llm.local_prompt import transcript

pytestmark = pytest.mark.local_model

QUESTION = (
    ChatMessage("system", "You are a helpful assistant."),
    ChatMessage("user", "What is the capital of France?"),
)


def local_gateway(**local: object) -> LiteLLMGateway:
    return LiteLLMGateway(GatewayConfig(local=LocalModelConfig(**local)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def gateway() -> Iterator[LiteLLMGateway]:
    gateway = local_gateway(context_tokens=2048)
    yield gateway
    gateway.close()


def test_local_model_is_listed_as_free_and_local(gateway: LiteLLMGateway) -> None:
    local = next(m for m in gateway.models() if m.name == LOCAL_MODEL_NAME)

    assert local.local
    assert local.provider == "local"
    assert local.mode == "chat"
    assert local.input_cost_per_million == local.output_cost_per_million == 0.0
    assert local.max_input_tokens == 2048


async def test_short_completion_returns_text_and_counts_tokens(gateway: LiteLLMGateway) -> None:
    request = CompletionRequest(LOCAL_MODEL_NAME, QUESTION, temperature=0.0, max_tokens=12)

    completion = await gateway.complete(request)

    assert completion.text.strip()
    assert completion.finish_reason in {"stop", "length"}
    assert 0 < completion.tokens_out <= 12
    assert completion.provider == "local"
    assert completion.cost_usd == 0.0
    assert completion.latency_ms > 0
    assert completion.tokens_in == _tokens_of(transcript_of(QUESTION))


async def test_full_queue_answers_model_busy_at_once() -> None:
    gateway = local_gateway(queue_size=0, context_tokens=512)
    request = CompletionRequest(LOCAL_MODEL_NAME, QUESTION, max_tokens=24)
    try:
        outcomes = await asyncio.gather(
            gateway.complete(request), gateway.complete(request), return_exceptions=True
        )
    finally:
        gateway.close()

    busy = [o for o in outcomes if isinstance(o, ModelBusyError)]
    assert len(busy) == 1
    assert busy[0].retry_after_s >= 1
    assert busy[0].status == 503
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1


async def test_timed_out_generation_is_stopped_and_frees_the_model() -> None:
    gateway = local_gateway(queue_size=0, context_tokens=512)
    slow = CompletionRequest(LOCAL_MODEL_NAME, QUESTION, max_tokens=400, timeout_s=0.5)
    quick = CompletionRequest(LOCAL_MODEL_NAME, QUESTION, max_tokens=4, timeout_s=30)
    try:
        with pytest.raises(ProviderTimeoutError):
            await gateway.complete(slow)
        started = time.perf_counter()
        answer = await _complete_when_free(gateway, quick)
    finally:
        gateway.close()

    assert answer.tokens_out > 0
    # Had the abandoned 400-token generation run on, the model would stay busy for many seconds.
    assert time.perf_counter() - started < 5


async def test_prompt_longer_than_the_context_is_refused() -> None:
    gateway = local_gateway(context_tokens=64)
    long_question = (ChatMessage("user", "tell me more " * 60),)
    try:
        with pytest.raises(PromptTooLongError) as raised:
            await gateway.complete(CompletionRequest(LOCAL_MODEL_NAME, long_question))
    finally:
        gateway.close()

    assert raised.value.code == "PROMPT_TOO_LONG"
    assert raised.value.status == 422
    assert raised.value.extra["limit"] == 64


async def _complete_when_free(gateway: LiteLLMGateway, request: CompletionRequest) -> Completion:
    for _ in range(50):
        try:
            return await gateway.complete(request)
        except ModelBusyError:
            await asyncio.sleep(0.1)
    raise AssertionError("the local model stayed busy")


def transcript_of(messages: tuple[ChatMessage, ...]) -> str:
    return transcript([{"role": m.role, "content": m.content} for m in messages])


def _tokens_of(text: str) -> int:
    llama_cpp = importlib.import_module("llama_cpp")
    vocabulary = llama_cpp.Llama(str(packaged_gguf_path()), vocab_only=True, verbose=False)
    return len(vocabulary.tokenize(text.encode(), add_bos=True, special=False))
