"""Request and response bodies of evaluation runs, A/B comparisons and performance history."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from autoforge.domain.evaluation.run import MAX_CONCURRENCY, MAX_REPEATS
from autoforge.presentation.api.evaluation_schemas import AssertionResultOut

__all__ = [
    "ArmIn",
    "ArmOut",
    "ArmSummaryOut",
    "CellOut",
    "CellPageOut",
    "ComparisonCreateIn",
    "ComparisonOut",
    "EvaluationCreateIn",
    "EvaluationOut",
    "HistoryPointOut",
    "HistoryVersionOut",
    "JobOut",
    "PromptHistoryOut",
    "ReproducibilityOut",
    "VersionChoiceIn",
]

_ID = Field(min_length=1, max_length=64)
_MODEL = Field(default=None, min_length=1, max_length=200)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionChoiceIn(_In):
    """A version by number or by label; with neither, the version labelled "latest"."""

    prompt_id: str = _ID
    version: int | None = Field(default=None, ge=1)
    label: str | None = Field(default=None, min_length=1, max_length=50)

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> Self:
        if self.version is not None and self.label is not None:
            raise ValueError("give a version or a label, not both")
        return self


class _SamplingIn(_In):
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=32_768)


class EvaluationCreateIn(_SamplingIn):
    dataset_id: str = _ID
    prompt_versions: list[VersionChoiceIn] = Field(min_length=1, max_length=10)
    models: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="Names from GET /api/v1/models; none means the default model.",
    )
    repeats: int = Field(default=1, ge=1, le=MAX_REPEATS)
    concurrency: int = Field(default=4, ge=1, le=MAX_CONCURRENCY)
    grader_model: str | None = _MODEL


class ArmIn(VersionChoiceIn):
    model: str | None = Field(
        default=None, min_length=1, max_length=200, description="Else the request's model."
    )


class ComparisonCreateIn(_SamplingIn):
    dataset_id: str = _ID
    a: ArmIn
    b: ArmIn
    model: str | None = Field(
        default=None, min_length=1, max_length=200, description="Else the default model."
    )
    repeats: int = Field(default=1, ge=1, le=MAX_REPEATS)
    concurrency: int = Field(default=4, ge=1, le=MAX_CONCURRENCY)
    grader_model: str | None = _MODEL
    alpha: float = Field(default=0.05, gt=0, lt=1)


class JobOut(BaseModel):
    job_id: str
    status: str
    done: int
    total: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error_code: str | None
    error: str | None


class ReproducibilityOut(BaseModel):
    groups: int
    identical_share: float
    mean_similarity: float


class ArmSummaryOut(BaseModel):
    cells: int
    passed: int
    failed: int
    errors: int
    pass_rate: float | None
    mean_score: float | None
    cost_usd: float
    tokens_in: int
    tokens_out: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    violations: int
    violation_rate: float | None
    reproducibility: ReproducibilityOut | None
    named_scores: dict[str, float]
    named_score_counts: dict[str, int]


class ArmOut(BaseModel):
    arm: int
    prompt_id: str
    version: int
    model: str
    summary: ArmSummaryOut | None


class ComparisonOut(BaseModel):
    pairs: int
    excluded_pairs: int
    pass_rate_a: float | None
    pass_rate_b: float | None
    b01: int = Field(description="Pairs A failed and B passed.")
    b10: int = Field(description="Pairs A passed and B failed.")
    mcnemar_p: float | None
    wilcoxon_p: float | None
    mean_difference: float | None = Field(description="Mean score difference, B − A.")
    ci_low: float | None
    ci_high: float | None
    confidence: float | None
    alpha: float
    winner: str | None = Field(description='"a", "b", or null when not significant.')
    significant: bool
    needed_additional_cases: int | None
    message: str


class EvaluationOut(BaseModel):
    evaluation_id: str
    kind: str
    status: str
    job: JobOut
    dataset_id: str
    dataset_revision: int
    case_count: int
    repeats: int
    concurrency: int
    total_cells: int
    grader_model: str | None
    alpha: float | None
    temperature: float | None = None
    max_tokens: int | None = None
    created_at: datetime
    arms: list[ArmOut]
    partial: bool = Field(description="The figures are of a run that stopped before the end.")
    comparison: ComparisonOut | None = None


class CellOut(BaseModel):
    arm: int
    prompt_id: str
    version: int
    model: str
    case_index: int
    test_case_id: str
    repeat: int
    status: str
    passed: bool
    score: float
    output: str
    assertions: list[AssertionResultOut]
    named_scores: dict[str, float]
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    error_code: str | None
    error: str | None
    finished_at: datetime


class CellPageOut(BaseModel):
    items: list[CellOut]
    total: int
    page: int
    page_size: int


class HistoryVersionOut(BaseModel):
    version: int
    created_at: datetime
    evaluations: int
    evaluation_cells: int
    pass_rate: float | None
    mean_score: float | None
    evaluation_cost_usd: float
    prompt_runs: int
    prompt_runs_failed: int
    prompt_run_cost_usd: float
    prompt_run_mean_latency_ms: float | None
    run_count: int
    cost_usd: float


class HistoryPointOut(BaseModel):
    version: int
    evaluation_id: str
    model: str
    at: datetime
    cells: int
    pass_rate: float | None
    mean_score: float | None
    cost_usd: float


class PromptHistoryOut(BaseModel):
    prompt_id: str
    versions: list[HistoryVersionOut]
    points: list[HistoryPointOut]
