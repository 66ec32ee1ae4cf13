"""A new user's path, end to end: the real server process on a fresh database, the real
prompt collections imported with the CLI, then browsing, searching, rendering and running
over HTTP on the offline local model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import shared_data

pytestmark = pytest.mark.local_model


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _cli() -> str:
    return str(Path(sys.executable).with_name("autoforge"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data_dir = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "AUTOFORGE_DATA_DIR": str(data_dir),
        "AUTOFORGE_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'e2e.db'}",
        "AUTOFORGE_LOG_LEVEL": "WARNING",
    }
    env.pop("AUTOFORGE_AUTH_MODE", None)
    port = _free_port()
    process = subprocess.Popen(
        [_cli(), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process)
        yield base_url, env
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base_url}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("server did not become ready within 120 s")


def _import(env: dict[str, str], name: str) -> str:
    result = subprocess.run(
        [_cli(), "import", str(shared_data(name))],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return result.stdout


def _first_with_variables(client: httpx.Client, query: dict[str, Any]) -> dict[str, Any]:
    for page in range(1, 30):
        items = client.get("/api/v1/prompts", params={**query, "page": page}).json()["items"]
        for item in items:
            if item["variables"]:
                detail: dict[str, Any] = client.get(f"/api/v1/prompts/{item['prompt_id']}").json()
                if len(detail["content"]) < 1_500:
                    return detail
    raise AssertionError("no short prompt with variables was imported")


def test_a_new_user_imports_browses_searches_renders_and_runs(
    server: tuple[str, dict[str, str]],
) -> None:
    base_url, env = server

    assert "imported 1312, already present 13, rejected 0" in _import(env, "prompts_en.csv")
    assert "imported 36, already present 0, rejected 0" in _import(env, "prompts_ja.jsonl")

    with httpx.Client(base_url=base_url, timeout=120) as client:
        listing = client.get("/api/v1/prompts", params={"page_size": 50}).json()
        assert listing["total"] == 1312 + 36
        assert len(listing["items"]) == 50

        english = client.get("/api/v1/prompts", params={"q": "linux terminal"}).json()
        assert any("Linux Terminal" in item["title"] for item in english["items"])
        japanese = client.get("/api/v1/prompts", params={"q": "剣道"}).json()
        assert japanese["total"] >= 1
        assert (
            "剣道"
            in client.get(f"/api/v1/prompts/{japanese['items'][0]['prompt_id']}").json()["content"]
        )

        prompt = _first_with_variables(client, {"page_size": 50})
        values = {name: f"value of {name}" for name in prompt["variables"]}
        rendered = client.post(
            f"/api/v1/prompts/{prompt['prompt_id']}/render", json={"variables": values}
        ).json()
        assert all(value in rendered["text"] for value in values.values())
        assert "{{" not in rendered["text"]

        run = client.post(
            f"/api/v1/prompts/{prompt['prompt_id']}/runs",
            json={"variables": values, "max_tokens": 16, "temperature": 0},
        )
        assert run.status_code == 200, run.text
        body = run.json()
        assert (body["model"], body["status"]) == ("local/gemma-3-270m", "succeeded")
        assert body["output"].strip()
        assert body["tokens_in"] > 0
        assert 0 < body["tokens_out"] <= 16
        assert client.get("/health").json()["checks"]["database"]["status"] == "ok"
