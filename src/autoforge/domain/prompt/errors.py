"""Errors of the prompt context."""

from __future__ import annotations

from autoforge.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    QuotaExceededError,
)

__all__ = [
    "EmptyContentError",
    "InvalidLabelError",
    "LabelNotFoundError",
    "PromptArchivedError",
    "PromptNotFoundError",
    "PromptQuotaExceededError",
    "PromptTooLargeError",
    "TitleRequiredError",
    "TitleTooLongError",
    "VersionConflictError",
    "VersionNotFoundError",
]


class EmptyContentError(InvalidInputError):
    code = "EMPTY_CONTENT"

    def __init__(self) -> None:
        super().__init__(
            "Prompt content must not be empty or only whitespace.",
            "プロンプトの内容を空や空白だけにすることはできません。",
        )


class PromptTooLargeError(InvalidInputError):
    code = "PROMPT_TOO_LARGE"

    def __init__(self, *, length: int, limit: int) -> None:
        super().__init__(
            f"Prompt content has {length:,} characters; the limit is {limit:,}.",
            f"プロンプトの内容は {length:,} 文字です。上限は {limit:,} 文字です。",
            extra={"length": length, "limit": limit},
        )


class TitleTooLongError(InvalidInputError):
    code = "TITLE_TOO_LONG"

    def __init__(self, *, length: int, limit: int) -> None:
        super().__init__(
            f"The title has {length} characters; at most {limit} are allowed.",
            f"タイトルは {length} 文字です。{limit} 文字以内にしてください。",
            extra={"length": length, "limit": limit},
        )


class InvalidLabelError(InvalidInputError):
    code = "INVALID_LABEL"


class PromptNotFoundError(NotFoundError):
    code = "PROMPT_NOT_FOUND"

    def __init__(self, prompt_id: str) -> None:
        super().__init__(
            f"Prompt {prompt_id} does not exist.",
            f"プロンプト {prompt_id} は存在しません。",
            extra={"prompt_id": prompt_id},
        )


class VersionNotFoundError(NotFoundError):
    code = "VERSION_NOT_FOUND"


class LabelNotFoundError(NotFoundError):
    code = "LABEL_NOT_FOUND"

    def __init__(self, prompt_id: str, label: str) -> None:
        super().__init__(
            f"Prompt {prompt_id} has no label {label!r}.",
            f"プロンプト {prompt_id} にラベル「{label}」はありません。",
            extra={"label": label},
        )


class TitleRequiredError(InvalidInputError):
    code = "TITLE_REQUIRED"

    def __init__(self) -> None:
        super().__init__(
            "A prompt needs a title that is not only whitespace.",
            "プロンプトには空白だけではないタイトルが必要です。",
        )


class PromptArchivedError(ConflictError):
    code = "PROMPT_ARCHIVED"

    def __init__(self, prompt_id: str) -> None:
        super().__init__(
            f"Prompt {prompt_id} is archived; restore it before changing it.",
            f"プロンプト {prompt_id} はアーカイブされています。変更する前に復元してください。",
        )


class VersionConflictError(ConflictError):
    code = "VERSION_CONFLICT"

    def __init__(self, *, stream_id: str, expected: int, actual: int | None) -> None:
        actual_text = "unknown" if actual is None else str(actual)
        super().__init__(
            f"Prompt {stream_id} changed since revision {expected} (now {actual_text}); "
            "reload it and apply your change again.",
            f"プロンプト {stream_id} はリビジョン {expected} 以降に変更されています"
            f"（現在 {actual_text}）。再読み込みしてから変更し直してください。",
            extra={"expected_revision": expected, "current_revision": actual},
        )


class PromptQuotaExceededError(QuotaExceededError):
    code = "PROMPT_QUOTA_EXCEEDED"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"You have reached your limit of {limit:,} prompts.",
            f"プロンプト数の上限（{limit:,} 件）に達しました。",
            extra={"limit": limit},
        )
