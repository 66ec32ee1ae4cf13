"""Tokens per second of the local model: through our gateway, and raw llama-cpp-python.

Both run in the same process on the same GGUF file with the same prompt, max_tokens, stop
sequences, sampling (temperature 0) and thread count; each gets a warm-up first, then the
rounds alternate between the two so a noisy neighbour on the machine hits both alike.

    .venv/bin/python bench/local_model_speed.py [--rounds 5] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from autoforge.domain.llm.model import ChatMessage, CompletionRequest
from autoforge.infrastructure.llm import GatewayConfig, LiteLLMGateway, LocalModelConfig
from autoforge.infrastructure.llm.catalogue import LOCAL_MODEL_NAME
from autoforge.infrastructure.llm.local_model import packaged_gguf_path
from autoforge.infrastructure.llm.local_prompt import STOP_SEQUENCES, transcript

# The assistant turn is begun for the model: a base model continues a story it has started
# instead of ending its turn after a sentence, so every run writes the full max_tokens.
MESSAGES = (
    ChatMessage("user", "Tell me a long story about a lighthouse keeper and a storm."),
    ChatMessage(
        "assistant",
        "Once upon a time, on a rocky island far out at sea, there lived an old lighthouse "
        "keeper named Tom.",
    ),
)
CONTEXT_TOKENS = 2048

Run = Callable[[], Awaitable[int]]  # one generation; returns the tokens it wrote


def gateway_run(gateway: LiteLLMGateway, max_tokens: int) -> Run:
    request = CompletionRequest(
        LOCAL_MODEL_NAME, MESSAGES, temperature=0.0, max_tokens=max_tokens, timeout_s=600
    )

    async def run() -> int:
        return (await gateway.complete(request)).tokens_out

    return run


def raw_run(threads: int, max_tokens: int) -> Run:
    import llama_cpp

    llm = llama_cpp.Llama(
        model_path=str(packaged_gguf_path()),
        n_ctx=CONTEXT_TOKENS,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )
    prompt = transcript([{"role": m.role, "content": m.content} for m in MESSAGES])

    async def run() -> int:
        output: Any = llm.create_completion(
            prompt, max_tokens=max_tokens, temperature=0.0, stop=list(STOP_SEQUENCES)
        )
        return int(output["usage"]["completion_tokens"])

    return run


async def timed(run: Run) -> tuple[int, float]:
    started = time.perf_counter()
    tokens = await run()
    return tokens, time.perf_counter() - started


async def main(rounds: int, max_tokens: int) -> None:
    # The gateway logs every call at info; only the figures belong on the screen.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    threads = os.cpu_count() or 1
    local = LocalModelConfig(context_tokens=CONTEXT_TOKENS, threads=threads)
    gateway = LiteLLMGateway(GatewayConfig(local=local))
    runs = {"gateway": gateway_run(gateway, max_tokens), "raw": raw_run(threads, max_tokens)}
    for run in runs.values():
        await run()  # warm-up: model load, LiteLLM's lazy imports, first-token caches

    samples: dict[str, list[tuple[int, float]]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            samples[name].append(await timed(run))
    gateway.close()

    print(f"threads={threads} max_tokens={max_tokens} rounds={rounds} (median of the rounds)")
    medians = {name: report(name, measured) for name, measured in samples.items()}
    print(f"ratio gateway/raw: {medians['gateway'] / medians['raw']:.3f}")


def report(name: str, measured: list[tuple[int, float]]) -> float:
    tokens_per_s = statistics.median(tokens / seconds for tokens, seconds in measured)
    written = sorted({tokens for tokens, _ in measured})
    print(f"{name:>8}: {tokens_per_s:6.1f} tokens/s  (tokens written per run: {written})")
    return tokens_per_s


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=128)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.max_tokens))
