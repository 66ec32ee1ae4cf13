"""Static quality of a prompt version: computed once, off the event loop, then read back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from autoforge.application.prompt.views import PromptQueries
from autoforge.domain.evaluation.quality import QualityReport, analyze_prompt_quality
from autoforge.domain.identity.model import Actor

__all__ = ["PromptQuality", "PromptQualityService", "QualityStore"]


@dataclass(frozen=True, slots=True)
class PromptQuality:
    prompt_id: str
    version: int
    report: QualityReport
    computed_at: datetime
    # True when the report was read back from the store rather than computed now.
    stored: bool


class QualityStore(Protocol):
    """Reports per (tenant, prompt, version): a version's text never changes, so neither do they."""

    async def get(self, tenant_id: str, prompt_id: str, version: int) -> PromptQuality | None: ...

    async def put(self, tenant_id: str, quality: PromptQuality) -> None:
        """Keep the report; a report already stored for the version is left as it is."""
        ...


class PromptQualityService:
    def __init__(self, *, queries: PromptQueries, store: QualityStore) -> None:
        self._queries = queries
        self._store = store

    async def quality(self, actor: Actor, prompt_id: str, *, version: int | None) -> PromptQuality:
        """The report of `version` (the latest when None); NotFoundError for unknown ones."""
        chosen = await self._queries.version(
            actor.tenant_id, prompt_id, version or await self._latest(actor, prompt_id)
        )
        stored = await self._store.get(actor.tenant_id, prompt_id, chosen.version)
        if stored is not None:
            return stored
        # The analysis is pure CPU work over the whole text: keep it off the event loop.
        report = await asyncio.to_thread(
            analyze_prompt_quality, chosen.content, declared_variables=chosen.variables
        )
        quality = PromptQuality(
            prompt_id=prompt_id,
            version=chosen.version,
            report=report,
            computed_at=datetime.now(UTC),
            stored=False,
        )
        await self._store.put(actor.tenant_id, quality)
        return quality

    async def _latest(self, actor: Actor, prompt_id: str) -> int:
        return (await self._queries.get(actor.tenant_id, prompt_id)).version
