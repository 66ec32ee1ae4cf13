"""Browsing templates, saving one's own, and starting a prompt from one."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Protocol

from autoforge.application.ports import UnitOfWorkFactory
from autoforge.application.prompt.commands import CreatePrompt
from autoforge.application.prompt.handlers import PromptService
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.model import Prompt
from autoforge.domain.template.catalog import find_template, search_templates
from autoforge.domain.template.model import Template, instantiate, validate_template

__all__ = ["TemplateService", "UserTemplateStore"]


class UserTemplateStore(Protocol):
    """The templates users saved, scoped by tenant."""

    async def list(self, tenant_id: str) -> list[Template]: ...

    async def add(self, actor: Actor, template: Template) -> None: ...


def _slug(name: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    return f"user-{ascii_part or 'template'}-{uuid.uuid4().hex[:8]}"


class TemplateService:
    def __init__(
        self,
        *,
        builtin: Sequence[Template],
        store: UserTemplateStore,
        prompts: PromptService,
        uow_factory: UnitOfWorkFactory,
        max_chars: int,
    ) -> None:
        self._max_chars = max_chars
        self._builtin = tuple(builtin)
        self._store = store
        self._prompts = prompts
        self._uow_factory = uow_factory

    async def _all(self, actor: Actor) -> tuple[Template, ...]:
        return self._builtin + tuple(await self._store.list(actor.tenant_id))

    async def search(
        self,
        actor: Actor,
        *,
        category: str | None = None,
        language: str | None = None,
        tag: str | None = None,
        text: str | None = None,
    ) -> tuple[Template, ...]:
        return search_templates(
            await self._all(actor), category=category, language=language, tag=tag, text=text
        )

    async def get(self, actor: Actor, template_id: str) -> Template:
        return find_template(await self._all(actor), template_id)

    async def save(self, actor: Actor, template: Template) -> Template:
        """Store a user's own template under a fresh id, after checking its placeholders."""
        saved = Template(
            id=_slug(template.name),
            name=template.name,
            description=template.description,
            category=template.category,
            language=template.language,
            content=template.content,
            parameters=template.parameters,
            tags=template.tags,
            builtin=False,
        )
        validate_template(saved)
        await self._store.add(actor, saved)
        return saved

    async def instantiate(
        self,
        actor: Actor,
        template_id: str,
        *,
        values: Mapping[str, str],
        title: str | None = None,
        tags: Sequence[str] = (),
    ) -> tuple[Prompt, tuple[str, ...]]:
        """Fill a template into a new prompt; returns the prompt and the unused values."""
        template = await self.get(actor, template_id)
        filled = instantiate(template, values, max_chars=self._max_chars)
        command = CreatePrompt(
            title=title or template.name,
            content=filled.text,
            description=template.description,
            tags=(*template.tags, f"template:{template.id}", *tags),
        )
        prompt = await self._prompts.create(self._uow_factory(actor), actor, command)
        return prompt, filled.unused
