"""Chat messages as a plain transcript, for a base model that only continues text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["STOP_SEQUENCES", "transcript"]

# A base model would otherwise go on writing the rest of the conversation, both sides of it.
STOP_SEQUENCES = ("\nUser:", "\nSystem:", "\nAssistant:")

_SPEAKERS = {"system": "System", "developer": "System", "user": "User", "assistant": "Assistant"}


def transcript(messages: Sequence[Mapping[str, Any]]) -> str:
    """`System: …` / `User: …` lines ending in `Assistant:`; a final assistant turn is continued."""
    turns = [f"{_speaker(m)}: {_text(m.get('content'))}" for m in messages]
    if messages and messages[-1].get("role") == "assistant":
        return "\n".join(turns)
    return "\n".join([*turns, "Assistant:"])


def _speaker(message: Mapping[str, Any]) -> str:
    role = str(message.get("role", "user"))
    return _SPEAKERS.get(role, role.capitalize())


def _text(content: object) -> str:
    # OpenAI-style content may be a list of parts; a text model can only use the text ones.
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content if isinstance(p, Mapping)]
        return " ".join(str(p) for p in parts if p).strip()
    return str(content or "").strip()
