"""The usable model catalogue: which models can be called right now, how, and at what price.

Provider models come from LiteLLM's bundled price map, offered only for providers whose API
key was given. Key names follow LiteLLM's own convention (PROVIDER_API_KEY, with or without
the underscores of the provider's name) plus the names its provider registry declares, so the
list of providers is LiteLLM's, not ours.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from autoforge.domain.llm.model import ModelInfo, UnknownModelError

__all__ = [
    "LOCAL_MODEL_NAME",
    "Catalogue",
    "ModelRoute",
    "compatible_routes",
    "local_route",
    "provider_key_names",
    "provider_routes",
]

LOCAL_MODEL_NAME = "local/gemma-3-270m"
LOCAL_PROVIDER = "local"
COMPATIBLE_PROVIDER = "openai_compatible"

Mode = Literal["chat", "completion", "embedding"]
_MODES: frozenset[str] = frozenset({"chat", "completion", "embedding"})
_GENERATION_MODES: frozenset[str] = frozenset({"chat", "completion"})
# A family's chat or text variant authenticates with the family's key (cohere_chat: COHERE_).
_VARIANT_SUFFIXES = ("_chat", "_text")


@dataclass(frozen=True, slots=True)
class ModelRoute:
    """How to call one catalogue model through LiteLLM."""

    info: ModelInfo
    litellm_model: str
    api_key: str | None = field(default=None, repr=False)
    api_base: str | None = None
    priced_as: str | None = None  # its key in LiteLLM's price map; None when it has no price


class Catalogue:
    """The models usable now, by name; the first route registered under a name wins."""

    def __init__(self, routes: Iterable[ModelRoute]) -> None:
        self._routes: dict[str, ModelRoute] = {}
        for route in routes:
            self._routes.setdefault(route.info.name, route)

    def models(self) -> list[ModelInfo]:
        return [route.info for route in self._routes.values()]

    def for_generation(self, name: str) -> ModelRoute:
        return self._find(name, _GENERATION_MODES, "a chat or completion model")

    def for_embedding(self, name: str) -> ModelRoute:
        return self._find(name, frozenset({"embedding"}), "an embedding model")

    def _find(self, name: str, modes: frozenset[str], wanted: str) -> ModelRoute:
        route = self._routes.get(name)
        if route is None:
            raise UnknownModelError(
                f"Model '{name}' is not available here. "
                "GET /api/v1/models lists the models you can use.",
                f"モデル '{name}' は利用できません。"
                "利用できるモデルは GET /api/v1/models で確認してください。",
                extra={"model": name},
            )
        if route.info.mode not in modes:
            raise UnknownModelError(
                f"Model '{name}' is not {wanted}. GET /api/v1/models lists each model's mode.",
                f"モデル '{name}' はこの用途に使えません。"
                "各モデルの用途は GET /api/v1/models で確認してください。",
                extra={"model": name, "mode": route.info.mode},
            )
        return route


def provider_key_names(provider: str, registry_names: Mapping[str, str]) -> tuple[str, ...]:
    """The environment names that may hold a provider's API key, most specific first."""
    stems = [provider]
    stems += [provider.removesuffix(s) for s in _VARIANT_SUFFIXES if provider.endswith(s)]
    names = [registry_names[provider]] if provider in registry_names else []
    for stem in stems:
        names += [f"{stem.upper()}_API_KEY", f"{stem.replace('_', '').upper()}_API_KEY"]
    return tuple(dict.fromkeys(names))


def provider_routes(
    model_cost: Mapping[str, Mapping[str, Any]],
    *,
    keys: Mapping[str, str],
    providers: Iterable[str],
    registry_names: Mapping[str, str],
    today: date,
) -> list[ModelRoute]:
    """Routes to every current model of each provider whose key is in `keys`."""
    provider_keys = dict(_keyed_providers(keys, providers, registry_names))
    routes = [
        _provider_route(name, entry, provider_keys[str(entry.get("litellm_provider"))])
        for name, entry in model_cost.items()
        if _is_offered(name, entry, provider_keys.keys(), today)
    ]
    return sorted(routes, key=lambda r: (r.info.provider, r.info.name))


def compatible_routes(
    *,
    base_url: str | None,
    api_key: str | None,
    chat_models: Iterable[str],
    embedding_models: Iterable[str],
    model_cost: Mapping[str, Mapping[str, Any]],
) -> list[ModelRoute]:
    """Routes to the models of a configured OpenAI-compatible endpoint, under their own names."""
    if not base_url:
        return []
    modes: list[tuple[str, Mode]] = [(n, "chat") for n in chat_models]
    modes += [(n, "embedding") for n in embedding_models]
    return [
        ModelRoute(
            info=_info(name, COMPATIBLE_PROVIDER, mode, model_cost.get(name, {}), local=False),
            litellm_model=f"openai/{name}",
            # The OpenAI client refuses to start without a key; local servers ignore it.
            api_key=api_key or "unused",
            api_base=base_url,
            priced_as=name if name in model_cost else None,
        )
        for name, mode in modes
    ]


def local_route(*, context_tokens: int) -> ModelRoute:
    info = ModelInfo(
        name=LOCAL_MODEL_NAME,
        provider=LOCAL_PROVIDER,
        mode="chat",
        input_cost_per_million=0.0,
        output_cost_per_million=0.0,
        max_input_tokens=context_tokens,
        max_output_tokens=context_tokens,
        local=True,
    )
    return ModelRoute(info=info, litellm_model=LOCAL_MODEL_NAME)


def _keyed_providers(
    keys: Mapping[str, str], providers: Iterable[str], registry_names: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    for provider in providers:
        key = next(
            (keys[n] for n in provider_key_names(provider, registry_names) if keys.get(n)), ""
        )
        if key:
            yield provider, key


def _is_offered(
    name: str, entry: Mapping[str, Any], providers: Collection[str], today: date
) -> bool:
    if entry.get("litellm_provider") not in providers or entry.get("mode") not in _MODES:
        return False
    # Fine-tuning templates ("ft:gpt-4o") are not callable without the customer's suffix.
    if name.startswith("ft:"):
        return False
    # Entries priced per session or per second (code containers, realtime) are not text models.
    if "input_cost_per_token" not in entry and "output_cost_per_token" not in entry:
        return False
    retired = entry.get("deprecation_date")
    return not (isinstance(retired, str) and retired < today.isoformat())


def _provider_route(name: str, entry: Mapping[str, Any], api_key: str) -> ModelRoute:
    provider = str(entry["litellm_provider"])
    mode: Mode = entry["mode"]
    return ModelRoute(
        info=_info(name, provider, mode, entry, local=False),
        litellm_model=name,
        api_key=api_key,
        priced_as=name,
    )


def _info(
    name: str, provider: str, mode: Mode, entry: Mapping[str, Any], *, local: bool
) -> ModelInfo:
    return ModelInfo(
        name=name,
        provider=provider,
        mode=mode,
        input_cost_per_million=_per_million(entry.get("input_cost_per_token")),
        output_cost_per_million=_per_million(entry.get("output_cost_per_token")),
        max_input_tokens=_optional_int(entry.get("max_input_tokens")),
        max_output_tokens=_optional_int(entry.get("max_output_tokens")),
        local=local,
    )


def _per_million(per_token: object) -> float:
    if not isinstance(per_token, int | float):
        return 0.0
    return round(float(per_token) * 1_000_000, 6)


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
