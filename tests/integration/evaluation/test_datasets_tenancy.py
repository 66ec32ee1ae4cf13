"""Datasets belong to one tenant: another tenant's token finds nothing, changes nothing."""

from __future__ import annotations

import httpx
from tests.support.tokens import TokenIssuer

DATASETS = "/api/v1/datasets"


async def test_two_tenants_never_see_each_others_datasets(
    clerk_api: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    alice = issuer.headers("alice", org="org_a")
    bob = issuer.headers("bob", org="org_b")
    created = await clerk_api.post(
        DATASETS,
        json={"name": "A's set", "test_cases": [{"vars": {"q": "secret"}}]},
        headers=alice,
    )
    assert created.status_code == 201, created.text
    url = f"{DATASETS}/{created.json()['dataset_id']}"

    assert (await clerk_api.get(url, headers=bob)).status_code == 404
    assert (await clerk_api.get(f"{url}/export?format=csv", headers=bob)).status_code == 404
    assert (await clerk_api.patch(url, json={"name": "x"}, headers=bob)).status_code == 404
    added = await clerk_api.post(
        f"{url}/test-cases", json={"test_cases": [{"vars": {}}]}, headers=bob
    )
    assert added.status_code == 404
    assert (await clerk_api.delete(url, headers=bob)).status_code == 404
    assert (await clerk_api.get(DATASETS, headers=bob)).json()["total"] == 0

    mine = await clerk_api.get(url, headers=alice)
    assert (mine.json()["name"], mine.json()["revision"]) == ("A's set", 1)


async def test_members_of_one_organisation_share_its_datasets(
    clerk_api: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    created = await clerk_api.post(
        DATASETS, json={"name": "team set"}, headers=issuer.headers("u1", org="org_t")
    )

    listed = await clerk_api.get(DATASETS, headers=issuer.headers("u2", org="org_t"))

    assert [d["dataset_id"] for d in listed.json()["items"]] == [created.json()["dataset_id"]]
    assert listed.json()["items"][0]["owner_id"] == "u1"


async def test_datasets_need_a_valid_session_token(clerk_api: httpx.AsyncClient) -> None:
    response = await clerk_api.get(DATASETS)

    assert (response.status_code, response.json()["code"]) == (401, "AUTHENTICATION_REQUIRED")


async def test_another_tenants_prompt_has_no_quality_report_for_you(
    clerk_api: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    alice = issuer.headers("alice", org="org_a")
    created = await clerk_api.post(
        "/api/v1/prompts", json={"title": "t", "content": "Summarise {{ text }}."}, headers=alice
    )
    url = f"/api/v1/prompts/{created.json()['prompt_id']}/quality"

    assert (await clerk_api.get(url, headers=alice)).status_code == 200
    assert (await clerk_api.get(url, headers=issuer.headers("bob", org="org_b"))).status_code == 404
