"""Errors of the assertion engine.

Two kinds: `InvalidAssertionError` is the domain error raised when a test case is
saved with a broken assertion (HTTP 422 through the one mapper). `CheckError` never
leaves the engine: it turns one assertion's result into an ERROR result, so a broken
assertion or a failed grader fails that assertion without hiding the others.
"""

from __future__ import annotations

from autoforge.domain.errors import InvalidInputError

__all__ = [
    "AssertionSpecError",
    "CheckError",
    "InvalidAssertionError",
    "InvalidJsonSchemaError",
]


class InvalidAssertionError(InvalidInputError):
    """A test case holds an assertion that cannot be evaluated."""

    code = "INVALID_ASSERTION"
    title_en = "Invalid assertion"
    title_ja = "アサーションが正しくありません"

    def __init__(self, *, test: str, index: int, assertion_type: str, reason: str) -> None:
        super().__init__(
            f"Test {test}, assertion {index} ({assertion_type}): {reason}",
            f"テスト {test} のアサーション {index}（{assertion_type}）が正しくありません: {reason}",
            extra={
                "test": test,
                "assertion_index": index,
                "assertion_type": assertion_type,
                "reason": reason,
            },
        )
        self.test = test
        self.index = index
        self.assertion_type = assertion_type
        self.reason = reason


class CheckError(Exception):
    """An assertion could not be evaluated; its result becomes an ERROR result."""

    def __init__(self, message: str, *, grader_output: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.grader_output = grader_output


class AssertionSpecError(CheckError):
    """The assertion itself is malformed: unknown type, bad value, bad threshold."""


class InvalidJsonSchemaError(ValueError):
    """Raised by a JSON Schema validator port for a schema that is not valid."""
