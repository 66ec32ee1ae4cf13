"""Read models kept in step with the event log, in the same transaction as the append."""

from __future__ import annotations

import unicodedata

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from autoforge.domain.events import RecordedEvent
from autoforge.domain.prompt.events import (
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


def search_key(text: str) -> str:
    """Fold text for substring search: NFKC (full/half width alike) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


class PromptProjector:
    """Applies prompt events to the prompt list, detail, version and label tables."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def apply(self, recorded: RecordedEvent) -> None:
        event, prompt_id = recorded.event, recorded.stream_id
        tenant_id = recorded.metadata.tenant_id
        match event:
            case PromptCreated():
                await self._created(event, tenant_id=tenant_id, recorded=recorded)
            case PromptVersionCommitted():
                await self._version_committed(event, tenant_id=tenant_id, recorded=recorded)
            case PromptMetadataUpdated():
                await self._metadata_updated(event, tenant_id=tenant_id, recorded=recorded)
            case PromptArchived() | PromptRestored():
                await self._touch(prompt_id, recorded, archived=isinstance(event, PromptArchived))
            case LabelMoved():
                await self._label_moved(event, tenant_id=tenant_id, recorded=recorded)

    async def _created(
        self, event: PromptCreated, *, tenant_id: str, recorded: RecordedEvent
    ) -> None:
        await self._connection.execute(
            insert(prompts).values(
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
                revision=recorded.stream_version,
                archived=False,
                source_key=event.source_key,
                search_text=search_key(event.title),
                created_at=recorded.occurred_at,
                updated_at=recorded.occurred_at,
            )
        )
        await self._replace_tags(event.prompt_id, tenant_id=tenant_id, tags=event.tags)

    async def _version_committed(
        self, event: PromptVersionCommitted, *, tenant_id: str, recorded: RecordedEvent
    ) -> None:
        await self._connection.execute(
            insert(prompt_versions).values(
                prompt_id=event.prompt_id,
                version=event.version,
                tenant_id=tenant_id,
                content=event.content,
                variables=list(event.variables),
                message=event.message,
                author_id=recorded.metadata.actor_id,
                created_at=recorded.occurred_at,
            )
        )
        title = (
            await self._connection.execute(
                select(prompts.c.title).where(prompts.c.prompt_id == event.prompt_id)
            )
        ).scalar_one()
        await self._touch(
            event.prompt_id,
            recorded,
            content=event.content,
            variables=list(event.variables),
            version=event.version,
            search_text=search_key(f"{title}\n{event.content}"),
        )

    async def _metadata_updated(
        self, event: PromptMetadataUpdated, *, tenant_id: str, recorded: RecordedEvent
    ) -> None:
        content = (
            await self._connection.execute(
                select(prompts.c.content).where(prompts.c.prompt_id == event.prompt_id)
            )
        ).scalar_one()
        await self._touch(
            event.prompt_id,
            recorded,
            title=event.title,
            description=event.description,
            tags=list(event.tags),
            search_text=search_key(f"{event.title}\n{content}"),
        )
        await self._replace_tags(event.prompt_id, tenant_id=tenant_id, tags=event.tags)

    async def _label_moved(
        self, event: LabelMoved, *, tenant_id: str, recorded: RecordedEvent
    ) -> None:
        await self._connection.execute(
            delete(prompt_labels).where(
                prompt_labels.c.prompt_id == event.prompt_id, prompt_labels.c.label == event.label
            )
        )
        await self._connection.execute(
            insert(prompt_labels).values(
                prompt_id=event.prompt_id,
                label=event.label,
                tenant_id=tenant_id,
                version=event.version,
                updated_at=recorded.occurred_at,
            )
        )
        labels = (
            await self._connection.execute(
                select(prompts.c.labels).where(prompts.c.prompt_id == event.prompt_id)
            )
        ).scalar_one()
        await self._touch(event.prompt_id, recorded, labels={**labels, event.label: event.version})

    async def _replace_tags(self, prompt_id: str, *, tenant_id: str, tags: tuple[str, ...]) -> None:
        await self._connection.execute(
            delete(prompt_tags).where(prompt_tags.c.prompt_id == prompt_id)
        )
        if tags:
            await self._connection.execute(
                insert(prompt_tags),
                [{"prompt_id": prompt_id, "tag": tag, "tenant_id": tenant_id} for tag in tags],
            )

    async def _touch(self, prompt_id: str, recorded: RecordedEvent, **values: object) -> None:
        await self._connection.execute(
            update(prompts)
            .where(prompts.c.prompt_id == prompt_id)
            .values(revision=recorded.stream_version, updated_at=recorded.occurred_at, **values)
        )
