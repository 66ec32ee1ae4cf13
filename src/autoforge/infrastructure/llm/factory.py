"""Building the model gateway from settings (the composition root calls this)."""

from __future__ import annotations

import os

from autoforge.infrastructure.llm.config import GatewayConfig, LocalModelConfig
from autoforge.infrastructure.llm.gateway import LiteLLMGateway
from autoforge.infrastructure.settings import Settings

__all__ = ["build_gateway"]


def _provider_keys() -> dict[str, str]:
    """Every provider key in the environment, under the provider's usual name (XYZ_API_KEY)."""
    return {
        name: value
        for name, value in os.environ.items()
        if name.endswith("_API_KEY") and not name.startswith("AUTOFORGE_") and value
    }


def build_gateway(settings: Settings) -> LiteLLMGateway:
    compatible_key = settings.openai_compatible_api_key
    return LiteLLMGateway(
        GatewayConfig(
            provider_keys=_provider_keys(),
            openai_compatible_base_url=settings.openai_base_url,
            openai_compatible_api_key=compatible_key.get_secret_value() if compatible_key else None,
            openai_compatible_models=tuple(settings.openai_compatible_models),
            openai_compatible_embedding_models=tuple(settings.openai_compatible_embedding_models),
            local=LocalModelConfig(
                enabled=settings.local_model_enabled,
                queue_size=settings.local_model_queue_size,
            ),
            default_timeout_s=settings.llm_timeout_s,
        )
    )
