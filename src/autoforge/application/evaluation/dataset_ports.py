"""The dataset store port, the shapes its reads answer, and the commands of the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from autoforge.application.prompt.views import Page
from autoforge.domain.evaluation.dataset import Dataset, TestCase

__all__ = [
    "AddTestCases",
    "CreateDataset",
    "DatasetFilter",
    "DatasetRepository",
    "DatasetSummary",
    "ImportDataset",
    "ImportFormat",
    "TestCaseInput",
    "UpdateDataset",
]

ImportFormat = Literal["csv", "jsonl", "promptfoo"]


@dataclass(frozen=True, slots=True)
class DatasetSummary:
    dataset_id: str
    owner_id: str
    name: str
    description: str
    tags: list[str]
    test_case_count: int
    revision: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DatasetFilter:
    text: str | None = None
    page: int = 1
    page_size: int = 20


class DatasetRepository(Protocol):
    """Tenant-scoped storage; another tenant's dataset is simply not found.

    Writes are conditional on the revision they start from, so of two writers that
    read the same revision one succeeds and the other gets DatasetRevisionConflictError.
    """

    async def add(self, dataset: Dataset) -> None: ...

    async def get(self, tenant_id: str, dataset_id: str) -> Dataset: ...

    async def summary(self, tenant_id: str, dataset_id: str) -> DatasetSummary: ...

    async def search(self, tenant_id: str, query: DatasetFilter) -> Page[DatasetSummary]: ...

    async def save(self, dataset: Dataset, *, replace_cases: bool) -> None:
        """Store `dataset` over revision `dataset.revision - 1`."""
        ...

    async def append(
        self,
        tenant_id: str,
        dataset_id: str,
        cases: Sequence[TestCase],
        *,
        base_revision: int,
        at: datetime,
    ) -> int:
        """Add cases after the last one over `base_revision`; answer the new revision."""
        ...

    async def delete(
        self, tenant_id: str, dataset_id: str, *, base_revision: int | None
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class TestCaseInput:
    """A test case as a client sends it: any JSON variable values, raw assertions."""

    vars: Mapping[str, object] = field(default_factory=dict)
    assertions: Sequence[Mapping[str, Any]] = ()
    expected: object = None
    threshold: float | None = None
    description: str = ""
    tags: Sequence[str] = ()

    __test__ = False


@dataclass(frozen=True, slots=True)
class CreateDataset:
    name: str
    description: str = ""
    tags: Sequence[str] = ()
    test_cases: Sequence[TestCaseInput] = ()


@dataclass(frozen=True, slots=True)
class UpdateDataset:
    """Fields left None stay as they are; `test_cases` replaces every test case."""

    dataset_id: str
    name: str | None = None
    description: str | None = None
    tags: Sequence[str] | None = None
    test_cases: Sequence[TestCaseInput] | None = None
    expected_revision: int | None = None


@dataclass(frozen=True, slots=True)
class AddTestCases:
    dataset_id: str
    test_cases: Sequence[TestCaseInput]
    expected_revision: int | None = None


@dataclass(frozen=True, slots=True)
class ImportDataset:
    format: ImportFormat
    content: str
    name: str | None = None
    description: str | None = None
    tags: Sequence[str] = ()
