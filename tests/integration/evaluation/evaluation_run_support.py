"""Fixtures and helpers of the evaluation-run tests: the app on a real SQLite file, talking to
the OpenAI-compatible stub through the real LiteLLM gateway."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support.openai_stub import OpenAIStub

from autoforge.infrastructure.db.engine import Database

__all__ = [
    "COMPARISONS",
    "EVALUATIONS",
    "MODELS",
    "SelectiveStub",
    "create_dataset",
    "create_prompt",
    "database_of",
    "evaluation_api",
    "run_stub",
    "start_evaluation",
    "wait_until_finished",
]

EVALUATIONS = "/api/v1/evaluations"
COMPARISONS = "/api/v1/comparisons"
MODELS = ("stub-model", "stub-other")


class SelectiveStub(OpenAIStub):
    """The stub, answering 500 to the chat requests whose text holds `fail_marker`.

    The stub decides failures per server, so the decision for one request is kept per
    handler thread between recording the request and answering it.
    """

    def __init__(self, *, fail_marker: str | None = None, **options: Any) -> None:
        self._request_failure = threading.local()
        self._configured_failure: int | None = None
        super().__init__(**options)
        self.fail_marker = fail_marker

    @property
    def fail_with(self) -> int | None:
        failure: int | None = getattr(self._request_failure, "status", None)
        return failure or self._configured_failure

    @fail_with.setter
    def fail_with(self, value: int | None) -> None:
        self._configured_failure = value

    def _record(self, method: str, path: str, body: dict[str, Any]) -> None:
        super()._record(method, path, body)
        text = " ".join(str(message.get("content", "")) for message in body.get("messages") or [])
        marked = self.fail_marker is not None and self.fail_marker in text
        self._request_failure.status = 500 if marked else None


@pytest.fixture(scope="module")
def run_stub() -> Iterator[SelectiveStub]:
    stub = SelectiveStub(models=MODELS, fail_marker="BOOM")
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def evaluation_api(api_factory: Callable[..., Any], run_stub: SelectiveStub) -> Callable[..., Any]:
    """Start the app on the stub; setting overrides (Clerk mode) may be passed."""

    async def start(**overrides: Any) -> httpx.AsyncClient:
        settings: dict[str, Any] = {
            "openai_base_url": run_stub.base_url,
            "openai_compatible_api_key": "stub-key",
            "openai_compatible_models": list(MODELS),
            "default_model": MODELS[0],
        }
        settings.update(overrides)
        client: httpx.AsyncClient = await api_factory(**settings)
        return client

    return start


def database_of(tmp_path: Path) -> Database:
    """The app's database file (tests/conftest.py puts it there), opened a second time."""
    return Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")


async def create_prompt(
    api: httpx.AsyncClient, *contents: str, headers: dict[str, str] | None = None
) -> str:
    """A prompt whose versions 1, 2, ... have the given contents."""
    created = await api.post(
        "/api/v1/prompts", json={"title": "t", "content": contents[0]}, headers=headers
    )
    assert created.status_code == 201, created.text
    prompt_id: str = created.json()["prompt_id"]
    for content in contents[1:]:
        changed = await api.patch(
            f"/api/v1/prompts/{prompt_id}", json={"content": content}, headers=headers
        )
        assert changed.status_code == 200, changed.text
    return prompt_id


async def create_dataset(
    api: httpx.AsyncClient,
    cases: list[dict[str, Any]],
    *,
    headers: dict[str, str] | None = None,
) -> str:
    created = await api.post(
        "/api/v1/datasets", json={"name": "cases", "test_cases": cases}, headers=headers
    )
    assert created.status_code == 201, created.text
    dataset_id: str = created.json()["dataset_id"]
    return dataset_id


async def start_evaluation(
    api: httpx.AsyncClient, *, headers: dict[str, str] | None = None, **body: Any
) -> dict[str, Any]:
    response = await api.post(EVALUATIONS, json=body, headers=headers)
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    assert response.headers["location"] == f"{EVALUATIONS}/{accepted['evaluation_id']}"
    return accepted


async def wait_until_finished(
    api: httpx.AsyncClient, url: str, *, timeout_s: float = 30.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        response = await api.get(url)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in ("succeeded", "failed", "cancelled"):
            return body
        assert time.monotonic() < deadline, f"still {body['status']} after {timeout_s} s"
        await asyncio.sleep(0.05)
