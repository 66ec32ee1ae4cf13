"""The local model as a LiteLLM custom provider, so it is called like every other model.

LiteLLM keeps custom providers in a process-wide list, but each gateway has its own runner.
One handler is registered once; a gateway attaches its runner and passes the runner's key in
the call's metadata, so two gateways in one process never answer with each other's model.

Importing this module imports LiteLLM: import it lazily.
"""

from __future__ import annotations

import functools
import time
import uuid
import weakref
from typing import Any

import httpx

from autoforge.infrastructure.llm.catalogue import LOCAL_PROVIDER
from autoforge.infrastructure.llm.litellm_runtime import load_litellm
from autoforge.infrastructure.llm.local_model import LocalModelRunner
from autoforge.infrastructure.llm.local_prompt import STOP_SEQUENCES, transcript

__all__ = ["RUNNER_METADATA_KEY", "attach_runner"]

RUNNER_METADATA_KEY = "autoforge_local_runner"

_litellm = load_litellm()


# LiteLLM is loaded at run time (offline switches first), so mypy cannot see this base class.
class LocalModelHandler(_litellm.CustomLLM):  # type: ignore[name-defined,misc]
    def __init__(self) -> None:
        super().__init__()
        self._runners: weakref.WeakValueDictionary[str, LocalModelRunner] = (
            weakref.WeakValueDictionary()
        )

    def attach(self, runner: LocalModelRunner) -> str:
        key = uuid.uuid4().hex
        self._runners[key] = runner
        return key

    async def acompletion(self, *args: Any, **kwargs: Any) -> Any:
        runner = self._runner(kwargs.get("litellm_params") or {})
        options: dict[str, Any] = kwargs.get("optional_params") or {}
        generation = await runner.generate(
            transcript(kwargs["messages"]),
            max_tokens=options.get("max_tokens"),
            temperature=options.get("temperature"),
            stop=STOP_SEQUENCES,
            timeout_s=_seconds(kwargs.get("timeout")),
        )

        response = kwargs["model_response"]
        response.model = kwargs["model"]
        response.created = int(time.time())
        response.choices[0].message.content = generation.text
        response.choices[0].finish_reason = generation.finish_reason
        response.usage = _litellm.Usage(
            prompt_tokens=generation.tokens_in,
            completion_tokens=generation.tokens_out,
            total_tokens=generation.tokens_in + generation.tokens_out,
        )
        return response

    def _runner(self, litellm_params: dict[str, Any]) -> LocalModelRunner:
        key = (litellm_params.get("metadata") or {}).get(RUNNER_METADATA_KEY)
        runner = self._runners.get(str(key))
        if runner is None:
            raise LookupError("no local model runner is attached under this key")
        return runner


@functools.cache
def _handler() -> LocalModelHandler:
    handler = LocalModelHandler()
    _litellm.custom_provider_map = [
        *(p for p in _litellm.custom_provider_map if p.get("provider") != LOCAL_PROVIDER),
        {"provider": LOCAL_PROVIDER, "custom_handler": handler},
    ]
    return handler


def attach_runner(runner: LocalModelRunner) -> dict[str, str]:
    """Register the local provider (once) and this runner; returns the call metadata naming it."""
    return {RUNNER_METADATA_KEY: _handler().attach(runner)}


def _seconds(timeout: object) -> float:
    if isinstance(timeout, int | float):
        return float(timeout)
    if isinstance(timeout, httpx.Timeout) and timeout.read is not None:
        return timeout.read
    return 600.0  # LiteLLM's own default request timeout
