"""Loads LiteLLM once, offline.

LiteLLM reads its switches from the environment when it is first imported: without them it
fetches a price map from the internet at import. So the switches are set here, before the
one import, and every module of the gateway gets LiteLLM through `load_litellm`.
Importing it takes seconds, which is why nothing imports it at package import time.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
from importlib import resources
from typing import Any

__all__ = ["OFFLINE_ENVIRONMENT", "load_litellm", "provider_names", "registry_key_names"]

_CREDENTIAL_FORMS = "proxy/public_endpoints/provider_create_fields.json"

OFFLINE_ENVIRONMENT = {
    # Use the price and context-window map bundled with the pinned release.
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    # Never fetch catalogues, checks or tokenizers that we did not configure.
    "LITELLM_OFFLINE_MODE": "true",
    # The proxy's usage telemetry; vetoed even though the SDK alone does not start it.
    "LITELLM_TELEMETRY_DISABLED": "true",
}


@functools.cache
def load_litellm() -> Any:  # LiteLLM's own annotations are not checked from here
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    litellm: Any = importlib.import_module("litellm")

    # The HF tokenizer download is also refused by offline mode; this keeps it refused should
    # an operator turn offline mode off.
    litellm.disable_hf_tokenizer_download = True
    # Its "Give Feedback / Get Help" banner goes to stdout on every error.
    litellm.suppress_debug_info = True
    return litellm


def provider_names(litellm: Any) -> list[str]:
    """LiteLLM's providers that a single API key is enough to call."""
    names = [str(getattr(p, "value", p)) for p in litellm.provider_list]
    excluded = _providers_needing_more_than_a_key()
    return [name for name in dict.fromkeys(names) if name not in excluded]


def registry_key_names(litellm: Any) -> dict[str, str]:
    """The key variable each of LiteLLM's JSON-registered providers declares."""
    registry = importlib.import_module("litellm.llms.openai_like.json_loader").JSONProviderRegistry
    registry.load()
    slugs: list[str] = registry.list_providers()
    return {slug: str(registry.get(slug).api_key_env) for slug in slugs}


@functools.cache
def _providers_needing_more_than_a_key() -> frozenset[str]:
    # LiteLLM's credential forms list what each provider requires; Azure needs its endpoint,
    # Vertex a project and so on. Those cannot be served from a key alone, so they are left
    # out rather than listed and failing on every call.
    try:
        raw = resources.files("litellm").joinpath(_CREDENTIAL_FORMS).read_text(encoding="utf-8")
        forms: list[dict[str, Any]] = json.loads(raw)
    except (OSError, ValueError):
        return frozenset()
    key_only = {f["litellm_provider"] for f in forms if _required(f) <= {"api_key"}}
    return frozenset(f["litellm_provider"] for f in forms) - key_only


def _required(form: dict[str, Any]) -> set[str]:
    return {field["key"] for field in form.get("credential_fields", []) if field.get("required")}
