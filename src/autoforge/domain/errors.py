"""One hierarchy of domain errors.

Each error carries a stable machine code, the HTTP status it maps to, and a message
in English and Japanese. The presentation layer's one mapper turns them into
problem+json; nothing else in the code base needs to know about HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "AuthenticationRequiredError",
    "ConflictError",
    "DomainError",
    "ForbiddenError",
    "InvalidInputError",
    "NotFoundError",
    "QuotaExceededError",
    "ServiceUnavailableError",
    "UpstreamError",
]


class DomainError(Exception):
    """Base of every error the product raises on purpose."""

    code: ClassVar[str] = "DOMAIN_ERROR"
    status: ClassVar[int] = 400
    title_en: ClassVar[str] = "Request could not be processed"
    title_ja: ClassVar[str] = "リクエストを処理できませんでした"

    def __init__(
        self,
        detail_en: str,
        detail_ja: str | None = None,
        *,
        code: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail_en)
        self.detail_en = detail_en
        self.detail_ja = detail_ja or detail_en
        self.instance_code = code or self.code
        self.extra: dict[str, Any] = dict(extra or {})

    def detail(self, language: str) -> str:
        return self.detail_ja if language == "ja" else self.detail_en

    def title(self, language: str) -> str:
        return self.title_ja if language == "ja" else self.title_en


class InvalidInputError(DomainError):
    code = "INVALID_INPUT"
    status = 422
    title_en = "Invalid input"
    title_ja = "入力が正しくありません"


class NotFoundError(DomainError):
    code = "NOT_FOUND"
    status = 404
    title_en = "Not found"
    title_ja = "見つかりません"


class ConflictError(DomainError):
    code = "CONFLICT"
    status = 409
    title_en = "Conflict"
    title_ja = "競合が発生しました"


class QuotaExceededError(DomainError):
    code = "QUOTA_EXCEEDED"
    status = 429
    title_en = "Quota exceeded"
    title_ja = "上限を超えました"


class AuthenticationRequiredError(DomainError):
    code = "AUTHENTICATION_REQUIRED"
    status = 401
    title_en = "Authentication required"
    title_ja = "認証が必要です"


class ForbiddenError(DomainError):
    code = "FORBIDDEN"
    status = 403
    title_en = "Forbidden"
    title_ja = "アクセスが拒否されました"


class UpstreamError(DomainError):
    """A model provider failed or answered something unusable."""

    code = "UPSTREAM_ERROR"
    status = 502
    title_en = "Model provider error"
    title_ja = "モデルプロバイダーのエラー"


class ServiceUnavailableError(DomainError):
    code = "SERVICE_UNAVAILABLE"
    status = 503
    title_en = "Service unavailable"
    title_ja = "サービスを利用できません"
