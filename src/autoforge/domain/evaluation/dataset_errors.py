"""Errors of datasets and their test cases."""

from __future__ import annotations

from autoforge.domain.errors import ConflictError, InvalidInputError, NotFoundError

__all__ = [
    "DatasetNotFoundError",
    "DatasetRevisionConflictError",
    "DatasetTooLargeError",
    "InvalidDatasetError",
    "InvalidTestCaseError",
]


class DatasetNotFoundError(NotFoundError):
    code = "DATASET_NOT_FOUND"

    def __init__(self, dataset_id: str) -> None:
        super().__init__(
            f"Dataset {dataset_id} does not exist.",
            f"データセット {dataset_id} は存在しません。",
            extra={"dataset_id": dataset_id},
        )


class InvalidDatasetError(InvalidInputError):
    """The dataset's own fields (name, description, tags) are not acceptable."""

    code = "INVALID_DATASET"


class InvalidTestCaseError(InvalidInputError):
    """A test case's fields other than its assertions are not acceptable."""

    code = "INVALID_TEST_CASE"

    def __init__(self, *, test: str, reason_en: str, reason_ja: str) -> None:
        super().__init__(
            f"Test {test}: {reason_en}",
            f"テスト {test}: {reason_ja}",
            extra={"test": test, "reason": reason_en},
        )


class DatasetTooLargeError(InvalidInputError):
    code = "DATASET_TOO_LARGE"

    def __init__(self, *, count: int, limit: int) -> None:
        super().__init__(
            f"A dataset holds at most {limit:,} test cases; this change would make {count:,}.",
            f"データセットのテストケースは {limit:,} 件までです。"
            f"この変更では {count:,} 件になります。",
            extra={"count": count, "limit": limit},
        )


class DatasetRevisionConflictError(ConflictError):
    """A stale writer: the same code as a prompt's conflict, so clients handle both alike."""

    code = "VERSION_CONFLICT"

    def __init__(self, *, dataset_id: str, expected: int, actual: int | None) -> None:
        actual_text = "unknown" if actual is None else str(actual)
        super().__init__(
            f"Dataset {dataset_id} changed since revision {expected} (now {actual_text}); "
            "reload it and apply your change again.",
            f"データセット {dataset_id} はリビジョン {expected} 以降に変更されています"
            f"（現在 {actual_text}）。再読み込みしてから変更し直してください。",
            extra={"expected_revision": expected, "current_revision": actual},
        )
