"""promptfoo provider ids mapped to the model names of our gateway (LiteLLM's names).

`openai:gpt-4o-mini` is `gpt-4o-mini` here, `anthropic:messages:claude-...` is
`anthropic/claude-...`, and so on for the providers both sides know. Providers that
run local code or call arbitrary endpoints are never mapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from autoforge.application.evaluation.importing import ImportNotes

__all__ = ["ProviderMapping", "map_provider_id", "read_providers"]

# promptfoo prefix -> our prefix ("" for OpenAI, whose models need none).
_PREFIXES: Final = {
    "openai": "",
    "anthropic": "anthropic/",
    "azure": "azure/",
    "azureopenai": "azure/",
    "google": "gemini/",
    "gemini": "gemini/",
    "vertex": "vertex_ai/",
    "mistral": "mistral/",
    "groq": "groq/",
    "ollama": "ollama/",
    "openrouter": "openrouter/",
    "bedrock": "bedrock/",
    "deepseek": "deepseek/",
    "xai": "xai/",
    "togetherai": "together_ai/",
    "perplexity": "perplexity/",
    "cohere": "cohere/",
    "fireworks": "fireworks_ai/",
}
# Middle parts of a promptfoo id that name an API style, not the model.
_API_STYLES: Final = frozenset(
    {"chat", "completion", "messages", "responses", "embedding", "embeddings"}
)
_CODE_PREFIXES: Final = ("file://", "exec:", "python:", "golang:", "http:", "https:", "webhook:")
_CARRIED_OPTIONS: Final = {"temperature": "temperature", "max_tokens": "max_tokens"}


@dataclass(frozen=True, slots=True)
class ProviderMapping:
    """One promptfoo provider: our model name for it, or why there is none."""

    source: str
    model: str | None
    label: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    # Whether the gateway serves the model right now; None when not looked up.
    available: bool | None = None


def map_provider_id(provider_id: str) -> tuple[str | None, str | None]:
    """(our model name, None), or (None, the reason it has no counterpart here)."""
    if provider_id.startswith(_CODE_PREFIXES):
        return None, "custom providers run code or call arbitrary endpoints, never done here"
    prefix, _, rest = provider_id.partition(":")
    if not rest or prefix not in _PREFIXES:
        return None, f'no model provider here matches "{prefix}"'
    parts = rest.split(":")
    while len(parts) > 1 and parts[0] in _API_STYLES:
        parts = parts[1:]
    model = ":".join(parts).strip()
    if not model:
        return None, "the provider id names no model"
    return _PREFIXES[prefix] + model, None


def read_providers(raw: object, notes: ImportNotes) -> list[ProviderMapping]:
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    mappings: list[ProviderMapping] = []
    for index, entry in enumerate(entries):
        mapping = _provider(entry, where=f"providers[{index}]", notes=notes)
        if mapping is not None:
            mappings.append(mapping)
    return mappings


def _provider(entry: object, *, where: str, notes: ImportNotes) -> ProviderMapping | None:
    if isinstance(entry, str):
        return _mapped(entry, label=None, config=None, where=where, notes=notes)
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
        label = entry.get("label")
        return _mapped(
            entry["id"],
            label=label if isinstance(label, str) else None,
            config=entry.get("config"),
            where=where,
            notes=notes,
        )
    if isinstance(entry, Mapping) and len(entry) == 1:
        # The older form: {"openai:gpt-4o": {config}}.
        ((provider_id, options),) = entry.items()
        config = options.get("config") if isinstance(options, Mapping) else None
        return _mapped(str(provider_id), label=None, config=config, where=where, notes=notes)
    notes.skip(where, "a provider must be an id or an object with an id")
    return None


def _mapped(
    provider_id: str, *, label: str | None, config: object, where: str, notes: ImportNotes
) -> ProviderMapping:
    model, reason = map_provider_id(provider_id)
    if model is None:
        notes.skip(where, f"{provider_id}: {reason}")
    options: dict[str, Any] = {}
    if isinstance(config, Mapping):
        for key, value in config.items():
            if key in _CARRIED_OPTIONS and _is_number(value):
                options[_CARRIED_OPTIONS[key]] = value
            else:
                # Only the key is named: provider configs often hold API keys.
                notes.skip(f"{where}.config.{key}", "this provider setting is not carried over")
    return ProviderMapping(
        source=provider_id, model=model, label=label, options=options, reason=reason
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
