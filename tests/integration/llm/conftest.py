"""Fixtures for the gateway's integration tests: a real OpenAI-compatible server on loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest

from autoforge.infrastructure.llm import GatewayConfig, LiteLLMGateway, LocalModelConfig
from tests.support.openai_stub import OpenAIStub

STUB_CHAT_MODELS = ("stub-chat", "stub-ghost", "gpt-4o-mini")
STUB_EMBEDDING_MODELS = ("stub-embed",)
# The stub serves every model above except this one, so the provider answers 404 for it.
MODEL_UNKNOWN_TO_PROVIDER = "stub-ghost"


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test in which the gateway reaches past this machine (a price map, a tokenizer)."""
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"connection to {address[0]} attempted")
        connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def openai_stub() -> Iterator[OpenAIStub]:
    served = [
        m for m in (*STUB_CHAT_MODELS, *STUB_EMBEDDING_MODELS) if m != MODEL_UNKNOWN_TO_PROVIDER
    ]
    with OpenAIStub(models=served) as stub:
        yield stub


@pytest.fixture
def stub(openai_stub: OpenAIStub) -> Iterator[OpenAIStub]:
    """The session's stub with no failure, no delay and an empty request log."""
    openai_stub.clear_requests()
    with openai_stub.configured(latency_ms=0, fail_with=None):
        yield openai_stub


@pytest.fixture(scope="session")
def stub_config(openai_stub: OpenAIStub) -> GatewayConfig:
    """A gateway configuration with the stub as its only provider (no local model, no keys)."""
    return GatewayConfig(
        openai_compatible_base_url=openai_stub.base_url,
        openai_compatible_api_key="stub-key",
        openai_compatible_models=STUB_CHAT_MODELS,
        openai_compatible_embedding_models=STUB_EMBEDDING_MODELS,
        local=LocalModelConfig(enabled=False),
    )


@pytest.fixture(scope="session")
def stub_gateway(stub_config: GatewayConfig) -> Iterator[LiteLLMGateway]:
    gateway = LiteLLMGateway(stub_config)
    yield gateway
    gateway.close()
