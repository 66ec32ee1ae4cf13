"""Evaluation runs: prompt versions × models × test cases × repeats.

An evaluation is planned when it is submitted: labels are resolved to version numbers
and the dataset's revision is noted, so the run is reproducible. Each cell of the
matrix is one model call on one rendered test case, scored by the assertion engine. A
template that cannot be rendered or a call that fails makes an error cell, never a
crashed run. A comparison is an evaluation of exactly two arms whose cells are paired
by test case and repeat.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from autoforge.domain.evaluation.assertions import AssertionResult
from autoforge.domain.evaluation.run_errors import InvalidEvaluationError

__all__ = [
    "DEFAULT_SAMPLING",
    "MAX_ARMS",
    "MAX_CELLS",
    "MAX_CONCURRENCY",
    "MAX_REPEATS",
    "Arm",
    "Cell",
    "CellKey",
    "CellStatus",
    "EvaluationKind",
    "EvaluationPlan",
    "Sampling",
    "error_cell",
    "plan_evaluation",
]

MAX_ARMS: Final = 50
MAX_REPEATS: Final = 20
MAX_CONCURRENCY: Final = 32
MAX_CELLS: Final = 200_000
# The prefix promptfoo gives an assertion that must NOT hold: content that is forbidden.
FORBIDDEN_PREFIX: Final = "not-"


class EvaluationKind(StrEnum):
    EVALUATION = "evaluation"
    COMPARISON = "comparison"


@dataclass(frozen=True, slots=True)
class Arm:
    """One column of the matrix: a prompt version on a model."""

    prompt_id: str
    version: int
    model: str


@dataclass(frozen=True, slots=True, order=True)
class CellKey:
    """Where a cell sits in the matrix; each key is run (and stored) at most once."""

    arm: int
    case_index: int
    repeat: int


@dataclass(frozen=True, slots=True)
class Sampling:
    """How the model is asked to sample in every cell; None leaves the provider's default."""

    temperature: float | None = None
    max_tokens: int | None = None


DEFAULT_SAMPLING: Final = Sampling()


@dataclass(frozen=True, slots=True)
class EvaluationPlan:
    evaluation_id: str
    tenant_id: str
    owner_id: str
    kind: EvaluationKind
    dataset_id: str
    dataset_revision: int
    case_count: int
    arms: tuple[Arm, ...]
    repeats: int
    concurrency: int
    grader_model: str | None
    alpha: float | None
    created_at: datetime
    sampling: Sampling = DEFAULT_SAMPLING

    @property
    def total_cells(self) -> int:
        return len(self.arms) * self.case_count * self.repeats

    def cell_keys(self) -> Iterator[CellKey]:
        """Case by case, so the arms of a pair run side by side and progress is even."""
        for case_index in range(self.case_count):
            for repeat in range(self.repeats):
                for arm in range(len(self.arms)):
                    yield CellKey(arm=arm, case_index=case_index, repeat=repeat)


def plan_evaluation(
    *,
    evaluation_id: str,
    tenant_id: str,
    owner_id: str,
    kind: EvaluationKind,
    dataset_id: str,
    dataset_revision: int,
    case_count: int,
    arms: Sequence[Arm],
    repeats: int,
    concurrency: int,
    grader_model: str | None,
    alpha: float | None,
    at: datetime,
    sampling: Sampling = DEFAULT_SAMPLING,
) -> EvaluationPlan:
    """A plan within the limits; InvalidEvaluationError says which limit is broken."""
    _check_arms(kind, arms)
    _check_range("repeats", repeats, 1, MAX_REPEATS)
    _check_range("concurrency", concurrency, 1, MAX_CONCURRENCY)
    if case_count < 1:
        raise InvalidEvaluationError(
            "The dataset has no test cases to evaluate.",
            "データセットに評価するテストケースがありません。",
            code="EMPTY_DATASET",
        )
    if alpha is not None and not (math.isfinite(alpha) and 0 < alpha < 1):
        raise InvalidEvaluationError(
            "alpha must lie strictly between 0 and 1.",
            "alpha は 0 より大きく 1 より小さい値にしてください。",
        )
    plan = EvaluationPlan(
        evaluation_id=evaluation_id,
        tenant_id=tenant_id,
        owner_id=owner_id,
        kind=kind,
        dataset_id=dataset_id,
        dataset_revision=dataset_revision,
        case_count=case_count,
        arms=tuple(arms),
        repeats=repeats,
        concurrency=concurrency,
        grader_model=grader_model,
        alpha=alpha,
        created_at=at,
        sampling=sampling,
    )
    if plan.total_cells > MAX_CELLS:
        raise InvalidEvaluationError(
            f"The evaluation would have {plan.total_cells:,} cells; the limit is {MAX_CELLS:,}.",
            f"評価のセル数が {plan.total_cells:,} になります。上限は {MAX_CELLS:,} です。",
            code="EVALUATION_TOO_LARGE",
            extra={"cells": plan.total_cells, "limit": MAX_CELLS},
        )
    return plan


class CellStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Cell:
    """The outcome of one cell: the output and its scoring, or why there is none."""

    key: CellKey
    test_case_id: str
    output: str
    passed: bool
    score: float
    finished_at: datetime
    assertions: tuple[AssertionResult, ...] = ()
    named_scores: Mapping[str, float] = field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    error_code: str | None = None
    error: str | None = None

    @property
    def status(self) -> CellStatus:
        if self.error_code is not None:
            return CellStatus.ERROR
        return CellStatus.PASSED if self.passed else CellStatus.FAILED

    @property
    def checks_forbidden_content(self) -> bool:
        """The cell produced an output and has at least one `not-` assertion."""
        return self.error_code is None and any(
            result.type.startswith(FORBIDDEN_PREFIX) for result in self.assertions
        )

    @property
    def violates(self) -> bool:
        """A `not-` assertion failed: the output holds content the test forbids.

        An assertion that could not be evaluated (an ERROR result) found nothing, so it
        is not counted as a violation; it fails the cell through its error instead.
        """
        return self.error_code is None and any(
            result.type.startswith(FORBIDDEN_PREFIX) and not result.passed and not result.is_error
            for result in self.assertions
        )


def error_cell(
    key: CellKey,
    *,
    test_case_id: str,
    code: str,
    message: str,
    at: datetime,
    latency_ms: float = 0.0,
) -> Cell:
    """A cell with no output: it never passes and scores 0, as promptfoo counts errors."""
    return Cell(
        key=key,
        test_case_id=test_case_id,
        output="",
        passed=False,
        score=0.0,
        finished_at=at,
        latency_ms=latency_ms,
        error_code=code,
        error=message,
    )


def _check_arms(kind: EvaluationKind, arms: Sequence[Arm]) -> None:
    if kind is EvaluationKind.COMPARISON and len(arms) != 2:
        raise InvalidEvaluationError(
            "A comparison has exactly two arms, A and B.",
            "比較には A と B のちょうど 2 つが必要です。",
        )
    _check_range("arms (prompt versions × models)", len(arms), 1, MAX_ARMS)
    if kind is EvaluationKind.EVALUATION and len(set(arms)) != len(arms):
        raise InvalidEvaluationError(
            "The same prompt version and model appear twice.",
            "同じプロンプトのバージョンとモデルの組み合わせが重複しています。",
            code="DUPLICATE_ARMS",
        )


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidEvaluationError(
            f"{name} must be from {low} to {high}; got {value}.",
            f"{name} は {low} から {high} の範囲にしてください（指定値: {value}）。",
            extra={"field": name, "minimum": low, "maximum": high},
        )
