"""Ports the use cases depend on: the unit of work and its repositories."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from autoforge.application.llm.records import RunRecord
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.model import Prompt

__all__ = ["PromptRepository", "RunRepository", "UnitOfWork", "UnitOfWorkFactory"]


class PromptRepository(Protocol):
    async def get(self, prompt_id: str) -> Prompt:
        """Rebuild the prompt from its events; raise PromptNotFoundError."""
        ...

    def add(self, prompt: Prompt) -> None: ...

    async def id_for_source_key(self, source_key: str) -> str | None: ...

    async def count_owned_by(self, owner_id: str) -> int: ...


class RunRepository(Protocol):
    def add(self, run: RunRecord) -> None: ...


class UnitOfWork(Protocol):
    """One transaction, scoped to one tenant. Rolls back unless `commit` is called."""

    @property
    def prompts(self) -> PromptRepository: ...

    @property
    def runs(self) -> RunRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[Actor], UnitOfWork]
