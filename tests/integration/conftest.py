"""The application served in-process over ASGI, with its lifespan (migrations) run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from autoforge.infrastructure.settings import Settings
from autoforge.main import create_app
from tests.support.tokens import TokenIssuer

ApiFactory = Callable[..., Any]


@pytest.fixture
async def api_factory(
    make_settings: Callable[..., Settings],
) -> AsyncIterator[Callable[..., Any]]:
    """Start an app with setting overrides; every started app is shut down after the test."""
    stack: list[Any] = []

    async def start(**overrides: Any) -> httpx.AsyncClient:
        app = create_app(make_settings(**overrides))
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
        )
        stack.append((lifespan, client))
        return client

    yield start
    for lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


@pytest.fixture
async def api(api_factory: Callable[..., Any]) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await api_factory()
    return client


@pytest.fixture
def issuer() -> TokenIssuer:
    """Signs Clerk-style session tokens with a key made for this test."""
    return TokenIssuer()


@pytest.fixture
async def clerk_api(api_factory: Callable[..., Any], issuer: TokenIssuer) -> httpx.AsyncClient:
    """An app that verifies Clerk session tokens signed by `issuer`."""
    client: httpx.AsyncClient = await api_factory(
        auth_mode="clerk", clerk_jwt_issuer=issuer.issuer, clerk_jwt_public_key=issuer.public_pem
    )
    return client
