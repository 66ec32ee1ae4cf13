"""The one error mapper: every error leaves the API as application/problem+json."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from autoforge.domain.errors import DomainError

__all__ = ["install_error_handlers", "preferred_language", "problem_response"]

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"

HTTP_CODES: dict[int, tuple[str, str, str]] = {
    400: ("BAD_REQUEST", "Bad request", "不正なリクエストです"),
    401: ("AUTHENTICATION_REQUIRED", "Authentication required", "認証が必要です"),
    403: ("FORBIDDEN", "Forbidden", "アクセスが拒否されました"),
    404: ("NOT_FOUND", "Not found", "見つかりません"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed", "許可されていないメソッドです"),
    413: ("PAYLOAD_TOO_LARGE", "Payload too large", "リクエストが大きすぎます"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type", "対応していないメディアタイプです"),
}


def preferred_language(request: Request) -> str:
    """'ja' when Japanese ranks above English in Accept-Language, else 'en'."""
    ranked: list[tuple[float, int, str]] = []
    header = request.headers.get("accept-language", "")
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("ja"):
            return "ja"
        if tag.startswith("en") or tag == "*":
            return "en"
    return "en"


def _request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:autoforge:problem:{code.lower().replace('_', '-')}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.url.path,
        "request_id": _request_id(request),
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    language = preferred_language(request)
    headers = None
    if "retry_after" in error.extra:
        headers = {"Retry-After": str(error.extra["retry_after"])}
    return problem_response(
        request,
        status=error.status,
        code=error.instance_code,
        title=error.title(language),
        detail=error.detail(language),
        extra=error.extra,
        headers=headers,
    )


def _field_name(location: tuple[Any, ...], error_type: str) -> str:
    if error_type == "json_invalid":
        return "body"  # the position FastAPI gives is a character offset, not a field
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(part) for part in location)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    language = preferred_language(request)
    errors = [
        {
            "field": _field_name(tuple(item["loc"]), item["type"]),
            "location": item["loc"][0],
            "message": item["msg"],
        }
        for item in error.errors()
    ]
    names = ", ".join(sorted({entry["field"] for entry in errors}))
    detail = (
        f"入力内容に誤りがあります: {names}"
        if language == "ja"
        else f"The request has invalid fields: {names}"
    )
    title = "入力が正しくありません" if language == "ja" else "Invalid input"
    return problem_response(
        request,
        status=422,
        code="VALIDATION_ERROR",
        title=title,
        detail=detail,
        extra={"errors": errors},
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    language = preferred_language(request)
    code, title_en, title_ja = HTTP_CODES.get(error.status_code, ("HTTP_ERROR", "Error", "エラー"))
    title = title_ja if language == "ja" else title_en
    detail = title if error.detail in ("Not Found", "Method Not Allowed") else str(error.detail)
    return problem_response(
        request,
        status=error.status_code,
        code=code,
        title=title,
        detail=detail,
        headers=dict(error.headers) if error.headers else None,
    )


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled_error", error_type=type(error).__name__, path=request.url.path)
    language = preferred_language(request)
    request_id = _request_id(request)
    # This handler runs outside the request-context middleware, so it echoes the id itself.
    headers = {"X-Request-ID": request_id} if request_id else None
    return problem_response(
        request,
        status=500,
        code="INTERNAL_ERROR",
        title="内部エラー" if language == "ja" else "Internal error",
        detail=(
            "予期しないエラーが発生しました。リクエスト ID を添えてお問い合わせください。"
            if language == "ja"
            else "An unexpected error occurred. Quote the request id when reporting it."
        ),
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
