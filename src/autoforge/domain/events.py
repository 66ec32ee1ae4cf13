"""The base of domain events and the envelope they travel in."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, ClassVar

__all__ = ["DomainEvent", "EventMetadata", "RecordedEvent"]


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Something that happened to an aggregate; named in the past tense."""

    event_type: ClassVar[str] = "DomainEvent"

    def to_payload(self) -> dict[str, Any]:
        payload = asdict(self)
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in payload.items()
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> DomainEvent:
        known = {f.name: f for f in fields(cls)}
        values = {
            key: tuple(value) if isinstance(value, list) else value
            for key, value in payload.items()
            if key in known
        }
        return cls(**values)


@dataclass(frozen=True, slots=True)
class EventMetadata:
    """Who caused an event, on whose behalf, and in which request."""

    tenant_id: str
    actor_id: str
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as stored in the log: its position, stream and version."""

    position: int
    stream_id: str
    stream_version: int
    event: DomainEvent
    metadata: EventMetadata
    occurred_at: datetime
