"""The model gateway adapter: every model, hosted or local, called through LiteLLM."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import structlog

from autoforge.domain.errors import DomainError
from autoforge.domain.llm.model import (
    Completion,
    CompletionRequest,
    ModelInfo,
    ProviderUnavailableError,
)
from autoforge.infrastructure.llm.catalogue import (
    Catalogue,
    ModelRoute,
    compatible_routes,
    local_route,
    provider_routes,
)
from autoforge.infrastructure.llm.config import GatewayConfig
from autoforge.infrastructure.llm.errors import to_domain_error
from autoforge.infrastructure.llm.litellm_runtime import (
    load_litellm,
    provider_names,
    registry_key_names,
)
from autoforge.infrastructure.llm.local_model import LocalModelRunner, local_model_installed

__all__ = ["LiteLLMGateway"]

logger = structlog.get_logger(__name__)

# LiteLLM enforces the request timeout itself; this outer bound only catches a provider client
# that ignores it, so it sits a little later.
_TIMEOUT_GRACE_S = 2.0


class LiteLLMGateway:
    """Implements the LLMGateway port. Building it imports LiteLLM, which takes seconds."""

    def __init__(self, config: GatewayConfig, *, today: date | None = None) -> None:
        self._litellm = load_litellm()
        self._config = config
        self._runner: LocalModelRunner | None = None
        self._local_metadata: dict[str, str] = {}
        if local_model_installed(config.local):
            self._runner = LocalModelRunner(config.local)
            local_provider = importlib.import_module("autoforge.infrastructure.llm.local_provider")
            self._local_metadata = local_provider.attach_runner(self._runner)
        self._catalogue = Catalogue(self._routes(today or date.today()))

    def models(self) -> list[ModelInfo]:
        return self._catalogue.models()

    async def complete(self, request: CompletionRequest) -> Completion:
        route = self._catalogue.for_generation(request.model)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(request.timeout_s + _TIMEOUT_GRACE_S):
                response = await self._litellm.acompletion(**self._completion_args(route, request))
        except Exception as error:  # LiteLLM raises many types; the mapper sorts them
            raise self._failed(error, route, started) from error

        completion = self._completion(route, response, _ms_since(started))
        logger.info(
            "llm.completion.finished",
            model=completion.model,
            provider=completion.provider,
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            cost_usd=completion.cost_usd,
            latency_ms=completion.latency_ms,
        )
        return completion

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        route = self._catalogue.for_embedding(model)
        if not texts:
            return []
        started = time.perf_counter()
        try:
            response = await self._litellm.aembedding(**self._embedding_args(route, texts))
        except Exception as error:  # LiteLLM raises many types; the mapper sorts them
            raise self._failed(error, route, started) from error

        items = sorted(response.data, key=lambda item: int(item["index"]))
        return [[float(x) for x in item["embedding"]] for item in items]

    async def ping(self) -> None:
        if not self._catalogue.models():
            raise ProviderUnavailableError(
                "No model is usable: set a provider API key, an OpenAI-compatible endpoint, "
                "or install the local model.",
                "利用できるモデルがありません。API キー、OpenAI 互換エンドポイント、"
                "またはローカルモデルを設定してください。",
            )

    def close(self) -> None:
        """Stop the local model's worker; call at application shutdown."""
        if self._runner is not None:
            self._runner.close()

    def _routes(self, today: date) -> Iterator[ModelRoute]:
        config, model_cost = self._config, self._litellm.model_cost
        if self._runner is not None:
            yield local_route(context_tokens=config.local.context_tokens)
        yield from compatible_routes(
            base_url=config.openai_compatible_base_url,
            api_key=config.openai_compatible_api_key,
            chat_models=config.openai_compatible_models,
            embedding_models=config.openai_compatible_embedding_models,
            model_cost=model_cost,
        )
        yield from provider_routes(
            model_cost,
            keys=config.provider_keys,
            providers=provider_names(self._litellm),
            registry_names=registry_key_names(self._litellm),
            today=today,
        )

    def _completion_args(self, route: ModelRoute, request: CompletionRequest) -> dict[str, Any]:
        args = self._common_args(route, timeout_s=request.timeout_s)
        args["messages"] = [{"role": m.role, "content": m.content} for m in request.messages]
        # A parameter a model does not take (temperature on reasoning models) is dropped
        # rather than failing the whole call.
        args["drop_params"] = True
        if request.temperature is not None:
            args["temperature"] = request.temperature
        if request.max_tokens is not None:
            args["max_tokens"] = request.max_tokens
        if route.info.local:
            args["metadata"] = self._local_metadata
        return args

    def _embedding_args(self, route: ModelRoute, texts: Sequence[str]) -> dict[str, Any]:
        args = self._common_args(route, timeout_s=self._config.default_timeout_s)
        args["input"] = list(texts)
        return args

    def _common_args(self, route: ModelRoute, *, timeout_s: float) -> dict[str, Any]:
        args: dict[str, Any] = {
            "model": route.litellm_model,
            "timeout": timeout_s,
            "max_retries": self._config.max_retries,
        }
        # Keys are passed per call: LiteLLM would otherwise read the process environment.
        if route.api_key is not None:
            args["api_key"] = route.api_key
        if route.api_base is not None:
            args["api_base"] = route.api_base
        return args

    def _completion(self, route: ModelRoute, response: Any, latency_ms: float) -> Completion:
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        return Completion(
            model=route.info.name,
            provider=route.info.provider,
            text=choice.message.content or "",
            finish_reason=choice.finish_reason or "stop",
            tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
            tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
            cost_usd=self._cost(route, response),
            latency_ms=latency_ms,
        )

    def _cost(self, route: ModelRoute, response: Any) -> float:
        if route.priced_as is None:
            return 0.0
        try:
            cost = self._litellm.completion_cost(
                completion_response=response, model=route.priced_as
            )
        except Exception as error:  # a price map gap must not fail a call that succeeded
            logger.warning("llm.cost.unknown", model=route.info.name, error=type(error).__name__)
            return 0.0
        return float(cost or 0.0)

    def _failed(self, error: Exception, route: ModelRoute, started: float) -> DomainError:
        mapped = to_domain_error(error, model=route.info.name, litellm=self._litellm)
        logger.warning(
            "llm.call.failed",
            model=route.info.name,
            provider=route.info.provider,
            code=mapped.instance_code,
            cause=type(error).__name__,
            latency_ms=_ms_since(started),
        )
        return mapped


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
