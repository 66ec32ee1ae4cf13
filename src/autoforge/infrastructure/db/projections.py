"""Read models kept in step with the event log, in the same transaction as the append.

Events of one stream that arrive together (a prompt created with its first version, an
update that changes content and metadata) are folded in memory first, so each read table
gets one write per commit instead of one per event.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from autoforge.domain.events import RecordedEvent
from autoforge.domain.prompt.events import (
    PROMPT_EVENT_TYPES,
    LabelMoved,
    PromptArchived,
    PromptCreated,
    PromptMetadataUpdated,
    PromptRestored,
    PromptVersionCommitted,
)
from autoforge.infrastructure.db.tables import prompt_labels, prompt_tags, prompt_versions, prompts

__all__ = ["READ_MODEL_TABLES", "PromptProjector", "search_key"]

READ_MODEL_TABLES = (prompt_labels, prompt_tags, prompt_versions, prompts)

# Built once so SQLAlchemy compiles them once; the values come as parameters.
_INSERT_PROMPT = insert(prompts)
_UPDATE_PROMPT = update(prompts).where(prompts.c.prompt_id == bindparam("match_id"))


def search_key(text: str) -> str:
    """Fold text for substring search: NFKC (full/half width alike) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


class _StreamChanges:
    """What one stream's events do to the read tables, gathered before writing."""

    def __init__(self, row: dict[str, Any] | None) -> None:
        self.created = row is None
        self.row: dict[str, Any] = row or {}
        self.versions: list[dict[str, Any]] = []
        self.labels: dict[str, dict[str, Any]] = {}
        self.tags_changed = False

    def apply(self, recorded: RecordedEvent) -> None:
        event, at = recorded.event, recorded.occurred_at
        tenant_id = recorded.metadata.tenant_id
        match event:
            case PromptCreated():
                self.row.update(
                    prompt_id=event.prompt_id,
                    tenant_id=tenant_id,
                    owner_id=event.owner_id,
                    title=event.title,
                    description=event.description,
                    tags=list(event.tags),
                    content="",
                    variables=[],
                    labels={},
                    version=0,
                    archived=False,
                    source_key=event.source_key,
                    created_at=at,
                )
                self.tags_changed = True
            case PromptVersionCommitted():
                self.versions.append(
                    {
                        "prompt_id": event.prompt_id,
                        "version": event.version,
                        "tenant_id": tenant_id,
                        "content": event.content,
                        "variables": list(event.variables),
                        "message": event.message,
                        "author_id": recorded.metadata.actor_id,
                        "created_at": at,
                    }
                )
                self.row.update(
                    content=event.content, variables=list(event.variables), version=event.version
                )
            case PromptMetadataUpdated():
                self.row.update(
                    title=event.title, description=event.description, tags=list(event.tags)
                )
                self.tags_changed = True
            case PromptArchived() | PromptRestored():
                self.row["archived"] = isinstance(event, PromptArchived)
            case LabelMoved():
                self.row["labels"] = {**self.row["labels"], event.label: event.version}
                self.labels[event.label] = {
                    "prompt_id": event.prompt_id,
                    "label": event.label,
                    "tenant_id": tenant_id,
                    "version": event.version,
                    "updated_at": at,
                }
        self.row.update(revision=recorded.stream_version, updated_at=at)


class PromptProjector:
    """Applies prompt events to the prompt list, detail, version and label tables."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def apply(self, recorded: Sequence[RecordedEvent]) -> None:
        """Project prompt events; events of other streams in the log are not its concern."""
        prompt_events = [r for r in recorded if r.event.event_type in PROMPT_EVENT_TYPES]
        for stream_id, group in groupby(prompt_events, key=lambda r: r.stream_id):
            events = list(group)
            existing = None
            if not isinstance(events[0].event, PromptCreated):
                existing = await self._current_row(stream_id)
            changes = _StreamChanges(existing)
            for event in events:
                changes.apply(event)
            await self._write(stream_id, changes)

    async def _current_row(self, prompt_id: str) -> dict[str, Any]:
        result = await self._connection.execute(
            select(prompts).where(prompts.c.prompt_id == prompt_id)
        )
        return dict(result.one()._mapping)

    async def _write(self, prompt_id: str, changes: _StreamChanges) -> None:
        row = changes.row
        row["search_text"] = search_key(f"{row['title']}\n{row['content']}")
        if changes.created:
            await self._connection.execute(_INSERT_PROMPT, [row])
        else:
            await self._connection.execute(_UPDATE_PROMPT, [{**row, "match_id": prompt_id}])
        if changes.versions:
            await self._connection.execute(insert(prompt_versions), changes.versions)
        if changes.tags_changed:
            await self._replace_tags(prompt_id, tenant_id=row["tenant_id"], tags=row["tags"])
        if changes.labels:
            await self._connection.execute(
                delete(prompt_labels).where(
                    prompt_labels.c.prompt_id == prompt_id,
                    prompt_labels.c.label.in_(list(changes.labels)),
                )
            )
            await self._connection.execute(insert(prompt_labels), list(changes.labels.values()))

    async def _replace_tags(self, prompt_id: str, *, tenant_id: str, tags: list[str]) -> None:
        await self._connection.execute(
            delete(prompt_tags).where(prompt_tags.c.prompt_id == prompt_id)
        )
        if tags:
            await self._connection.execute(
                insert(prompt_tags),
                [{"prompt_id": prompt_id, "tag": tag, "tenant_id": tenant_id} for tag in tags],
            )
