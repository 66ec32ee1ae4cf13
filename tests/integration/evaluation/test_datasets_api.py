"""The dataset REST API on a real SQLite database."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

DATASETS = "/api/v1/datasets"

TEST_CASES: list[dict[str, Any]] = [
    {
        "vars": {"question": "Capital of France?", "n": 3},
        "assert": [{"type": "icontains", "value": "paris"}],
        "description": "capital",
        "threshold": 0.5,
        "tags": ["geo"],
    },
    {
        "vars": {"question": "日本の首都は？"},
        "assertions": [{"type": "contains", "value": "東京"}, {"type": "regex", "value": "\\S"}],
        "expected": "東京",
    },
]


async def create(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": "Capitals", "test_cases": TEST_CASES}
    payload.update(body)
    response = await api.post(DATASETS, json=payload)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_create_answers_201_with_location_etag_and_normalised_cases(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(DATASETS, json={"name": " Capitals ", "test_cases": TEST_CASES})

    body = response.json()
    assert response.status_code == 201
    assert response.headers["location"] == f"{DATASETS}/{body['dataset_id']}"
    assert response.headers["etag"] == '"1"'
    assert (body["name"], body["revision"], body["test_case_count"]) == ("Capitals", 1, 2)
    first, second = body["test_cases"]
    assert first["vars"] == {"question": "Capital of France?", "n": "3"}
    assert first["assertions"] == [{"type": "icontains", "value": "paris"}]
    assert second["expected"] == "東京"
    assert first["test_case_id"] != second["test_case_id"]


async def test_get_returns_the_cases_in_order_and_list_pages_with_a_total(
    api: httpx.AsyncClient,
) -> None:
    created = [await create(api, name=f"set {i}") for i in range(3)]

    fetched = (await api.get(f"{DATASETS}/{created[0]['dataset_id']}")).json()
    page = (await api.get(DATASETS, params={"page_size": 2})).json()
    searched = (await api.get(DATASETS, params={"q": "SET 1"})).json()

    assert [c["description"] for c in fetched["test_cases"]] == ["capital", ""]
    assert (page["total"], len(page["items"]), page["page_size"]) == (3, 2, 2)
    assert "test_cases" not in page["items"][0]
    assert [item["name"] for item in searched["items"]] == ["set 1"]


async def test_update_renames_and_replaces_the_test_cases(api: httpx.AsyncClient) -> None:
    dataset = await create(api)
    url = f"{DATASETS}/{dataset['dataset_id']}"

    response = await api.patch(
        url,
        json={"name": "Renamed", "test_cases": [{"vars": {"q": "only"}}], "expected_revision": 1},
    )

    body = response.json()
    assert response.status_code == 200, response.text
    assert (body["name"], body["revision"], body["description"]) == ("Renamed", 2, "")
    assert [case["vars"] for case in body["test_cases"]] == [{"q": "only"}]
    assert (await api.get(url)).json()["test_case_count"] == 1


async def test_stale_if_match_answers_409_and_changes_nothing(api: httpx.AsyncClient) -> None:
    dataset = await create(api)
    url = f"{DATASETS}/{dataset['dataset_id']}"
    await api.patch(url, json={"name": "First"}, headers={"If-Match": '"1"'})

    response = await api.patch(url, json={"name": "Lost?"}, headers={"If-Match": '"1"'})

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "VERSION_CONFLICT"
    assert response.json()["current_revision"] == 2
    assert (await api.get(url)).json()["name"] == "First"


async def test_concurrent_writers_on_one_revision_get_one_success(api: httpx.AsyncClient) -> None:
    dataset = await create(api)
    url = f"{DATASETS}/{dataset['dataset_id']}"

    responses = await asyncio.gather(
        *(api.patch(url, json={"name": f"writer {i}", "expected_revision": 1}) for i in range(4))
    )

    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert (await api.get(url)).json()["revision"] == 2


async def test_writers_that_name_no_revision_all_land(api: httpx.AsyncClient) -> None:
    dataset = await create(api)
    url = f"{DATASETS}/{dataset['dataset_id']}"

    responses = await asyncio.gather(
        *(
            api.post(f"{url}/test-cases", json={"test_cases": [{"vars": {"q": f"c{i}"}}]})
            for i in range(8)
        )
    )

    assert sorted(r.status_code for r in responses) == [201] * 8
    cases = (await api.get(url)).json()["test_cases"]
    assert sorted(c["vars"]["q"] for c in cases if "q" in c["vars"]) == [f"c{i}" for i in range(8)]


async def test_adding_test_cases_appends_them_and_bumps_the_revision(
    api: httpx.AsyncClient,
) -> None:
    dataset = await create(api)
    url = f"{DATASETS}/{dataset['dataset_id']}"

    added = await api.post(
        f"{url}/test-cases", json={"test_cases": [{"vars": {"q": "3rd"}}], "expected_revision": 1}
    )
    stale = await api.post(
        f"{url}/test-cases", json={"test_cases": [{"vars": {"q": "x"}}], "expected_revision": 1}
    )

    assert added.status_code == 201, added.text
    assert (added.json()["revision"], added.headers["etag"]) == (2, '"2"')
    assert stale.status_code == 409
    cases = (await api.get(url)).json()["test_cases"]
    assert [case["vars"].get("q") for case in cases] == [None, None, "3rd"]


async def test_delete_removes_the_dataset(api: httpx.AsyncClient) -> None:
    dataset = await create(api)
    url = f"{DATASETS}/{dataset['dataset_id']}"

    stale = await api.delete(url, headers={"If-Match": '"7"'})
    deleted = await api.delete(url)

    assert (stale.status_code, deleted.status_code) == (409, 204)
    missing = await api.get(url)
    assert (missing.status_code, missing.json()["code"]) == (404, "DATASET_NOT_FOUND")
    assert (await api.delete(url)).status_code == 404


async def test_invalid_assertions_are_rejected_naming_the_test_and_assertion(
    api: httpx.AsyncClient,
) -> None:
    bad_cases = [
        TEST_CASES[0],
        {"vars": {}, "description": "broken", "assert": [{"type": "regex", "value": "[a-"}]},
    ]

    response = await api.post(DATASETS, json={"name": "bad", "test_cases": bad_cases})
    schema = await api.post(
        DATASETS,
        json={
            "name": "bad",
            "test_cases": [{"assert": [{"type": "is-json", "value": {"type": 12}}]}],
        },
    )
    unknown = await api.post(
        DATASETS,
        json={"name": "bad", "test_cases": [{"assert": [{"type": "contains"}, {"type": "foo"}]}]},
        headers={"Accept-Language": "ja"},
    )

    body = response.json()
    assert response.status_code == 422
    assert (body["code"], body["test"], body["assertion_index"]) == (
        "INVALID_ASSERTION",
        "1 (broken)",
        0,
    )
    assert "Test 1 (broken), assertion 0 (regex)" in body["detail"]
    assert (schema.status_code, schema.json()["assertion_type"]) == (422, "is-json")
    assert unknown.json()["assertion_index"] == 0  # contains without a value comes first
    assert "テスト 0" in unknown.json()["detail"]
    assert (await api.get(DATASETS)).json()["total"] == 0


async def test_an_invalid_assertion_added_later_is_rejected_too(api: httpx.AsyncClient) -> None:
    dataset = await create(api)

    response = await api.post(
        f"{DATASETS}/{dataset['dataset_id']}/test-cases",
        json={"test_cases": [{"assert": [{"type": "not-levenshtein", "value": 3}]}]},
    )

    assert (response.status_code, response.json()["code"]) == (422, "INVALID_ASSERTION")
