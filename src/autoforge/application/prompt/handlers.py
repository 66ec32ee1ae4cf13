"""Use cases that change prompts. Each runs in one unit of work and commits once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from autoforge.application.ports import UnitOfWork
from autoforge.application.prompt.commands import (
    ArchivePrompt,
    CreatePrompt,
    MoveLabel,
    RestorePrompt,
    UpdatePrompt,
)
from autoforge.application.retry import retry_unless_pinned
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.errors import PromptQuotaExceededError, VersionConflictError
from autoforge.domain.prompt.model import Prompt, PromptLimits

__all__ = ["PromptPolicy", "PromptService"]


@dataclass(frozen=True, slots=True)
class PromptPolicy:
    limits: PromptLimits
    prompt_quota_per_user: int


def _check_revision(prompt: Prompt, expected: int | None) -> None:
    if expected is not None and expected != prompt.revision:
        raise VersionConflictError(
            stream_id=prompt.prompt_id, expected=expected, actual=prompt.revision
        )


class PromptService:
    """The write side of the prompt context."""

    def __init__(self, *, policy: PromptPolicy) -> None:
        self._policy = policy

    async def create(self, uow: UnitOfWork, actor: Actor, command: CreatePrompt) -> Prompt:
        async with uow:
            owned = await uow.prompts.count_owned_by(actor.user_id)
            if owned >= self._policy.prompt_quota_per_user:
                raise PromptQuotaExceededError(self._policy.prompt_quota_per_user)
            prompt = Prompt.create(
                prompt_id=uuid.uuid4().hex,
                owner_id=actor.user_id,
                title=command.title,
                content=command.content,
                description=command.description,
                tags=command.tags,
                source_key=command.source_key,
                limits=self._policy.limits,
            )
            uow.prompts.add(prompt)
            await uow.commit()
        return prompt

    async def update(self, uow: UnitOfWork, command: UpdatePrompt) -> Prompt:
        def change(prompt: Prompt) -> None:
            prompt.update_metadata(
                title=command.title, description=command.description, tags=command.tags
            )
            if command.content is not None:
                prompt.commit_content(
                    command.content, message=command.message, limits=self._policy.limits
                )

        return await self._change(uow, command.prompt_id, command.expected_revision, change)

    async def archive(self, uow: UnitOfWork, command: ArchivePrompt) -> Prompt:
        return await self._change(
            uow, command.prompt_id, command.expected_revision, lambda prompt: prompt.archive()
        )

    async def restore(self, uow: UnitOfWork, command: RestorePrompt) -> Prompt:
        return await self._change(
            uow, command.prompt_id, command.expected_revision, lambda prompt: prompt.restore()
        )

    async def move_label(self, uow: UnitOfWork, command: MoveLabel) -> Prompt:
        return await self._change(
            uow,
            command.prompt_id,
            command.expected_revision,
            lambda prompt: prompt.move_label(command.label, version=command.version),
        )

    async def _change(
        self,
        uow: UnitOfWork,
        prompt_id: str,
        expected_revision: int | None,
        change: Callable[[Prompt], object],
    ) -> Prompt:
        """Load, change and commit one prompt.

        A writer that named the revision it read gets the conflict. One that did not
        ("whatever is there now") has nothing to lose by retrying on the newer state, so
        a concurrent commit makes it reload and apply its change again.
        """

        async def attempt() -> Prompt:
            async with uow:
                prompt = await uow.prompts.get(prompt_id)
                _check_revision(prompt, expected_revision)
                change(prompt)
                await uow.commit()
            return prompt

        return await retry_unless_pinned(attempt, expected_revision=expected_revision)
