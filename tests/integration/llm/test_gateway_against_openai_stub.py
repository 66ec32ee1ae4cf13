"""The real LiteLLM gateway against a real OpenAI-compatible server on loopback."""

from __future__ import annotations

import dataclasses
import time

import pytest

from autoforge.domain.llm.model import (
    ChatMessage,
    CompletionRequest,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    UnknownModelError,
)
from autoforge.infrastructure.llm import GatewayConfig, LiteLLMGateway
from tests.support.openai_stub import OpenAIStub


def ask(model: str, text: str, **options: object) -> CompletionRequest:
    messages = (ChatMessage("system", "Answer briefly."), ChatMessage("user", text))
    return CompletionRequest(model=model, messages=messages, **options)  # type: ignore[arg-type]


async def test_completion_carries_reply_usage_and_latency(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    request = ask("stub-chat", "hello there")

    completion = await stub_gateway.complete(request)

    assert completion.text == "echo: hello there"
    assert completion.model == "stub-chat"
    assert completion.provider == "openai_compatible"
    assert completion.finish_reason == "stop"
    assert completion.tokens_in == sum(len(m.content.split()) for m in request.messages)
    assert completion.tokens_out == len(completion.text.split())
    assert completion.latency_ms > 0
    assert completion.cost_usd == 0.0  # the stub's own model names have no price


async def test_completion_forwards_sampling_options_and_reports_length_cut(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    completion = await stub_gateway.complete(
        ask("stub-chat", "one two three four five", max_tokens=3, temperature=0.2)
    )

    sent = stub.requests[-1].body
    assert sent["max_tokens"] == 3
    assert sent["temperature"] == 0.2
    assert sent["model"] == "stub-chat"
    assert completion.finish_reason == "length"
    assert completion.tokens_out == 3


async def test_latency_includes_the_providers_delay(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    with stub.configured(latency_ms=200):
        completion = await stub_gateway.complete(ask("stub-chat", "slowly"))

    assert completion.latency_ms >= 200


async def test_priced_model_costs_its_tokens_at_the_catalogue_price(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    info = next(m for m in stub_gateway.models() if m.name == "gpt-4o-mini")

    completion = await stub_gateway.complete(ask("gpt-4o-mini", "what does this cost"))

    expected = (
        completion.tokens_in * info.input_cost_per_million
        + completion.tokens_out * info.output_cost_per_million
    ) / 1_000_000
    assert info.input_cost_per_million > 0
    assert completion.cost_usd == pytest.approx(expected, rel=1e-6)


async def test_model_outside_the_catalogue_is_refused_before_any_call(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    with pytest.raises(UnknownModelError) as raised:
        await stub_gateway.complete(ask("no-such-model", "hi"))

    assert raised.value.code == "UNKNOWN_MODEL"
    assert raised.value.status == 422
    assert "no-such-model" in str(raised.value)
    assert "GET /api/v1/models" in str(raised.value)
    assert stub.requests == []


async def test_model_the_provider_does_not_know_is_an_unknown_model(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    with pytest.raises(UnknownModelError) as raised:
        await stub_gateway.complete(ask("stub-ghost", "hi"))

    assert "stub-ghost" in str(raised.value)
    assert len(stub.requests) == 1


async def test_provider_server_error_is_a_provider_error_without_retry(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    with stub.configured(fail_with=500), pytest.raises(ProviderError) as raised:
        await stub_gateway.complete(ask("stub-chat", "hi"))

    assert raised.value.status == 502
    assert raised.value.code == "PROVIDER_ERROR"
    assert len(stub.requests) == 1


@pytest.mark.parametrize("status", [503, 429])
async def test_overloaded_or_rate_limited_provider_is_unavailable(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub, status: int
) -> None:
    with stub.configured(fail_with=status), pytest.raises(ProviderUnavailableError) as raised:
        await stub_gateway.complete(ask("stub-chat", "hi"))

    assert raised.value.status == 503
    assert raised.value.code == "PROVIDER_UNAVAILABLE"


async def test_rate_limit_passes_on_the_providers_retry_after(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    with stub.configured(fail_with=429), pytest.raises(ProviderUnavailableError) as raised:
        await stub_gateway.complete(ask("stub-chat", "hi"))

    assert raised.value.extra["retry_after"] == 1


async def test_provider_slower_than_the_timeout_times_out_promptly(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    started = time.perf_counter()
    with stub.configured(latency_ms=3000), pytest.raises(ProviderTimeoutError) as raised:
        await stub_gateway.complete(ask("stub-chat", "hi", timeout_s=0.3))

    assert raised.value.status == 504
    assert time.perf_counter() - started < 2.0


async def test_unreachable_endpoint_is_unavailable(stub_config: GatewayConfig) -> None:
    with OpenAIStub() as closed:
        dead_url = closed.base_url
    gateway = LiteLLMGateway(dataclasses.replace(stub_config, openai_compatible_base_url=dead_url))

    with pytest.raises(ProviderUnavailableError):
        await gateway.complete(ask("stub-chat", "anyone there?", timeout_s=5))


async def test_embeddings_are_one_vector_per_text_in_order(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    vectors = await stub_gateway.embed("stub-embed", ["alpha", "beta", "alpha"])

    assert len(vectors) == 3
    assert all(len(v) == stub.embedding_dim for v in vectors)
    assert vectors[0] == vectors[2]
    assert vectors[0] != vectors[1]
    assert stub.requests[-1].body["input"] == ["alpha", "beta", "alpha"]


async def test_embedding_with_a_chat_model_is_refused(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    with pytest.raises(UnknownModelError, match="embedding"):
        await stub_gateway.embed("stub-chat", ["alpha"])

    assert stub.requests == []


async def test_embedding_nothing_calls_nobody(
    stub_gateway: LiteLLMGateway, stub: OpenAIStub
) -> None:
    assert await stub_gateway.embed("stub-embed", []) == []
    assert stub.requests == []


async def test_ping_succeeds_with_a_configured_endpoint(stub_gateway: LiteLLMGateway) -> None:
    await stub_gateway.ping()
