"""Turns what LiteLLM raises into the product's domain errors.

LiteLLM wraps everything, including errors our own local provider raises, so the original is
found by walking the exception chain: a domain error raised below LiteLLM is passed on as is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from autoforge.domain.errors import DomainError, InvalidInputError
from autoforge.domain.llm.model import (
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    UnknownModelError,
)

__all__ = ["PromptTooLongError", "to_domain_error"]

_MODEL_NOT_FOUND_HINTS = ("model_not_found", "does not exist", "unknown model", "not found")


class PromptTooLongError(InvalidInputError):
    """The prompt does not fit the model's context window."""

    code = "PROMPT_TOO_LONG"


def to_domain_error(error: BaseException, *, model: str, litellm: Any) -> DomainError:
    chain = list(_chain(error))
    below = next((e for e in chain if isinstance(e, DomainError)), None)
    if below is not None:
        return below
    if any(isinstance(e, litellm.Timeout | httpx.TimeoutException | TimeoutError) for e in chain):
        return _timeout(model)
    if isinstance(error, litellm.ContextWindowExceededError):
        return PromptTooLongError(
            f"The prompt is longer than model '{model}' accepts.",
            f"プロンプトがモデル '{model}' の上限を超えています。",
            extra={"model": model},
        )
    if _is_unknown_model(error, litellm):
        return _unknown_at_provider(model)
    if _is_unavailable(error, chain, litellm):
        return _unavailable(model, error)
    return ProviderError(
        f"The provider of model '{model}' answered with an error.",
        f"モデル '{model}' のプロバイダーがエラーを返しました。",
        extra={"model": model, "provider_status": getattr(error, "status_code", None)},
    )


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _is_unknown_model(error: BaseException, litellm: Any) -> bool:
    if isinstance(error, litellm.NotFoundError | litellm.LiteLLMUnknownProvider):
        return True
    if not isinstance(error, litellm.BadRequestError):
        return False
    message = str(error).lower()
    return "model" in message and any(hint in message for hint in _MODEL_NOT_FOUND_HINTS)


def _is_unavailable(error: BaseException, chain: list[BaseException], litellm: Any) -> bool:
    if isinstance(error, litellm.ServiceUnavailableError | litellm.RateLimitError):
        return True
    # A refused or dropped connection surfaces as a 500 from LiteLLM; only its cause tells.
    return any(isinstance(e, httpx.TransportError | ConnectionError) for e in chain)


def _timeout(model: str) -> ProviderTimeoutError:
    return ProviderTimeoutError(
        f"Model '{model}' did not answer in time.",
        f"モデル '{model}' が時間内に応答しませんでした。",
        extra={"model": model},
    )


def _unknown_at_provider(model: str) -> UnknownModelError:
    return UnknownModelError(
        f"The provider does not know model '{model}'. "
        "GET /api/v1/models lists the models you can use.",
        f"プロバイダーはモデル '{model}' を認識しませんでした。"
        "利用できるモデルは GET /api/v1/models で確認してください。",
        extra={"model": model},
    )


def _unavailable(model: str, error: BaseException) -> ProviderUnavailableError:
    extra: dict[str, object] = {"model": model}
    retry_after = _retry_after(error)
    if retry_after is not None:
        extra["retry_after"] = retry_after
    return ProviderUnavailableError(
        f"The provider of model '{model}' is unavailable or rate-limited; try again later.",
        f"モデル '{model}' のプロバイダーが利用できないか、レート制限中です。"
        "しばらくしてから再試行してください。",
        extra=extra,
    )


def _retry_after(error: BaseException) -> int | None:
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    raw = headers.get("retry-after") if headers is not None else None
    try:
        return max(1, int(float(raw))) if raw is not None else None
    except ValueError:
        return None
