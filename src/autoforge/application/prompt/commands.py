"""Commands of the prompt context: imperative requests to change a prompt."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ArchivePrompt",
    "CreatePrompt",
    "MoveLabel",
    "RestorePrompt",
    "UpdatePrompt",
]


@dataclass(frozen=True, slots=True)
class CreatePrompt:
    title: str
    content: str
    description: str = ""
    tags: tuple[str, ...] = ()
    source_key: str | None = None


@dataclass(frozen=True, slots=True)
class UpdatePrompt:
    """Change content (a new version), metadata, or both, in one transaction."""

    prompt_id: str
    content: str | None = None
    message: str = ""
    title: str | None = None
    description: str | None = None
    tags: tuple[str, ...] | None = None
    expected_revision: int | None = None


@dataclass(frozen=True, slots=True)
class ArchivePrompt:
    prompt_id: str
    expected_revision: int | None = None


@dataclass(frozen=True, slots=True)
class RestorePrompt:
    prompt_id: str
    expected_revision: int | None = None


@dataclass(frozen=True, slots=True)
class MoveLabel:
    prompt_id: str
    label: str
    version: int
    expected_revision: int | None = None
