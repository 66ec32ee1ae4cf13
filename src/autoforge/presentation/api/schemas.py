"""Request and response bodies of the REST API (snake_case JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "DiffOut",
    "LabelIn",
    "ModelOut",
    "PromptCreateIn",
    "PromptOut",
    "PromptPageOut",
    "PromptSummaryOut",
    "PromptUpdateIn",
    "RenderIn",
    "RenderOut",
    "RevisionIn",
    "RunIn",
    "RunOut",
    "RunPageOut",
    "VariablesOut",
    "VersionOut",
]


def _without_nul(value: object) -> object:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    if isinstance(value, list | tuple):
        for item in value:
            _without_nul(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _without_nul(key)
            _without_nul(item)
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=2_000_000)

    # PostgreSQL text cannot hold NUL; refusing it here keeps both databases alike.
    _no_nul = field_validator("*", mode="after")(_without_nul)


class PromptCreateIn(_In):
    title: str = Field(min_length=1, max_length=1000)
    content: str
    description: str = Field(default="", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=50)


class PromptUpdateIn(_In):
    title: str | None = Field(default=None, min_length=1, max_length=1000)
    description: str | None = Field(default=None, max_length=5000)
    tags: list[str] | None = Field(default=None, max_length=50)
    content: str | None = None
    message: str = Field(default="", max_length=500)
    expected_revision: int | None = Field(
        default=None, ge=0, le=2**31, description="The revision you last read (its ETag)."
    )


class RevisionIn(_In):
    expected_revision: int | None = Field(default=None, ge=0, le=2**31)


class LabelIn(_In):
    version: int = Field(ge=1, le=1_000_000)
    expected_revision: int | None = Field(default=None, ge=0, le=2**31)


class PromptSummaryOut(BaseModel):
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


class PromptOut(PromptSummaryOut):
    owner_id: str
    content: str
    content_version: int = Field(description="The version whose content is shown.")


class PromptPageOut(BaseModel):
    items: list[PromptSummaryOut]
    total: int
    page: int
    page_size: int


class VersionOut(BaseModel):
    prompt_id: str
    version: int
    content: str
    variables: list[str]
    message: str
    author_id: str
    labels: list[str]
    created_at: datetime


class VariablesOut(BaseModel):
    prompt_id: str
    version: int
    variables: list[str]


class RenderIn(_In):
    variables: dict[str, str] = Field(default_factory=dict)
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    label: str | None = Field(default=None, max_length=50)


class RenderOut(BaseModel):
    prompt_id: str
    version: int
    text: str
    variables: list[str]
    unused_variables: list[str]


class DiffOut(BaseModel):
    prompt_id: str
    from_version: int
    to_version: int
    mode: Literal["line", "char"]
    added: int
    removed: int
    unified: str | None
    operations: list[dict[str, object]]


class RunIn(_In):
    variables: dict[str, str] = Field(default_factory=dict)
    model: str | None = Field(default=None, max_length=200)
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    label: str | None = Field(default=None, max_length=50)
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=32_768)


class RunOut(BaseModel):
    run_id: str
    prompt_id: str
    prompt_version: int
    model: str
    provider: str
    status: str
    output: str
    finish_reason: str | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    error_code: str | None
    variables: dict[str, str]
    unused_variables: list[str] = Field(default_factory=list)
    created_at: datetime


class RunPageOut(BaseModel):
    items: list[RunOut]
    total: int
    page: int
    page_size: int


class ModelOut(BaseModel):
    name: str
    provider: str
    mode: str
    input_cost_per_million: float
    output_cost_per_million: float
    max_input_tokens: int | None
    max_output_tokens: int | None
    local: bool
    default: bool
