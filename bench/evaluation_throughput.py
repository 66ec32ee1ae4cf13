"""Throughput of an evaluation run: 500 test cases × 2 prompt versions at concurrency 16
against an OpenAI-compatible stub that answers after a fixed 50 ms.

It drives the real service path over the HTTP API, in-process (ASGI): the app is built
by `create_app` on a SQLite file, migrations run, the dataset and prompt versions are
created through the API, then `POST /api/v1/evaluations` and `GET` (every 0.2 s) until
the run ends; the wall time runs from the POST to the first GET that sees it finished.
Every cell renders, calls the model through the recording gateway (one call record per
call), checks two assertions in a worker thread and is stored. The stub runs in a child
process, as a remote provider would, so its work does not share this process's CPU.
Each gateway gets a warm-up run, then `--rounds` timed runs; the median is reported.

Ideal wall time = cases × prompts × latency / concurrency. The gateway is the real
LiteLLM one; `--gateway direct` swaps in a bare httpx client (bench-only) to show how
much of the gap is the gateway's per-call cost rather than the evaluation engine's.

    .venv/bin/python bench/evaluation_throughput.py [--cases 500] [--rounds 3]
        [--gateway litellm|direct|both]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
# The stub lives with the tests; the repository root makes `tests.support` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autoforge.domain.llm.model import Completion, CompletionRequest, ModelInfo
from autoforge.infrastructure.settings import Settings
from autoforge.main import create_app

MODEL = "stub-model"


def serve_stub(connection: Connection, latency_ms: float) -> None:
    """The child process: serve the stub until the parent closes the pipe."""
    from tests.support import openai_stub

    with openai_stub.OpenAIStub(latency_ms=latency_ms, models=[MODEL]) as stub:
        connection.send(stub.base_url)
        with contextlib.suppress(EOFError):  # the parent went away: stop too
            connection.recv()


class DirectGateway:
    """A bare OpenAI-compatible client: the LLMGateway port with nothing but HTTP and JSON."""

    def __init__(self, base_url: str) -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        self._client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30)

    async def complete(self, request: CompletionRequest) -> Completion:
        started = time.perf_counter()
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        response = await self._client.post(
            "/chat/completions", json={"model": request.model, "messages": messages}
        )
        response.raise_for_status()
        body = response.json()
        return Completion(
            model=request.model,
            provider="openai-compatible",
            text=body["choices"][0]["message"]["content"],
            finish_reason=body["choices"][0]["finish_reason"],
            tokens_in=body["usage"]["prompt_tokens"],
            tokens_out=body["usage"]["completion_tokens"],
            cost_usd=0.0,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError("the benchmark embeds nothing")

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(MODEL, "openai-compatible", "chat", 0.0, 0.0, None, None, False)]

    async def ping(self) -> None:
        return None


async def _post(api: httpx.AsyncClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(url, json=body)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


async def _prepare(api: httpx.AsyncClient, cases: int) -> tuple[str, str]:
    prompt = await _post(
        api, "/api/v1/prompts", {"title": "bench", "content": "Answer question {{n}} briefly."}
    )
    prompt_id = prompt["prompt_id"]
    changed = await api.patch(
        f"/api/v1/prompts/{prompt_id}", json={"content": "Answer question {{n}} in detail."}
    )
    changed.raise_for_status()
    assertions = [
        {"type": "contains", "value": "question {{n}}"},
        {"type": "not-icontains", "value": "forbidden"},
    ]
    test_cases = [{"vars": {"n": str(i)}, "assert": assertions} for i in range(cases)]
    dataset = await _post(api, "/api/v1/datasets", {"name": "bench", "test_cases": test_cases})
    return prompt_id, dataset["dataset_id"]


async def _evaluate(
    api: httpx.AsyncClient, prompt_id: str, dataset_id: str, concurrency: int
) -> tuple[float, dict[str, Any]]:
    body = {
        "dataset_id": dataset_id,
        "prompt_versions": [
            {"prompt_id": prompt_id, "version": 1},
            {"prompt_id": prompt_id, "version": 2},
        ],
        "models": [MODEL],
        "concurrency": concurrency,
    }
    started = time.perf_counter()
    accepted = await _post(api, "/api/v1/evaluations", body)
    url = f"/api/v1/evaluations/{accepted['evaluation_id']}"
    while True:
        done: dict[str, Any] = (await api.get(url)).json()
        if done["status"] in ("succeeded", "failed", "cancelled"):
            return time.perf_counter() - started, done
        await asyncio.sleep(0.2)


async def run(
    *, base_url: str, gateway: str, cases: int, concurrency: int, rounds: int
) -> list[float]:
    """Wall times of `rounds` runs of the same evaluation, after a small warm-up run."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,
            data_dir=Path(data_dir),
            database_url=f"sqlite+aiosqlite:///{data_dir}/bench.db",
            local_model_enabled=False,
            log_level="WARNING",
            openai_base_url=base_url,
            openai_compatible_api_key="stub-key",
            openai_compatible_models=[MODEL],
            default_model=MODEL,
        )
        direct = DirectGateway(base_url) if gateway == "direct" else None
        app = create_app(settings, gateway=direct)
        walls = []
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as api:
                prompt_id, dataset_id = await _prepare(api, cases)
                warm_id, warm_dataset = await _prepare(api, 2 * concurrency)
                await _evaluate(api, warm_id, warm_dataset, concurrency)
                for _ in range(rounds):
                    wall, done = await _evaluate(api, prompt_id, dataset_id, concurrency)
                    _report(gateway, wall, done)
                    walls.append(wall)
        return walls


def _report(gateway: str, wall: float, done: dict[str, Any]) -> None:
    job = done["job"]
    summaries = [arm["summary"] for arm in done["arms"]]
    passed = sum(summary["passed"] for summary in summaries)
    errors = sum(summary["errors"] for summary in summaries)
    print(
        f"  gateway={gateway:<8} status={done['status']} cells={job['done']}/{job['total']} "
        f"passed={passed} errors={errors} wall={wall:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gateway", choices=("litellm", "direct", "both"), default="both")
    args = parser.parse_args()

    ideal = args.cases * 2 * args.latency_ms / 1000 / args.concurrency
    print(
        f"{args.cases} cases × 2 prompt versions, stub latency {args.latency_ms:.0f} ms, "
        f"concurrency {args.concurrency}: ideal {ideal:.2f} s"
    )
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    stub = spawn.Process(target=serve_stub, args=(child, args.latency_ms), daemon=True)
    stub.start()
    base_url = parent.recv()
    try:
        gateways = ("litellm", "direct") if args.gateway == "both" else (args.gateway,)
        for gateway in gateways:
            walls = asyncio.run(
                run(
                    base_url=base_url,
                    gateway=gateway,
                    cases=args.cases,
                    concurrency=args.concurrency,
                    rounds=args.rounds,
                )
            )
            best, median = min(walls), statistics.median(walls)
            print(
                f"{gateway}: median wall {median:.2f} s = {ideal / median:.0%} of ideal "
                f"(best {best:.2f} s = {ideal / best:.0%}) over {len(walls)} rounds"
            )
    finally:
        parent.send("stop")
        stub.join(timeout=5)


if __name__ == "__main__":
    main()
