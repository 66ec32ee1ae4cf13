"""Importing prompt collections: good rows kept, bad rows reported, nothing twice."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from autoforge.application.ports import UnitOfWork, UnitOfWorkFactory
from autoforge.application.prompt.handlers import PromptPolicy
from autoforge.application.prompt.importing import ImportBatch, ImportRow, RejectedRow
from autoforge.domain.errors import DomainError
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.errors import PromptQuotaExceededError
from autoforge.domain.prompt.model import Prompt

__all__ = ["ImportReport", "PromptImporter"]


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    duplicates: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


class PromptImporter:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        policy: PromptPolicy,
        chunk_size: int = 200,
    ) -> None:
        self._uow_factory = uow_factory
        self._policy = policy
        self._chunk_size = chunk_size

    async def run(self, actor: Actor, batch: ImportBatch) -> ImportReport:
        # A row repeated inside the file is a duplicate like one already stored, not an error.
        repeated = [row for row in batch.rejected if row.code == "duplicate"]
        report = ImportReport(
            duplicates=len(repeated),
            rejected=[row for row in batch.rejected if row.code != "duplicate"],
        )
        rows = batch.rows
        for start in range(0, len(rows), self._chunk_size):
            await self._import_chunk(actor, rows[start : start + self._chunk_size], report)
        report.rejected.sort(key=lambda row: row.line)
        return report

    async def _import_chunk(
        self, actor: Actor, rows: Sequence[ImportRow], report: ImportReport
    ) -> None:
        # One transaction per chunk keeps a large import fast without one huge transaction.
        async with self._uow_factory(actor) as uow:
            owned = await uow.prompts.count_owned_by(actor.user_id)
            seen: set[str] = set()
            for row in rows:
                if row.source_key in seen or await uow.prompts.id_for_source_key(row.source_key):
                    report.duplicates += 1
                    continue
                if owned >= self._policy.prompt_quota_per_user:
                    error = PromptQuotaExceededError(self._policy.prompt_quota_per_user)
                    report.rejected.append(RejectedRow(line=row.line, reason=error.detail_en))
                    continue
                if self._add(uow, actor, row, report):
                    seen.add(row.source_key)
                    owned += 1
            await uow.commit()

    def _add(self, uow: UnitOfWork, actor: Actor, row: ImportRow, report: ImportReport) -> bool:
        try:
            prompt = Prompt.create(
                prompt_id=uuid.uuid4().hex,
                owner_id=actor.user_id,
                title=row.title,
                content=row.content,
                tags=row.tags,
                source_key=row.source_key,
                limits=self._policy.limits,
            )
        except DomainError as error:
            report.rejected.append(RejectedRow(line=row.line, reason=error.detail_en))
            return False
        uow.prompts.add(prompt)
        report.created += 1
        return True
