"""Datasets of test cases: create, browse, change, delete, import and export."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from autoforge.application.evaluation.dataset_ports import (
    AddTestCases,
    CreateDataset,
    DatasetFilter,
    DatasetSummary,
    ImportDataset,
    TestCaseInput,
    UpdateDataset,
)
from autoforge.domain.evaluation.dataset import Dataset, TestCase
from autoforge.presentation.api.evaluation_deps import Evaluation
from autoforge.presentation.api.evaluation_schemas import (
    DatasetCreateIn,
    DatasetImportIn,
    DatasetImportOut,
    DatasetOut,
    DatasetPageOut,
    DatasetSummaryOut,
    DatasetUpdateIn,
    ImportedPromptOut,
    NotImportedOut,
    ProviderMappingOut,
    TestCaseIn,
    TestCaseOut,
    TestCasesAddedOut,
    TestCasesAddIn,
)
from autoforge.presentation.api.revisions import IfMatch, etag, expected_revision
from autoforge.presentation.container import CurrentActor

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/datasets", tags=["datasets"])

_MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def _inputs(cases: list[TestCaseIn]) -> list[TestCaseInput]:
    return [
        TestCaseInput(
            vars=case.vars,
            assertions=case.assertions,
            expected=case.expected,
            threshold=case.threshold,
            description=case.description,
            tags=case.tags,
        )
        for case in cases
    ]


def _case_out(case: TestCase) -> TestCaseOut:
    return TestCaseOut(
        test_case_id=case.test_case_id,
        vars=dict(case.vars),
        assertions=list(case.assertions),
        expected=case.expected,
        threshold=case.threshold,
        description=case.description,
        tags=list(case.tags),
    )


def _summary_of(dataset: Dataset) -> DatasetSummaryOut:
    return DatasetSummaryOut(
        dataset_id=dataset.dataset_id,
        owner_id=dataset.owner_id,
        name=dataset.name,
        description=dataset.description,
        tags=list(dataset.tags),
        test_case_count=len(dataset.test_cases),
        revision=dataset.revision,
        created_at=dataset.created_at,
        updated_at=dataset.updated_at,
    )


def _dataset_out(dataset: Dataset, response: Response) -> DatasetOut:
    response.headers["ETag"] = etag(dataset.revision)
    summary = _summary_of(dataset)
    return DatasetOut(**summary.model_dump(), test_cases=[_case_out(c) for c in dataset.test_cases])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DatasetOut)
async def create_dataset(
    body: DatasetCreateIn, evaluation: Evaluation, actor: CurrentActor, response: Response
) -> DatasetOut:
    command = CreateDataset(
        name=body.name,
        description=body.description,
        tags=body.tags,
        test_cases=_inputs(body.test_cases),
    )
    dataset = await evaluation.datasets.create(actor, command)
    response.headers["Location"] = f"{router.prefix}/{dataset.dataset_id}"
    return _dataset_out(dataset, response)


@router.get("", response_model=DatasetPageOut)
async def list_datasets(
    evaluation: Evaluation,
    actor: CurrentActor,
    q: Annotated[
        str | None, Query(max_length=500, description="Text in name or description")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> DatasetPageOut:
    result = await evaluation.datasets.search(
        actor, DatasetFilter(text=q, page=page, page_size=page_size)
    )
    return DatasetPageOut(
        items=[_summary_out(item) for item in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


def _summary_out(summary: DatasetSummary) -> DatasetSummaryOut:
    return DatasetSummaryOut(**asdict(summary))


@router.post("/import", status_code=status.HTTP_201_CREATED, response_model=DatasetImportOut)
async def import_dataset(
    body: DatasetImportIn, evaluation: Evaluation, actor: CurrentActor, response: Response
) -> DatasetImportOut:
    """Create a dataset from a CSV or JSONL file, or from a promptfoo config.

    Nothing is dropped silently: every test, assertion, column or config field that
    could not be imported is listed in `not_imported` with the reason.
    """
    command = ImportDataset(
        format=body.format,
        content=body.content,
        name=body.name,
        description=body.description,
        tags=body.tags,
    )
    result = await evaluation.datasets.import_dataset(actor, command)
    response.headers["Location"] = f"{router.prefix}/{result.dataset.dataset_id}"
    response.headers["ETag"] = etag(result.dataset.revision)
    return DatasetImportOut(
        dataset=_summary_of(result.dataset),
        imported=len(result.dataset.test_cases),
        not_imported=[NotImportedOut(**asdict(item)) for item in result.not_imported],
        prompts=[ImportedPromptOut(**asdict(prompt)) for prompt in result.prompts],
        providers=[ProviderMappingOut(**asdict(provider)) for provider in result.providers],
    )


@router.get("/{dataset_id}", response_model=DatasetOut)
async def get_dataset(
    dataset_id: str, evaluation: Evaluation, actor: CurrentActor, response: Response
) -> DatasetOut:
    return _dataset_out(await evaluation.datasets.get(actor, dataset_id), response)


@router.patch("/{dataset_id}", response_model=DatasetOut)
async def update_dataset(
    dataset_id: str,
    body: DatasetUpdateIn,
    evaluation: Evaluation,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> DatasetOut:
    command = UpdateDataset(
        dataset_id=dataset_id,
        name=body.name,
        description=body.description,
        tags=body.tags,
        test_cases=None if body.test_cases is None else _inputs(body.test_cases),
        expected_revision=expected_revision(if_match, body.expected_revision),
    )
    return _dataset_out(await evaluation.datasets.update(actor, command), response)


@router.delete("/{dataset_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_dataset(
    dataset_id: str, evaluation: Evaluation, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    revision = expected_revision(if_match, None)
    await evaluation.datasets.delete(actor, dataset_id, expected_revision=revision)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{dataset_id}/test-cases",
    status_code=status.HTTP_201_CREATED,
    response_model=TestCasesAddedOut,
)
async def add_test_cases(
    dataset_id: str,
    body: TestCasesAddIn,
    evaluation: Evaluation,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> TestCasesAddedOut:
    command = AddTestCases(
        dataset_id=dataset_id,
        test_cases=_inputs(body.test_cases),
        expected_revision=expected_revision(if_match, body.expected_revision),
    )
    added = await evaluation.datasets.add_test_cases(actor, command)
    response.headers["ETag"] = etag(added.revision)
    return TestCasesAddedOut(
        revision=added.revision, test_cases=[_case_out(case) for case in added.test_cases]
    )


@router.get(
    "/{dataset_id}/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
async def export_dataset(
    dataset_id: str,
    evaluation: Evaluation,
    actor: CurrentActor,
    export_format: Annotated[Literal["csv", "jsonl"], Query(alias="format")] = "jsonl",
) -> Response:
    """The test cases as promptfoo-style CSV or JSONL; importing the file gives them back."""
    text = await evaluation.datasets.export(actor, dataset_id, export_format)
    return Response(
        content=text,
        media_type=_MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{dataset_id}.{export_format}"'},
    )
