"""Requests per second and latency percentiles of the running service, on loopback.

Starts the real server (`autoforge serve`) on a fresh SQLite file, times the import of the
1,325 real English prompts with the CLI, then drives four endpoints — get prompt, list
prompts, create prompt, render — at 50 and 200 concurrent connections. The bar is the
original design's p95 of 200 ms; the table prints each p95 as a fraction of it.

The load generator runs on the same machine as the server and shares its cores, so the
figures understate what the server does alone.

    .venv/bin/python bench/api_load.py [--requests 2000] [--concurrency 50 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

BASELINE_P95_MS = 200.0
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "prompts_en.csv"
CLI = str(Path(sys.executable).with_name("autoforge"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [CLI, "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not become ready")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Connection:
    """A bare HTTP/1.1 keep-alive connection: far cheaper per request than a full client,
    so the load generator leaves more of the shared cores to the server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def request(self, method: str, path: str, body: dict[str, object] | None = None) -> int:
        payload = json.dumps(body).encode() if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        self.writer.write(head.encode() + payload)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self) -> None:
        self.writer.close()


Call = Callable[[Connection, int], Awaitable[int]]


async def drive(port: int, call: Call, *, requests: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        connection = await Connection.open(port)
        try:
            for index in counter:
                started = time.perf_counter()
                status = await call(connection, index)
                latencies.append((time.perf_counter() - started) * 1000)
                if status >= 400:
                    raise SystemExit(f"request {index} answered {status}")
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def endpoints(ids: list[str]) -> dict[str, Call]:
    def get_prompt(connection: Connection, i: int) -> Awaitable[int]:
        return connection.request("GET", f"/api/v1/prompts/{ids[i % len(ids)]}")

    def list_prompts(connection: Connection, i: int) -> Awaitable[int]:
        return connection.request("GET", f"/api/v1/prompts?page={1 + i % 20}&page_size=20")

    def create_prompt(connection: Connection, i: int) -> Awaitable[int]:
        body = {"title": f"bench {i}", "content": f"Summarise {{{{ text }}}} in {i % 7 + 1} lines."}
        return connection.request("POST", "/api/v1/prompts", body)

    def render(connection: Connection, i: int) -> Awaitable[int]:
        body = {"variables": {"text": f"document {i}", "language": "日本語"}}
        return connection.request("POST", f"/api/v1/prompts/{ids[i % len(ids)]}/render", body)

    return {
        "get prompt": get_prompt,
        "list prompts": list_prompts,
        "create prompt": create_prompt,
        "render": render,
    }


async def render_targets(base_url: str, count: int) -> list[str]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        ids = []
        for i in range(count):
            body = {"title": f"render {i}", "content": "Translate {{ text }} into {{ language }}."}
            ids.append((await client.post("/api/v1/prompts", json=body)).json()["prompt_id"])
        return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "AUTOFORGE_DATA_DIR": data_dir,
            "AUTOFORGE_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir}/bench.db",
            "AUTOFORGE_LOG_LEVEL": "WARNING",
            "AUTOFORGE_LOCAL_MODEL_ENABLED": "false",
        }
        started = time.perf_counter()
        subprocess.run([CLI, "import", str(SHARED)], env=env, check=True, capture_output=True)
        elapsed = time.perf_counter() - started
        print(
            f"import of {SHARED.name} (1,325 rows) with the CLI, "
            f"process start included: {elapsed:.2f} s"
        )

        port = free_port()
        server = start_server(env, port, args.workers)
        base_url = f"http://127.0.0.1:{port}"
        try:
            ids = asyncio.run(render_targets(base_url, 50))
            random.seed(7)
            print(
                f"\n{'endpoint':<14} {'conc':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                f"{'p99 ms':>8} {'p95/200ms':>10}"
            )
            for concurrency in args.concurrency:
                for name, call in endpoints(ids).items():
                    began = time.perf_counter()
                    latencies = asyncio.run(
                        drive(port, call, requests=args.requests, concurrency=concurrency)
                    )
                    elapsed = time.perf_counter() - began
                    p95 = percentile(latencies, 0.95)
                    print(
                        f"{name:<14} {concurrency:>5} {len(latencies) / elapsed:>8.0f} "
                        f"{statistics.median(latencies):>8.1f} {p95:>8.1f} "
                        f"{percentile(latencies, 0.99):>8.1f} {p95 / BASELINE_P95_MS:>10.2f}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
