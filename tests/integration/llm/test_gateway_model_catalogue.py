"""What models() offers, built offline from configuration and LiteLLM's bundled price map."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from autoforge.domain.llm.model import ProviderUnavailableError
from autoforge.infrastructure.llm import GatewayConfig, LiteLLMGateway, LocalModelConfig

NOTHING = GatewayConfig(local=LocalModelConfig(enabled=False))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"unexpected connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_models_lists_the_configured_endpoint_models_by_mode(stub_config: GatewayConfig) -> None:
    models = {m.name: m for m in LiteLLMGateway(stub_config).models()}

    assert models["stub-chat"].mode == "chat"
    assert models["stub-embed"].mode == "embedding"
    assert {models[n].provider for n in ("stub-chat", "stub-embed")} == {"openai_compatible"}
    assert not any(m.local for m in models.values())


def test_openai_key_offers_openai_models_with_prices_without_calling_anyone(
    no_network: None,
) -> None:
    gateway = LiteLLMGateway(
        dataclasses.replace(NOTHING, provider_keys={"OPENAI_API_KEY": "sk-test-not-real"})
    )

    openai_models = [m for m in gateway.models() if m.provider == "openai"]
    chat = [m for m in openai_models if m.mode == "chat"]
    assert chat
    assert any(m.mode == "embedding" for m in openai_models)
    assert all(m.input_cost_per_million > 0 and m.output_cost_per_million > 0 for m in chat)
    assert all(not m.name.startswith("ft:") for m in openai_models)


def test_a_provider_is_offered_only_when_its_key_is_given() -> None:
    keyed = LiteLLMGateway(
        dataclasses.replace(NOTHING, provider_keys={"ANTHROPIC_API_KEY": "test-key"})
    )

    providers = {m.provider for m in keyed.models()}
    assert providers == {"anthropic"}


def test_an_empty_key_offers_nothing() -> None:
    gateway = LiteLLMGateway(dataclasses.replace(NOTHING, provider_keys={"OPENAI_API_KEY": ""}))

    assert gateway.models() == []


async def test_ping_fails_when_no_model_is_usable() -> None:
    with pytest.raises(ProviderUnavailableError):
        await LiteLLMGateway(NOTHING).ping()


def test_the_config_repr_hides_keys() -> None:
    config = GatewayConfig(
        provider_keys={"OPENAI_API_KEY": "sk-secret-value"},
        openai_compatible_api_key="other-secret",
    )

    assert "sk-secret-value" not in repr(config)
    assert "other-secret" not in repr(config)
