"""Events of the prompt aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from autoforge.domain.events import DomainEvent

__all__ = [
    "PROMPT_EVENT_TYPES",
    "LabelMoved",
    "PromptArchived",
    "PromptCreated",
    "PromptMetadataUpdated",
    "PromptRestored",
    "PromptVersionCommitted",
]


@dataclass(frozen=True, slots=True)
class PromptCreated(DomainEvent):
    event_type: ClassVar[str] = "PromptCreated"

    prompt_id: str
    owner_id: str
    title: str
    description: str
    tags: tuple[str, ...]
    source_key: str | None


@dataclass(frozen=True, slots=True)
class PromptVersionCommitted(DomainEvent):
    event_type: ClassVar[str] = "PromptVersionCommitted"

    prompt_id: str
    version: int
    content: str
    variables: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class PromptMetadataUpdated(DomainEvent):
    event_type: ClassVar[str] = "PromptMetadataUpdated"

    prompt_id: str
    title: str
    description: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PromptArchived(DomainEvent):
    event_type: ClassVar[str] = "PromptArchived"

    prompt_id: str


@dataclass(frozen=True, slots=True)
class PromptRestored(DomainEvent):
    event_type: ClassVar[str] = "PromptRestored"

    prompt_id: str


@dataclass(frozen=True, slots=True)
class LabelMoved(DomainEvent):
    event_type: ClassVar[str] = "LabelMoved"

    prompt_id: str
    label: str
    version: int
    previous_version: int | None


PROMPT_EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.event_type: cls
    for cls in (
        PromptCreated,
        PromptVersionCommitted,
        PromptMetadataUpdated,
        PromptArchived,
        PromptRestored,
        LabelMoved,
    )
}
