"""Security headers on API responses and a docs policy that still lets Swagger UI start."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from autoforge.middleware.security_headers import API_CSP, SecurityHeadersMiddleware


def build_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/things")
    async def things() -> dict[str, int]:
        return {"count": 1}

    @app.get("/api/v1/cached")
    async def cached() -> JSONResponse:
        return JSONResponse({"ok": True}, headers={"Cache-Control": "private, max-age=60"})

    app.add_middleware(SecurityHeadersMiddleware)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


async def test_api_responses_carry_the_strict_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/things")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert directives(API_CSP)["default-src"] == ["'none'"]
    assert "Strict-Transport-Security" not in response.headers


async def test_error_responses_carry_the_headers_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/not-a-route")

    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_handler_choice_of_cache_control_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/cached")

    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert len(response.headers.get_list("Cache-Control")) == 1


async def test_https_responses_add_strict_transport_security() -> None:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.get("/api/v1/things")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_docs_policy_allows_exactly_the_inline_script_of_the_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    inline_scripts = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    assert inline_scripts, "FastAPI's docs page is expected to start Swagger UI inline"
    for script in inline_scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


async def test_docs_policy_allows_the_assets_swagger_ui_loads(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    policy = directives(response.headers["Content-Security-Policy"])
    script_hosts = re.findall(r'<script src="(https://[^/"]+)', response.text)
    style_hosts = re.findall(
        r'<link type="text/css" rel="stylesheet" href="(https://[^/"]+)', response.text
    )
    icon_hosts = re.findall(r'<link rel="shortcut icon" href="(https://[^/"]+)', response.text)
    assert script_hosts
    assert all(host in policy["script-src"] for host in script_hosts)
    assert all(host in policy["style-src"] for host in style_hosts)
    assert all(host in policy["img-src"] for host in icon_hosts)
    assert "'self'" in policy["connect-src"]  # "Try it out" calls the API
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_openapi_json_gets_the_api_policy(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")

    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert response.json()["paths"]


async def test_docs_behind_a_proxy_prefix_still_get_the_docs_policy() -> None:
    app = FastAPI()
    app.add_middleware(SecurityHeadersMiddleware)
    transport = httpx.ASGITransport(app=app, root_path="/backend")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/backend/docs")

    assert response.status_code == 200
    assert "'sha256-" in response.headers["Content-Security-Policy"]
