"""Dataset use cases: create, browse, change, delete, import and export test cases."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from autoforge.application.evaluation.csv_format import read_csv, write_csv
from autoforge.application.evaluation.dataset_ports import (
    AddTestCases,
    CreateDataset,
    DatasetFilter,
    DatasetRepository,
    DatasetSummary,
    ImportDataset,
    TestCaseInput,
    UpdateDataset,
)
from autoforge.application.evaluation.importing import NotImported, ParsedTests
from autoforge.application.evaluation.jsonl_format import read_jsonl, write_jsonl
from autoforge.application.evaluation.promptfoo import (
    ImportedPrompt,
    ProviderMapping,
    read_promptfoo_config,
)
from autoforge.application.prompt.views import Page
from autoforge.application.retry import retry_unless_pinned
from autoforge.domain.evaluation.assertions import JsonSchemaValidator
from autoforge.domain.evaluation.dataset import (
    MAX_TEST_CASES,
    Dataset,
    TestCase,
    case_label,
    check_assertions,
    new_dataset,
    new_test_case,
)
from autoforge.domain.evaluation.dataset_errors import (
    DatasetRevisionConflictError,
    DatasetTooLargeError,
)
from autoforge.domain.identity.model import Actor

__all__ = ["AddedTestCases", "DatasetImport", "DatasetService", "ExportFormat"]

ExportFormat = Literal["csv", "jsonl"]
# Turns a config's text (YAML or JSON) into the object it holds.
ConfigLoader = Callable[[str], object]
ModelCatalogue = Callable[[Actor], Collection[str]]
_NAME_LIMIT = 200


@dataclass(frozen=True, slots=True)
class AddedTestCases:
    revision: int
    test_cases: list[TestCase]


@dataclass(frozen=True, slots=True)
class DatasetImport:
    """A created dataset and what the import could not bring over.

    `prompts` and `providers` come from a promptfoo config only: the prompts are texts
    for the caller to create as prompts (or not), the providers our model names.
    """

    dataset: Dataset
    not_imported: list[NotImported]
    prompts: list[ImportedPrompt] = field(default_factory=list)
    providers: list[ProviderMapping] = field(default_factory=list)


class DatasetService:
    def __init__(
        self,
        *,
        repository: DatasetRepository,
        schema_validator: JsonSchemaValidator,
        load_config: ConfigLoader,
        available_models: ModelCatalogue,
    ) -> None:
        self._repository = repository
        self._schema_validator = schema_validator
        self._load_config = load_config
        self._available_models = available_models

    async def create(self, actor: Actor, command: CreateDataset) -> Dataset:
        dataset = new_dataset(
            dataset_id=_new_id(),
            tenant_id=actor.tenant_id,
            owner_id=actor.user_id,
            name=command.name,
            description=command.description,
            tags=command.tags,
            test_cases=self._build(command.test_cases),
            at=_now(),
        )
        await self._repository.add(dataset)
        return dataset

    async def get(self, actor: Actor, dataset_id: str) -> Dataset:
        return await self._repository.get(actor.tenant_id, dataset_id)

    async def search(self, actor: Actor, query: DatasetFilter) -> Page[DatasetSummary]:
        return await self._repository.search(actor.tenant_id, query)

    async def update(self, actor: Actor, command: UpdateDataset) -> Dataset:
        cases = None if command.test_cases is None else self._build(command.test_cases)

        async def attempt() -> Dataset:
            current = await self._repository.get(actor.tenant_id, command.dataset_id)
            _check_revision(command.dataset_id, command.expected_revision, current.revision)
            revised = current.revised(
                at=_now(),
                name=command.name,
                description=command.description,
                tags=command.tags,
                test_cases=cases,
            )
            await self._repository.save(revised, replace_cases=cases is not None)
            return revised

        return await retry_unless_pinned(attempt, expected_revision=command.expected_revision)

    async def add_test_cases(self, actor: Actor, command: AddTestCases) -> AddedTestCases:
        cases = self._build(command.test_cases)

        async def attempt() -> AddedTestCases:
            current = await self._repository.summary(actor.tenant_id, command.dataset_id)
            _check_revision(command.dataset_id, command.expected_revision, current.revision)
            total = current.test_case_count + len(cases)
            if total > MAX_TEST_CASES:
                raise DatasetTooLargeError(count=total, limit=MAX_TEST_CASES)
            revision = await self._repository.append(
                actor.tenant_id,
                command.dataset_id,
                cases,
                base_revision=current.revision,
                at=_now(),
            )
            return AddedTestCases(revision=revision, test_cases=cases)

        return await retry_unless_pinned(attempt, expected_revision=command.expected_revision)

    async def delete(
        self, actor: Actor, dataset_id: str, *, expected_revision: int | None = None
    ) -> None:
        await self._repository.delete(actor.tenant_id, dataset_id, base_revision=expected_revision)

    async def import_dataset(self, actor: Actor, command: ImportDataset) -> DatasetImport:
        """Create a dataset from CSV, JSONL or a promptfoo config; report what was left out."""
        if command.format == "promptfoo":
            return await self._import_promptfoo(actor, command)
        reader = read_csv if command.format == "csv" else read_jsonl
        parsed = reader(command.content, schema_validator=self._schema_validator)
        name = command.name or f"Imported {command.format.upper()} dataset"
        dataset = await self._create_imported(actor, command, parsed, name=name)
        return DatasetImport(dataset=dataset, not_imported=parsed.not_imported)

    async def export(self, actor: Actor, dataset_id: str, export_format: ExportFormat) -> str:
        dataset = await self._repository.get(actor.tenant_id, dataset_id)
        writer = write_csv if export_format == "csv" else write_jsonl
        return writer(dataset.test_cases)

    async def _import_promptfoo(self, actor: Actor, command: ImportDataset) -> DatasetImport:
        config = read_promptfoo_config(
            self._load_config(command.content), schema_validator=self._schema_validator
        )
        parsed = ParsedTests(cases=config.tests, not_imported=config.not_imported)
        name = command.name or config.description[:_NAME_LIMIT].strip() or "promptfoo import"
        description = command.description if command.description is not None else config.description
        imported = replace(command, description=description)
        dataset = await self._create_imported(actor, imported, parsed, name=name)
        available = set(self._available_models(actor))
        providers = [
            replace(provider, available=provider.model in available) if provider.model else provider
            for provider in config.providers
        ]
        return DatasetImport(
            dataset=dataset,
            not_imported=config.not_imported,
            prompts=config.prompts,
            providers=providers,
        )

    async def _create_imported(
        self, actor: Actor, command: ImportDataset, parsed: ParsedTests, *, name: str
    ) -> Dataset:
        # Every assertion was validated one by one while parsing; what is left runs.
        dataset = new_dataset(
            dataset_id=_new_id(),
            tenant_id=actor.tenant_id,
            owner_id=actor.user_id,
            name=name,
            description=command.description or "",
            tags=command.tags,
            test_cases=[case.with_id(_new_id()) for case in parsed.cases],
            at=_now(),
        )
        await self._repository.add(dataset)
        return dataset

    def _build(self, inputs: Sequence[TestCaseInput]) -> list[TestCase]:
        if len(inputs) > MAX_TEST_CASES:
            raise DatasetTooLargeError(count=len(inputs), limit=MAX_TEST_CASES)
        cases = [
            new_test_case(
                label=case_label(index, item.description.strip()),
                vars=item.vars,
                assertions=item.assertions,
                expected=item.expected,
                threshold=item.threshold,
                description=item.description,
                tags=item.tags,
            ).with_id(_new_id())
            for index, item in enumerate(inputs)
        ]
        check_assertions(cases, schema_validator=self._schema_validator)
        return cases


def _check_revision(dataset_id: str, expected: int | None, actual: int) -> None:
    if expected is not None and expected != actual:
        raise DatasetRevisionConflictError(dataset_id=dataset_id, expected=expected, actual=actual)


def _new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now(UTC)
