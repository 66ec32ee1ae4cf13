"""LiteLLM's exceptions become the product's domain errors with the right codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from autoforge.domain.errors import DomainError
from autoforge.domain.llm.model import (
    ModelBusyError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    UnknownModelError,
)
from autoforge.infrastructure.llm.errors import PromptTooLongError, to_domain_error
from autoforge.infrastructure.llm.litellm_runtime import load_litellm

litellm: Any = load_litellm()
WHO = {"model": "m", "llm_provider": "openai"}


def mapped(error: BaseException) -> DomainError:
    return to_domain_error(error, model="m", litellm=litellm)


def raised_from(outer: BaseException, inner: BaseException) -> BaseException:
    """`outer` as LiteLLM raises it: while handling `inner`."""
    try:
        try:
            raise inner
        except BaseException:
            raise outer  # noqa: B904  # the implicit context is what LiteLLM leaves
    except BaseException as caught:
        return caught


@pytest.mark.parametrize(
    ("error", "expected", "status"),
    [
        (litellm.NotFoundError(message="no such model", **WHO), UnknownModelError, 422),
        (litellm.Timeout(message="slow", **WHO), ProviderTimeoutError, 504),
        (litellm.ServiceUnavailableError(message="down", **WHO), ProviderUnavailableError, 503),
        (litellm.RateLimitError(message="slow down", **WHO), ProviderUnavailableError, 503),
        (litellm.InternalServerError(message="boom", **WHO), ProviderError, 502),
        (litellm.AuthenticationError(message="bad key", **WHO), ProviderError, 502),
        (litellm.BadRequestError(message="bad json", **WHO), ProviderError, 502),
    ],
)
def test_litellm_errors_map_to_domain_errors(
    error: Exception, expected: type[DomainError], status: int
) -> None:
    result = mapped(error)

    assert type(result) is expected
    assert result.status == status
    assert result.extra["model"] == "m"


def test_a_bad_request_about_the_model_is_an_unknown_model() -> None:
    error = litellm.BadRequestError(message="The model `m` does not exist", **WHO)

    assert isinstance(mapped(error), UnknownModelError)


def test_an_overlong_prompt_is_the_callers_input_error() -> None:
    error = litellm.ContextWindowExceededError(message="too many tokens", **WHO)

    result = mapped(error)

    assert isinstance(result, PromptTooLongError)
    assert result.status == 422


def test_a_refused_connection_is_unavailable_not_a_provider_error() -> None:
    refused = httpx.ConnectError("connection refused")
    error = raised_from(litellm.InternalServerError(message="Connection error.", **WHO), refused)

    assert isinstance(mapped(error), ProviderUnavailableError)


def test_a_domain_error_raised_below_litellm_is_passed_on_unchanged() -> None:
    busy = ModelBusyError(retry_after_s=3)
    error = raised_from(litellm.APIConnectionError(message="wrapped", **WHO), busy)

    assert mapped(error) is busy


def test_a_bare_asyncio_timeout_is_a_provider_timeout() -> None:
    assert isinstance(mapped(TimeoutError()), ProviderTimeoutError)


def test_messages_name_the_model_in_both_languages() -> None:
    result = mapped(litellm.InternalServerError(message="boom", **WHO))

    assert "'m'" in result.detail("en")
    assert "'m'" in result.detail("ja")
