"""Request and response bodies of the dataset, assertion-check and quality endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = [
    "AssertionCheckIn",
    "AssertionCheckOut",
    "AssertionResultOut",
    "DatasetCreateIn",
    "DatasetImportIn",
    "DatasetImportOut",
    "DatasetOut",
    "DatasetPageOut",
    "DatasetSummaryOut",
    "DatasetUpdateIn",
    "ImportedPromptOut",
    "NotImportedOut",
    "PromptQualityOut",
    "ProviderMappingOut",
    "QualityMetricOut",
    "TestCaseIn",
    "TestCaseOut",
    "TestCasesAddIn",
    "TestCasesAddedOut",
]

MAX_IMPORT_CHARS = 20_000_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TestCaseIn(_In):
    """One test case. Variable values may be any JSON; non-strings are kept as JSON text."""

    vars: dict[str, Any] = Field(default_factory=dict)
    assertions: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=200,
        validation_alias=AliasChoices("assertions", "assert"),
        description='Assertions in promptfoo\'s format; "assert" is accepted too.',
    )
    expected: Any = Field(default=None, description="The expected output, if there is one.")
    threshold: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    description: str = Field(default="", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=20)

    __test__ = False


class DatasetCreateIn(_In):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    test_cases: list[TestCaseIn] = Field(default_factory=list)


class DatasetUpdateIn(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    tags: list[str] | None = Field(default=None, max_length=20)
    test_cases: list[TestCaseIn] | None = Field(
        default=None, description="When given, replaces every test case of the dataset."
    )
    expected_revision: int | None = Field(
        default=None, ge=0, description="The revision you last read (its ETag)."
    )


class TestCasesAddIn(_In):
    test_cases: list[TestCaseIn] = Field(min_length=1)
    expected_revision: int | None = Field(default=None, ge=0)

    __test__ = False


class DatasetImportIn(_In):
    format: Literal["csv", "jsonl", "promptfoo"] = Field(
        description="csv and jsonl hold test cases; promptfoo is a promptfooconfig (YAML or JSON)."
    )
    content: str = Field(max_length=MAX_IMPORT_CHARS, description="The file's text.")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class TestCaseOut(BaseModel):
    test_case_id: str
    vars: dict[str, str]
    assertions: list[dict[str, Any]]
    expected: str | None
    threshold: float | None
    description: str
    tags: list[str]

    __test__ = False


class DatasetSummaryOut(BaseModel):
    dataset_id: str
    owner_id: str
    name: str
    description: str
    tags: list[str]
    test_case_count: int
    revision: int
    created_at: datetime
    updated_at: datetime


class DatasetOut(DatasetSummaryOut):
    test_cases: list[TestCaseOut]


class DatasetPageOut(BaseModel):
    items: list[DatasetSummaryOut]
    total: int
    page: int
    page_size: int


class TestCasesAddedOut(BaseModel):
    revision: int
    test_cases: list[TestCaseOut]

    __test__ = False


class NotImportedOut(BaseModel):
    item: str = Field(description="Where: tests[2], line 4, column __prefix, providers[1] ...")
    reason: str


class ImportedPromptOut(BaseModel):
    text: str
    label: str | None


class ProviderMappingOut(BaseModel):
    source: str = Field(description="The provider id as the config wrote it.")
    model: str | None = Field(description="Our model name for it; null when there is none.")
    label: str | None
    options: dict[str, Any]
    available: bool | None = Field(description="Whether the gateway serves the model now.")
    reason: str | None


class DatasetImportOut(BaseModel):
    dataset: DatasetSummaryOut
    imported: int
    not_imported: list[NotImportedOut]
    prompts: list[ImportedPromptOut] = Field(
        description="promptfoo prompt texts, to create as prompts if wanted (nothing is created)."
    )
    providers: list[ProviderMappingOut]


class AssertionCheckIn(_In):
    output: Any = Field(description="The model output: text, or a JSON value.")
    vars: dict[str, Any] = Field(default_factory=dict)
    assertions: list[dict[str, Any]] = Field(
        max_length=200, validation_alias=AliasChoices("assertions", "assert")
    )
    threshold: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    cost: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    latency_ms: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    prompt: str | None = Field(
        default=None, description="The prompt behind the output (factuality, closed QA)."
    )


class AssertionResultOut(BaseModel):
    type: str
    passed: bool = Field(serialization_alias="pass")
    score: float
    reason: str
    weight: float
    metric: str | None
    error: str | None
    grader_output: str | None


class AssertionCheckOut(BaseModel):
    passed: bool = Field(serialization_alias="pass")
    score: float
    reason: str
    threshold: float | None
    named_scores: dict[str, float]
    components: list[AssertionResultOut]


class QualityMetricOut(BaseModel):
    name: str
    score: float
    reason: str
    details: dict[str, Any]


class PromptQualityOut(BaseModel):
    prompt_id: str
    version: int
    language: Literal["en", "ja"] = Field(description="The language the prompt is written in.")
    reason_language: Literal["en", "ja"] = Field(description="The language of the reasons.")
    overall: float
    grade: Literal["A", "B", "C", "D", "F"]
    high_quality: bool
    token_estimate: int
    metrics: list[QualityMetricOut]
    computed_at: datetime
    stored: bool = Field(description="True when read back from a previous computation.")
