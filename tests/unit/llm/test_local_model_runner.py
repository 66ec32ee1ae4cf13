"""The local runner's queueing, limits and cancellation, with a stand-in for llama.cpp.

The stand-in replaces the third-party `Llama` object (the runner's `TextModel`), so these tests
run without the `local` extra; the real model is exercised in tests/integration/llm.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autoforge.domain.llm.model import (
    ModelBusyError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from autoforge.infrastructure.llm.config import LocalModelConfig
from autoforge.infrastructure.llm.errors import PromptTooLongError
from autoforge.infrastructure.llm.local_model import LocalModelRunner, local_model_installed


class WordModel:
    """One token per word; writes "tok" per step, `per_token_s` apart, until told to stop."""

    def __init__(self, per_token_s: float = 0.0) -> None:
        self.per_token_s = per_token_s
        self.calls: list[dict[str, Any]] = []
        self.stopped_early = threading.Event()

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(range(len(text.split()) + int(add_bos)))

    def create_completion(self, prompt: list[int], **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        should_stop: Callable[..., bool] = kwargs["stopping_criteria"]
        written: list[str] = []
        finish = "length"
        while len(written) < kwargs["max_tokens"]:
            if should_stop(None, None):
                self.stopped_early.set()
                finish = "stop"
                break
            time.sleep(self.per_token_s)
            written.append("tok")
        usage = {"prompt_tokens": len(prompt), "completion_tokens": len(written)}
        return {
            "choices": [{"text": " " + " ".join(written), "finish_reason": finish}],
            "usage": usage,
        }


def runner_with(model: WordModel, **config: Any) -> LocalModelRunner:
    return LocalModelRunner(LocalModelConfig(**config), load=lambda: model)


async def generate(runner: LocalModelRunner, prompt: str = "a b c", **options: Any) -> Any:
    settings: dict[str, Any] = {"max_tokens": 3, "temperature": None, "stop": ["\nUser:"]}
    settings["timeout_s"] = 10.0
    return await runner.generate(prompt, **{**settings, **options})


async def test_generation_reports_text_tokens_and_finish_reason() -> None:
    model = WordModel()

    result = await generate(runner_with(model), "one two three", max_tokens=2)

    assert result.text == "tok tok"
    assert result.tokens_in == 4  # three words and the start-of-text token
    assert result.tokens_out == 2
    assert result.finish_reason == "length"
    assert model.calls[0]["stop"] == ["\nUser:"]


async def test_defaults_apply_when_the_request_leaves_options_out() -> None:
    model = WordModel()

    await generate(runner_with(model, default_max_tokens=5), max_tokens=None)

    assert model.calls[0]["max_tokens"] == 5
    assert "temperature" not in model.calls[0]


async def test_the_answer_is_capped_by_the_room_left_in_the_context() -> None:
    model = WordModel()

    await generate(runner_with(model, context_tokens=10), "w w w", max_tokens=100)

    assert model.calls[0]["max_tokens"] == 10 - 4


async def test_a_prompt_that_fills_the_context_is_refused_and_frees_its_slot() -> None:
    runner = runner_with(WordModel(), context_tokens=4, queue_size=0)

    with pytest.raises(PromptTooLongError) as raised:
        await generate(runner, "w w w")

    assert raised.value.extra == {"tokens": 4, "limit": 4}
    assert runner.pending == 0


async def test_requests_beyond_the_queue_are_refused_at_once() -> None:
    runner = runner_with(WordModel(per_token_s=0.05), queue_size=1)
    running = [asyncio.create_task(generate(runner, max_tokens=4)) for _ in range(2)]
    await asyncio.sleep(0)

    started = time.perf_counter()
    with pytest.raises(ModelBusyError) as raised:
        await generate(runner)
    refused_after = time.perf_counter() - started

    assert refused_after < 0.05
    assert raised.value.retry_after_s >= 1
    assert [r.tokens_out for r in await asyncio.gather(*running)] == [4, 4]
    assert runner.pending == 0


async def test_a_timed_out_generation_is_stopped_and_its_slot_freed() -> None:
    model = WordModel(per_token_s=0.02)
    runner = runner_with(model, queue_size=0)

    with pytest.raises(ProviderTimeoutError):
        await generate(runner, max_tokens=1000, timeout_s=0.1)

    assert await asyncio.to_thread(model.stopped_early.wait, 2)
    await _until(lambda: runner.pending == 0)


async def test_a_cancelled_caller_stops_its_generation() -> None:
    model = WordModel(per_token_s=0.02)
    runner = runner_with(model)
    task = asyncio.create_task(generate(runner, max_tokens=1000))
    await asyncio.sleep(0.1)

    task.cancel()

    assert await asyncio.to_thread(model.stopped_early.wait, 2)
    await _until(lambda: runner.pending == 0)


async def test_generation_runs_off_the_event_loop() -> None:
    runner = runner_with(WordModel(per_token_s=0.02))
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    await generate(runner, max_tokens=15)
    ticker.cancel()

    assert ticks >= 10


async def test_the_model_is_loaded_once_and_a_failed_load_is_retried() -> None:
    attempts: list[int] = []
    model = WordModel()

    def load() -> WordModel:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("corrupt file")
        return model

    runner = LocalModelRunner(LocalModelConfig(), load=load)

    with pytest.raises(ProviderUnavailableError):
        await generate(runner)
    await generate(runner)
    await generate(runner)

    assert len(attempts) == 2


def test_a_disabled_or_missing_model_is_not_installed(tmp_path: Path) -> None:
    assert not local_model_installed(LocalModelConfig(enabled=False))
    assert not local_model_installed(LocalModelConfig(gguf_path=tmp_path / "absent.gguf"))


async def _until(condition: Callable[[], bool], timeout_s: float = 2.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_a_closed_runner_is_unavailable() -> None:
    runner = runner_with(WordModel())
    runner.close()

    with pytest.raises(ProviderUnavailableError):
        await generate(runner)

    assert runner.pending == 0
