"""GET /api/v1/prompts/{id}/quality: computed once per version, stored, in the caller's language."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_tables import prompt_quality
from autoforge.infrastructure.settings import Settings
from autoforge.main import create_app

PROMPTS = "/api/v1/prompts"
PROMPT = (
    "You are a senior translator. Translate {{ text }} into Japanese for a product page.\n"
    "- Keep it under 80 characters.\n- Return JSON with the key `translation`."
)


@pytest.fixture
async def app(make_settings: Callable[..., Settings]) -> AsyncIterator[FastAPI]:
    application = create_app(make_settings())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


async def _prompt(client: httpx.AsyncClient, content: str = PROMPT) -> str:
    response = await client.post(PROMPTS, json={"title": "Translator", "content": content})
    assert response.status_code == 201, response.text
    prompt_id: str = response.json()["prompt_id"]
    return prompt_id


async def _stored_rows(app: FastAPI) -> list[Any]:
    database: Database = app.state.database
    async with database.reader.connect() as connection:
        return list(await connection.execute(select(prompt_quality)))


async def test_the_report_is_computed_once_then_served_from_the_table(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    prompt_id = await _prompt(client)
    url = f"{PROMPTS}/{prompt_id}/quality"

    first = (await client.get(url)).json()
    rows = await _stored_rows(app)
    # Change the stored report behind the API's back: the next answer must show it.
    database: Database = app.state.database
    async with database.writer.begin() as connection:
        await connection.execute(
            update(prompt_quality).values(report={**rows[0].report, "overall": 0.1234})
        )
    second = (await client.get(url)).json()

    assert (first["stored"], first["version"], len(first["metrics"])) == (False, 1, 12)
    assert [(row.prompt_id, row.version) for row in rows] == [(prompt_id, 1)]
    assert (second["stored"], second["overall"]) == (True, 0.1234)
    assert second["computed_at"] == first["computed_at"]


async def test_reasons_follow_accept_language(client: httpx.AsyncClient) -> None:
    url = f"{PROMPTS}/{await _prompt(client)}/quality"

    english = (await client.get(url)).json()
    japanese = (await client.get(url, headers={"Accept-Language": "ja,en;q=0.5"})).json()

    assert (english["reason_language"], japanese["reason_language"]) == ("en", "ja")
    assert [m["name"] for m in english["metrics"]] == [m["name"] for m in japanese["metrics"]]
    assert english["metrics"][0]["reason"] != japanese["metrics"][0]["reason"]
    assert all(
        any("\u3040" <= ch <= "\u9fff" for ch in metric["reason"]) for metric in japanese["metrics"]
    )
    assert (japanese["overall"], japanese["grade"]) == (english["overall"], english["grade"])


async def test_each_version_has_its_own_report(client: httpx.AsyncClient) -> None:
    prompt_id = await _prompt(client, content="do it")
    url = f"{PROMPTS}/{prompt_id}"
    revision = (await client.get(url)).json()["revision"]
    updated = await client.patch(url, json={"content": PROMPT, "expected_revision": revision})
    assert updated.status_code == 200, updated.text

    latest = (await client.get(f"{url}/quality")).json()
    first = (await client.get(f"{url}/quality", params={"version": 1})).json()

    assert (latest["version"], first["version"]) == (2, 1)
    assert first["overall"] < latest["overall"]
    assert first["high_quality"] is False
    assert first["grade"] in {"D", "F"}


async def test_unknown_prompts_and_versions_answer_404(client: httpx.AsyncClient) -> None:
    prompt_id = await _prompt(client)

    missing_prompt = await client.get(f"{PROMPTS}/nope/quality")
    missing_version = await client.get(f"{PROMPTS}/{prompt_id}/quality", params={"version": 9})

    assert (missing_prompt.status_code, missing_version.status_code) == (404, 404)
