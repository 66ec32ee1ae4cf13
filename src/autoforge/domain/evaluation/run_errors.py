"""Errors of evaluation runs and A/B comparisons."""

from __future__ import annotations

from autoforge.domain.errors import InvalidInputError, NotFoundError

__all__ = ["DatasetChangedError", "EvaluationNotFoundError", "InvalidEvaluationError"]


class EvaluationNotFoundError(NotFoundError):
    code = "EVALUATION_NOT_FOUND"

    def __init__(self, evaluation_id: str) -> None:
        super().__init__(
            f"Evaluation {evaluation_id} does not exist.",
            f"評価 {evaluation_id} は存在しません。",
            extra={"evaluation_id": evaluation_id},
        )


class InvalidEvaluationError(InvalidInputError):
    """The matrix asked for cannot be run: too large, empty, or inconsistent."""

    code = "INVALID_EVALUATION"


class DatasetChangedError(InvalidInputError):
    """The dataset was edited between submitting a run and starting it.

    Running the new cases would make the matrix differ from the one the caller saw
    (and, for a comparison, could pair cases that were never meant to be paired).
    """

    code = "DATASET_CHANGED"

    def __init__(self, *, dataset_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"Dataset {dataset_id} changed from revision {expected} to {actual} before the "
            "evaluation started; submit the evaluation again.",
            f"評価の開始前にデータセット {dataset_id} がリビジョン {expected} から {actual} に"
            "変更されました。評価をもう一度実行してください。",
            extra={"expected_revision": expected, "current_revision": actual},
        )
