"""The prompt REST API on a real SQLite database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

PROMPTS = "/api/v1/prompts"


async def create(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    payload = {"title": "Translator", "content": "Translate {{ text }} into {{ language }}."}
    payload.update(body)
    response = await api.post(PROMPTS, json=payload)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_create_answers_201_with_location_etag_and_version_one(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(
        PROMPTS, json={"title": "T", "content": "Hello {{ name }}", "tags": [" A ", "a", "B"]}
    )

    body = response.json()
    assert response.status_code == 201
    assert response.headers["location"] == f"{PROMPTS}/{body['prompt_id']}"
    assert response.headers["etag"] == f'"{body["revision"]}"'
    assert (body["version"], body["tags"], body["variables"]) == (1, ["a", "b"], ["name"])


async def test_updating_content_adds_versions_and_keeps_history(api: httpx.AsyncClient) -> None:
    prompt = await create(api)
    url = f"{PROMPTS}/{prompt['prompt_id']}"

    for text in ("Second {{ a }}", "Third"):
        current = (await api.get(url)).json()
        response = await api.patch(
            url, json={"content": text, "expected_revision": current["revision"]}
        )
        assert response.status_code == 200, response.text

    versions = (await api.get(f"{url}/versions")).json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert (await api.get(f"{url}/versions/2")).json()["variables"] == ["a"]
    assert (await api.get(url)).json()["version"] == 3


async def test_stale_if_match_answers_409_and_changes_nothing(api: httpx.AsyncClient) -> None:
    prompt = await create(api)
    url = f"{PROMPTS}/{prompt['prompt_id']}"
    stale = (await api.get(url)).headers["etag"]
    await api.patch(url, json={"title": "Changed"}, headers={"If-Match": stale})

    response = await api.patch(url, json={"content": "Lost?"}, headers={"If-Match": stale})

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "VERSION_CONFLICT"
    current = (await api.get(url)).json()
    assert (current["title"], current["version"]) == ("Changed", 1)


async def test_concurrent_writers_on_one_revision_get_one_success_and_one_conflict(
    api: httpx.AsyncClient,
) -> None:
    prompt = await create(api)
    url = f"{PROMPTS}/{prompt['prompt_id']}"
    revision = prompt["revision"]

    responses = await asyncio.gather(
        *(
            api.patch(url, json={"content": f"writer {i}", "expected_revision": revision})
            for i in range(5)
        )
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409, 409]
    versions = (await api.get(f"{url}/versions")).json()
    assert len(versions) == 2


async def test_list_pages_with_total_and_filters_by_tag_archived_and_text(
    api: httpx.AsyncClient,
) -> None:
    await create(api, title="English summary", content="Summarise the article", tags=["en"])
    await create(
        api, title="議事録の要約", content="会議の議事録を三行で要約してください", tags=["ja"]
    )
    archived = await create(api, title="Old", content="Old prompt", tags=["en"])
    await api.post(f"{PROMPTS}/{archived['prompt_id']}/archive")

    page = (await api.get(PROMPTS, params={"page_size": 1})).json()
    assert (page["total"], len(page["items"])) == (2, 1)
    assert (await api.get(PROMPTS, params={"tag": "en"})).json()["total"] == 1
    assert (await api.get(PROMPTS, params={"archived": "true"})).json()["items"][0][
        "title"
    ] == "Old"
    ja = (await api.get(PROMPTS, params={"q": "議事録"})).json()
    assert [item["title"] for item in ja["items"]] == ["議事録の要約"]
    mid_word = (await api.get(PROMPTS, params={"q": "三行で要約"})).json()
    assert mid_word["total"] == 1
    assert (await api.get(PROMPTS, params={"q": "SUMMARISE"})).json()["total"] == 1


async def test_labels_fetch_a_prompt_by_label_or_version(api: httpx.AsyncClient) -> None:
    prompt = await create(api)
    url = f"{PROMPTS}/{prompt['prompt_id']}"
    await api.patch(url, json={"content": "v2"})

    moved = await api.put(f"{url}/labels/production", json={"version": 1})
    assert moved.status_code == 200, moved.text
    assert moved.json()["labels"] == {"production": 1}

    by_label = (await api.get(url, params={"label": "production"})).json()
    assert (by_label["content_version"], by_label["version"]) == (1, 2)
    assert (await api.get(f"{url}/labels/production")).json()["version"] == 1
    assert (await api.get(url, params={"version": 2})).json()["content"] == "v2"
    missing = await api.get(f"{url}/labels/staging")
    assert (missing.status_code, missing.json()["code"]) == (404, "LABEL_NOT_FOUND")


async def test_diff_gives_line_and_character_changes_for_japanese(api: httpx.AsyncClient) -> None:
    prompt = await create(api, content="今日は晴れです。\n明日は雨です。")
    url = f"{PROMPTS}/{prompt['prompt_id']}"
    await api.patch(url, json={"content": "今日は晴れです。\n明日は雪です。"})

    lines = (await api.get(f"{url}/diff", params={"from": 1, "to": 2})).json()
    chars = (await api.get(f"{url}/diff", params={"from": 1, "to": 2, "mode": "char"})).json()

    assert (lines["added"], lines["removed"]) == (1, 1)
    assert "+明日は雪です。" in lines["unified"]
    assert (chars["added"], chars["removed"]) == (1, 1)


async def test_render_fills_values_names_missing_ones_and_reports_unused(
    api: httpx.AsyncClient,
) -> None:
    prompt = await create(api)
    url = f"{PROMPTS}/{prompt['prompt_id']}/render"

    ok = await api.post(
        url, json={"variables": {"text": "こんにちは", "language": "English", "x": "1"}}
    )
    missing = await api.post(url, json={"variables": {"text": "hi"}})

    assert ok.json()["text"] == "Translate こんにちは into English."
    assert ok.json()["unused_variables"] == ["x"]
    assert missing.status_code == 422
    assert (missing.json()["code"], missing.json()["missing"]) == (
        "MISSING_VARIABLES",
        ["language"],
    )


async def test_template_injection_is_never_executed(api: httpx.AsyncClient) -> None:
    payloads = [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% for i in range(10**9) %}x{% endfor %}",
    ]
    for payload in payloads:
        prompt = await create(api, content=payload)
        response = await api.post(f"{PROMPTS}/{prompt['prompt_id']}/render", json={})
        assert response.status_code in (200, 422), response.text
        text = response.json().get("text", "")
        assert "<class" not in text
        assert "uid=" not in text
        assert len(text) < 1_000_000


async def test_errors_are_problem_json_in_the_callers_language(api: httpx.AsyncClient) -> None:
    missing = await api.get(f"{PROMPTS}/nope", headers={"Accept-Language": "ja,en;q=0.5"})
    invalid = await api.post(PROMPTS, json={"title": "", "content": 3})
    blank = await api.post(PROMPTS, json={"title": "t", "content": "   "})
    too_long = await api.post(PROMPTS, json={"title": "t" * 201, "content": "x"})
    blank_title = await api.post(PROMPTS, json={"title": "   ", "content": "x"})
    broken_json = await api.post(
        PROMPTS, content=b'{"title": "t",', headers={"content-type": "application/json"}
    )

    assert missing.status_code == 404
    assert missing.json()["code"] == "PROMPT_NOT_FOUND"
    assert "存在しません" in missing.json()["detail"]
    assert missing.json()["request_id"] == missing.headers["x-request-id"]
    assert invalid.status_code == 422
    assert {e["field"] for e in invalid.json()["errors"]} == {"title", "content"}
    assert blank.json()["code"] == "EMPTY_CONTENT"
    assert too_long.json()["code"] == "TITLE_TOO_LONG"
    assert blank_title.json()["code"] == "TITLE_REQUIRED"
    assert broken_json.status_code == 422
    assert [e["field"] for e in broken_json.json()["errors"]] == ["body"]


async def test_prompt_quota_answers_429(api_factory: Callable[..., Any]) -> None:
    api = await api_factory(prompt_quota_per_user=2)
    await create(api)
    await create(api)

    response = await api.post(PROMPTS, json={"title": "third", "content": "x"})

    assert (response.status_code, response.json()["code"]) == (429, "PROMPT_QUOTA_EXCEEDED")


async def test_size_limit_is_configurable_and_large_real_prompts_fit(
    api_factory: Callable[..., Any],
) -> None:
    api = await api_factory(max_prompt_chars=150_000)
    big = await api.post(PROMPTS, json={"title": "big", "content": "長文" * 60_000})
    too_big = await api.post(PROMPTS, json={"title": "big", "content": "x" * 150_001})

    assert big.status_code == 201
    assert (too_big.status_code, too_big.json()["code"]) == (422, "PROMPT_TOO_LARGE")
    assert too_big.json()["limit"] == 150_000


async def test_hostile_numbers_headers_and_bodies_are_clean_4xx(api: httpx.AsyncClient) -> None:
    prompt = await create(api)
    url = f"{PROMPTS}/{prompt['prompt_id']}"

    huge_page = await api.get(PROMPTS, params={"page": 2**70})
    huge_version = await api.get(f"{url}/versions/{2**63}")
    superscript = await api.patch(
        url, json={"title": "x"}, headers={"If-Match": '"²"'.encode("latin-1")}
    )
    many_tags = await api.get(PROMPTS, params=[("tag", f"t{i}") for i in range(1000)])
    nul = await api.post(PROMPTS, json={"title": "a\x00b", "content": "x"})
    nul_search = await api.get(PROMPTS, params={"q": "a\x00"})
    too_big = await api.post(
        PROMPTS,
        content=b"{" + b" " * (11 * 1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    foreign_host = await api.get(PROMPTS, headers={"Host": "attacker.example"})

    assert [r.status_code for r in (huge_page, huge_version, many_tags, nul)] == [422] * 4
    assert (superscript.status_code, superscript.json()["code"]) == (422, "INVALID_IF_MATCH")
    assert nul_search.status_code == 200
    assert (too_big.status_code, too_big.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")
    assert (foreign_host.status_code, foreign_host.json()["code"]) == (421, "MISDIRECTED_REQUEST")
