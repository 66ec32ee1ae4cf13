"""Clerk session tokens decide the tenant; one tenant never sees another's prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from autoforge.middleware.auth import LocalAuthenticator, LocalModeRefusedError
from tests.support.tokens import TokenIssuer

PROMPTS = "/api/v1/prompts"


async def test_other_tenants_prompts_are_not_found_anywhere(
    clerk_api: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    alice, bob = issuer.headers("alice", org="org_a"), issuer.headers("bob", org="org_b")
    created = await clerk_api.post(
        PROMPTS, json={"title": "secret", "content": "A's {{ x }}"}, headers=alice
    )
    url = f"{PROMPTS}/{created.json()['prompt_id']}"

    assert (await clerk_api.get(url, headers=bob)).status_code == 404
    assert (await clerk_api.get(f"{url}/versions", headers=bob)).status_code == 404
    assert (await clerk_api.patch(url, json={"title": "x"}, headers=bob)).status_code == 404
    assert (await clerk_api.post(f"{url}/render", json={}, headers=bob)).status_code == 404
    assert (await clerk_api.get(PROMPTS, headers=bob)).json()["total"] == 0
    assert (await clerk_api.get(url, headers=alice)).json()["title"] == "secret"


async def test_members_of_one_organisation_share_its_prompts(
    clerk_api: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    created = await clerk_api.post(
        PROMPTS, json={"title": "team", "content": "c"}, headers=issuer.headers("u1", org="org_t")
    )

    listed = await clerk_api.get(PROMPTS, headers=issuer.headers("u2", org="org_t"))

    assert [p["prompt_id"] for p in listed.json()["items"]] == [created.json()["prompt_id"]]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer not-a-jwt"},
    ],
)
async def test_requests_without_a_valid_token_answer_401(
    clerk_api: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await clerk_api.get(PROMPTS, headers=headers)

    assert (response.status_code, response.json()["code"]) == (401, "AUTHENTICATION_REQUIRED")


async def test_expired_foreign_or_wrong_issuer_tokens_are_refused(
    clerk_api: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    expired = issuer.headers("alice", ttl_s=-60)
    foreign = TokenIssuer(issuer=issuer.issuer).headers("alice")
    wrong_issuer = {"Authorization": f"Bearer {issuer.token('alice', iss='https://evil.test')}"}
    no_user = issuer.headers("  ")

    for headers in (expired, foreign, wrong_issuer, no_user):
        assert (await clerk_api.get(PROMPTS, headers=headers)).status_code == 401


async def test_authorized_parties_are_enforced(
    api_factory: Callable[..., Any], issuer: TokenIssuer
) -> None:
    api = await api_factory(
        auth_mode="clerk",
        clerk_jwt_issuer=issuer.issuer,
        clerk_jwt_public_key=issuer.public_pem,
        clerk_authorized_parties=["https://app.autoforge.test"],
    )

    good = await api.get(PROMPTS, headers=issuer.headers("a", azp="https://app.autoforge.test"))
    bad = await api.get(PROMPTS, headers=issuer.headers("a", azp="https://other.test"))

    assert (good.status_code, bad.status_code) == (200, 401)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com"])
def test_local_single_user_mode_refuses_non_loopback_addresses(host: str) -> None:
    with pytest.raises(LocalModeRefusedError, match="loopback"):
        LocalAuthenticator(host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_local_single_user_mode_accepts_loopback(host: str) -> None:
    LocalAuthenticator(host=host)
