"""The template catalogue over HTTP: browse, search in both languages, instantiate, save."""

from __future__ import annotations

import httpx

TEMPLATES = "/api/v1/templates"


async def test_catalogue_has_many_templates_in_both_languages(api: httpx.AsyncClient) -> None:
    templates = (await api.get(TEMPLATES)).json()

    assert len(templates) >= 30
    assert {t["language"] for t in templates} == {"en", "ja"}
    assert len({t["category"] for t in templates}) >= 10
    assert all(p["description"] for t in templates for p in t["parameters"])


async def test_filters_by_category_language_tag_and_text(api: httpx.AsyncClient) -> None:
    japanese_hr = (await api.get(TEMPLATES, params={"category": "hr", "language": "ja"})).json()
    searched = (await api.get(TEMPLATES, params={"q": "議事録"})).json()

    assert japanese_hr
    assert all((t["category"], t["language"]) == ("hr", "ja") for t in japanese_hr)
    assert searched
    assert all("議事録" in (t["name"] + t["description"] + t["content"]) for t in searched)
    tag = japanese_hr[0]["tags"][0]
    assert all(tag in t["tags"] for t in (await api.get(TEMPLATES, params={"tag": tag})).json())


async def test_instantiating_creates_a_prompt_and_names_missing_parameters(
    api: httpx.AsyncClient,
) -> None:
    template = (await api.get(TEMPLATES, params={"language": "en"})).json()[0]
    values = {p["name"]: p["example"] or "value" for p in template["parameters"]}
    url = f"{TEMPLATES}/{template['template_id']}/instantiate"

    created = await api.post(url, json={"values": {**values, "extra": "x"}, "title": "Mine"})
    missing = await api.post(url, json={"values": {}})

    assert created.status_code == 201, created.text
    prompt = created.json()["prompt"]
    assert (prompt["title"], prompt["version"]) == ("Mine", 1)
    assert created.json()["unused_values"] == ["extra"]
    assert f"template:{template['template_id']}" in prompt["tags"]
    assert (await api.get(created.headers["location"])).status_code == 200
    required = sorted(p["name"] for p in template["parameters"] if p["required"])
    assert missing.status_code == 422
    assert sorted(missing.json()["missing"]) == required


async def test_users_save_their_own_templates_and_find_them(api: httpx.AsyncClient) -> None:
    body = {
        "name": "敬語メール",
        "description": "取引先へのお詫びメールを書く",
        "category": "business",
        "language": "ja",
        "content": "{{ 相手 }}様へ、{{ 件名 }}についてお詫びのメールを書いてください。",
        "parameters": [
            {"name": "相手", "description": "宛先の名前"},
            {"name": "件名", "description": "お詫びの内容"},
        ],
        "tags": ["メール"],
    }

    saved = await api.post(TEMPLATES, json=body)
    undeclared = await api.post(TEMPLATES, json={**body, "parameters": body["parameters"][:1]})

    assert saved.status_code == 201, saved.text
    assert saved.json()["builtin"] is False
    found = (await api.get(TEMPLATES, params={"q": "お詫び", "category": "business"})).json()
    assert saved.json()["template_id"] in [t["template_id"] for t in found]
    assert (undeclared.status_code, undeclared.json()["code"]) == (422, "INVALID_TEMPLATE")


async def test_unknown_template_answers_404(api: httpx.AsyncClient) -> None:
    response = await api.get(f"{TEMPLATES}/nope")

    assert (response.status_code, response.json()["code"]) == (404, "TEMPLATE_NOT_FOUND")
