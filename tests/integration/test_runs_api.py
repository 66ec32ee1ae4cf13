"""Running prompts over HTTP: the real LiteLLM gateway against a local OpenAI-style server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from autoforge.infrastructure.db.tables import llm_calls
from tests.support.openai_stub import OpenAIStub

PROMPTS = "/api/v1/prompts"


@pytest.fixture(scope="module")
def provider() -> Iterator[OpenAIStub]:
    with OpenAIStub(models=["stub-chat"]) as stub:
        yield stub


@pytest.fixture
async def api(api_factory: Callable[..., Any], provider: OpenAIStub) -> httpx.AsyncClient:
    provider.clear_requests()
    client: httpx.AsyncClient = await api_factory(
        openai_base_url=provider.base_url,
        openai_compatible_api_key="stub-key",
        openai_compatible_models=["stub-chat"],
        default_model="stub-chat",
        llm_timeout_s=2.0,
    )
    return client


async def _prompt(api: httpx.AsyncClient, content: str = "Say {{ word }} twice.") -> str:
    response = await api.post(PROMPTS, json={"title": "t", "content": content})
    prompt_id: str = response.json()["prompt_id"]
    return prompt_id


async def test_a_run_returns_output_tokens_cost_latency_and_is_recorded(
    api: httpx.AsyncClient, provider: OpenAIStub
) -> None:
    prompt_id = await _prompt(api)

    response = await api.post(
        f"{PROMPTS}/{prompt_id}/runs",
        json={"variables": {"word": "ありがとう"}, "temperature": 0.2, "max_tokens": 20},
    )

    run = response.json()
    assert response.status_code == 200, response.text
    assert run["status"] == "succeeded"
    assert "ありがとう" in run["output"]
    assert run["finish_reason"] == "stop"
    assert run["tokens_in"] > 0
    assert run["tokens_out"] > 0
    assert run["latency_ms"] > 0
    assert run["cost_usd"] == 0.0
    sent = provider.requests[-1].body
    assert sent["messages"][-1]["content"] == "Say ありがとう twice."
    assert (sent["temperature"], sent["max_tokens"]) == (0.2, 20)
    listed = (await api.get(f"{PROMPTS}/{prompt_id}/runs", params={"version": 1})).json()
    assert [item["run_id"] for item in listed["items"]] == [run["run_id"]]


async def test_unknown_model_answers_422_and_missing_variables_are_named(
    api: httpx.AsyncClient,
) -> None:
    prompt_id = await _prompt(api)

    unknown = await api.post(
        f"{PROMPTS}/{prompt_id}/runs", json={"variables": {"word": "x"}, "model": "gpt-99"}
    )
    missing = await api.post(f"{PROMPTS}/{prompt_id}/runs", json={"variables": {}})

    assert (unknown.status_code, unknown.json()["code"]) == (422, "UNKNOWN_MODEL")
    assert (missing.status_code, missing.json()["missing"]) == (422, ["word"])
    # Refused requests are neither runs nor model calls.
    assert (await api.get(f"{PROMPTS}/{prompt_id}/runs")).json()["total"] == 0
    assert 'model="gpt-99"' not in (await api.get("/metrics")).text


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [(500, 502, "PROVIDER_ERROR"), (503, 503, "PROVIDER_UNAVAILABLE")],
)
async def test_provider_failures_answer_with_a_code_and_record_a_failed_run(
    api: httpx.AsyncClient, provider: OpenAIStub, failure: int, status: int, code: str
) -> None:
    prompt_id = await _prompt(api)

    with provider.configured(fail_with=failure):
        response = await api.post(f"{PROMPTS}/{prompt_id}/runs", json={"variables": {"word": "x"}})

    assert (response.status_code, response.json()["code"]) == (status, code)
    runs = (await api.get(f"{PROMPTS}/{prompt_id}/runs")).json()["items"]
    assert [(r["status"], r["error_code"]) for r in runs] == [("failed", code)]


async def test_a_provider_timeout_answers_504(api: httpx.AsyncClient, provider: OpenAIStub) -> None:
    prompt_id = await _prompt(api)

    with provider.configured(latency_ms=4_000):
        response = await api.post(f"{PROMPTS}/{prompt_id}/runs", json={"variables": {"word": "x"}})

    assert (response.status_code, response.json()["code"]) == (504, "PROVIDER_TIMEOUT")


async def test_every_call_is_recorded_with_its_figures(api: httpx.AsyncClient) -> None:
    prompt_id = await _prompt(api)
    await api.post(f"{PROMPTS}/{prompt_id}/runs", json={"variables": {"word": "x"}})

    database = api._transport.app.state.database  # type: ignore[attr-defined]
    async with database.reader.connect() as connection:
        rows = (await connection.execute(select(llm_calls))).all()

    assert len(rows) == 1
    assert (rows[0].model, rows[0].status, rows[0].prompt_id) == ("stub-chat", "ok", prompt_id)
    assert rows[0].tokens_in > 0


async def test_models_lists_the_usable_models_with_prices(api: httpx.AsyncClient) -> None:
    models = (await api.get("/api/v1/models")).json()

    by_name = {model["name"]: model for model in models}
    assert by_name["stub-chat"]["default"] is True
    assert {"input_cost_per_million", "output_cost_per_million"} <= set(by_name["stub-chat"])
