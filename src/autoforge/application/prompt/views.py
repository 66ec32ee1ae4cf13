"""The read side of the prompt context: shapes the API reads, and the port that serves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

__all__ = [
    "Page",
    "PromptFilter",
    "PromptQueries",
    "PromptSummary",
    "PromptView",
    "RunView",
    "VersionView",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True, slots=True)
class PromptFilter:
    text: str | None = None
    tags: tuple[str, ...] = ()
    archived: bool | None = False
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True, slots=True)
class PromptSummary:
    prompt_id: str
    title: str
    description: str
    tags: list[str]
    version: int
    revision: int
    archived: bool
    labels: dict[str, int]
    variables: list[str]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PromptView:
    prompt_id: str
    owner_id: str
    title: str
    description: str
    tags: list[str]
    content: str
    variables: list[str]
    version: int
    revision: int
    archived: bool
    labels: dict[str, int]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VersionView:
    prompt_id: str
    version: int
    content: str
    variables: list[str]
    message: str
    author_id: str
    labels: list[str]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RunView:
    run_id: str
    prompt_id: str
    prompt_version: int
    model: str
    provider: str
    variables: dict[str, str]
    status: str
    output: str
    finish_reason: str | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    error_code: str | None
    created_at: datetime


class PromptQueries(Protocol):
    """Tenant-scoped reads; another tenant's ids are simply not found."""

    async def get(self, tenant_id: str, prompt_id: str) -> PromptView: ...

    async def search(self, tenant_id: str, query: PromptFilter) -> Page[PromptSummary]: ...

    async def versions(self, tenant_id: str, prompt_id: str) -> list[VersionView]: ...

    async def version(self, tenant_id: str, prompt_id: str, number: int) -> VersionView: ...

    async def version_by_label(self, tenant_id: str, prompt_id: str, label: str) -> VersionView: ...

    async def runs(
        self, tenant_id: str, prompt_id: str, *, version: int | None, page: int, page_size: int
    ) -> Page[RunView]: ...
