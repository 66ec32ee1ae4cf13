"""The catalogue: which provider models a key unlocks, and how names are resolved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from autoforge.domain.llm.model import UnknownModelError
from autoforge.infrastructure.llm.catalogue import (
    LOCAL_MODEL_NAME,
    Catalogue,
    compatible_routes,
    local_route,
    provider_key_names,
    provider_routes,
)

TODAY = date(2026, 6, 1)

PRICE_MAP: dict[str, dict[str, Any]] = {
    "alpha-large": {
        "litellm_provider": "alpha",
        "mode": "chat",
        "input_cost_per_token": 2.5e-06,
        "output_cost_per_token": 1e-05,
        "max_input_tokens": 128000,
        "max_output_tokens": 16384,
    },
    "alpha-embed": {
        "litellm_provider": "alpha",
        "mode": "embedding",
        "input_cost_per_token": 2e-08,
    },
    "alpha-image": {"litellm_provider": "alpha", "mode": "image_generation"},
    "alpha-container": {"litellm_provider": "alpha", "mode": "chat", "cost_per_session": 0.03},
    "alpha-retired": {
        "litellm_provider": "alpha",
        "mode": "chat",
        "input_cost_per_token": 1e-06,
        "deprecation_date": "2026-01-31",
    },
    "ft:alpha-large": {"litellm_provider": "alpha", "mode": "chat", "input_cost_per_token": 3e-06},
    "beta/beta-small": {"litellm_provider": "beta", "mode": "chat", "input_cost_per_token": 1e-07},
}


def routes_for(keys: dict[str, str]) -> Catalogue:
    found = provider_routes(
        PRICE_MAP, keys=keys, providers=["alpha", "beta"], registry_names={}, today=TODAY
    )
    return Catalogue(found)


def test_key_names_follow_litellms_convention() -> None:
    assert provider_key_names("openai", {}) == ("OPENAI_API_KEY",)
    assert "TOGETHERAI_API_KEY" in provider_key_names("together_ai", {})
    assert "TOGETHER_AI_API_KEY" in provider_key_names("together_ai", {})


def test_a_chat_variant_of_a_provider_uses_the_family_key() -> None:
    assert "COHERE_API_KEY" in provider_key_names("cohere_chat", {})


def test_a_key_name_declared_by_the_registry_comes_first() -> None:
    names = provider_key_names("veniceai", {"veniceai": "VENICE_AI_API_KEY"})

    assert names[0] == "VENICE_AI_API_KEY"


def test_a_key_offers_that_providers_current_text_models_only() -> None:
    names = [m.name for m in routes_for({"ALPHA_API_KEY": "k"}).models()]

    assert sorted(names) == ["alpha-embed", "alpha-large"]


def test_prices_are_per_million_tokens_with_context_limits() -> None:
    model = next(m for m in routes_for({"ALPHA_API_KEY": "k"}).models() if m.name == "alpha-large")

    assert model.input_cost_per_million == pytest.approx(2.5)
    assert model.output_cost_per_million == pytest.approx(10.0)
    assert (model.max_input_tokens, model.max_output_tokens) == (128000, 16384)
    assert not model.local


def test_the_route_carries_the_providers_key() -> None:
    route = routes_for({"BETA_API_KEY": "beta-key"}).for_generation("beta/beta-small")

    assert route.api_key == "beta-key"
    assert route.litellm_model == "beta/beta-small"
    assert "beta-key" not in repr(route)


def test_an_unknown_name_points_at_the_model_list() -> None:
    with pytest.raises(UnknownModelError) as raised:
        routes_for({}).for_generation("alpha-large")

    assert "alpha-large" in raised.value.detail("en")
    assert "GET /api/v1/models" in raised.value.detail("en")
    assert "GET /api/v1/models" in raised.value.detail("ja")


def test_modes_are_not_interchangeable() -> None:
    catalogue = routes_for({"ALPHA_API_KEY": "k"})

    with pytest.raises(UnknownModelError):
        catalogue.for_generation("alpha-embed")
    with pytest.raises(UnknownModelError):
        catalogue.for_embedding("alpha-large")
    assert catalogue.for_embedding("alpha-embed").info.mode == "embedding"


def test_compatible_endpoint_models_keep_their_names_and_known_prices() -> None:
    found = compatible_routes(
        base_url="http://127.0.0.1:9/v1",
        api_key=None,
        chat_models=["alpha-large", "house-model"],
        embedding_models=["house-embed"],
        model_cost=PRICE_MAP,
    )

    by_name = {r.info.name: r for r in found}
    assert by_name["house-model"].litellm_model == "openai/house-model"
    assert by_name["house-model"].priced_as is None
    assert by_name["alpha-large"].info.input_cost_per_million == pytest.approx(2.5)
    assert by_name["house-embed"].info.mode == "embedding"
    assert {r.api_base for r in found} == {"http://127.0.0.1:9/v1"}


def test_no_base_url_means_no_compatible_models() -> None:
    found = compatible_routes(
        base_url=None, api_key=None, chat_models=["x"], embedding_models=[], model_cost={}
    )

    assert found == []


def test_the_first_route_under_a_name_wins() -> None:
    compatible = compatible_routes(
        base_url="http://127.0.0.1:9/v1",
        api_key=None,
        chat_models=["alpha-large"],
        embedding_models=[],
        model_cost=PRICE_MAP,
    )
    from_key = provider_routes(
        PRICE_MAP, keys={"ALPHA_API_KEY": "k"}, providers=["alpha"], registry_names={}, today=TODAY
    )

    catalogue = Catalogue([*compatible, *from_key])

    assert catalogue.for_generation("alpha-large").info.provider == "openai_compatible"


def test_the_local_route_is_free_and_sized_by_its_context() -> None:
    route = local_route(context_tokens=4096)

    assert route.info.name == LOCAL_MODEL_NAME
    assert route.info.local
    assert route.info.max_input_tokens == 4096
    assert route.priced_as is None
