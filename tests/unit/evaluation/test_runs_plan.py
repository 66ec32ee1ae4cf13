"""Planning an evaluation: the matrix, its order, and the limits it must stay within."""

from __future__ import annotations

from typing import Any

import pytest

from autoforge.domain.evaluation.run import (
    MAX_CELLS,
    Arm,
    CellKey,
    EvaluationKind,
    EvaluationPlan,
    plan_evaluation,
)
from autoforge.domain.evaluation.run_errors import InvalidEvaluationError
from tests.unit.evaluation.run_fakes import NOW

A, B = Arm("p", 1, "m"), Arm("p", 2, "m")


def plan(**changes: Any) -> EvaluationPlan:
    values: dict[str, Any] = {
        "evaluation_id": "e",
        "tenant_id": "t",
        "owner_id": "u",
        "kind": EvaluationKind.EVALUATION,
        "dataset_id": "d",
        "dataset_revision": 1,
        "case_count": 2,
        "arms": [A, B],
        "repeats": 1,
        "concurrency": 4,
        "grader_model": None,
        "alpha": None,
        "at": NOW,
    }
    values.update(changes)
    return plan_evaluation(**values)


def test_cells_are_ordered_case_by_case_with_the_arms_side_by_side() -> None:
    planned = plan(repeats=2)

    assert planned.total_cells == 8
    assert list(planned.cell_keys())[:4] == [
        CellKey(0, 0, 0),
        CellKey(1, 0, 0),
        CellKey(0, 0, 1),
        CellKey(1, 0, 1),
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"case_count": 0}, "EMPTY_DATASET"),
        ({"repeats": 0}, "INVALID_EVALUATION"),
        ({"concurrency": 33}, "INVALID_EVALUATION"),
        ({"arms": []}, "INVALID_EVALUATION"),
        ({"arms": [A, A]}, "DUPLICATE_ARMS"),
        ({"kind": EvaluationKind.COMPARISON, "arms": [A]}, "INVALID_EVALUATION"),
        ({"kind": EvaluationKind.COMPARISON, "alpha": 1.0}, "INVALID_EVALUATION"),
        ({"case_count": MAX_CELLS // 2 + 1}, "EVALUATION_TOO_LARGE"),
    ],
)
def test_a_plan_outside_the_limits_is_refused_with_a_reason(
    changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(InvalidEvaluationError) as refused:
        plan(**changes)

    assert refused.value.instance_code == code


def test_a_comparison_may_pit_an_arm_against_itself_to_measure_noise() -> None:
    planned = plan(kind=EvaluationKind.COMPARISON, arms=[A, A], alpha=0.05)

    assert planned.arms == (A, A)
