"""Monitoring endpoints, request ids, the catch-all error, and the OpenAPI page of the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx


async def test_health_reports_each_dependency_and_resources(api: httpx.AsyncClient) -> None:
    response = await api.get("/health")

    report = response.json()
    assert response.status_code == 200
    assert report["checks"]["database"]["status"] == "ok"
    assert report["checks"]["database"]["latency_ms"] >= 0
    # These settings disable the local model and name no provider: no model can serve.
    assert report["checks"]["llm_gateway"]["status"] == "error"
    assert report["status"] == "degraded"
    assert report["checks"]["redis"]["status"] == "skipped"
    assert report["checks"]["langfuse"]["status"] == "skipped"
    assert report["resources"]


async def test_health_checks_redis_when_it_is_configured(api_factory: Callable[..., Any]) -> None:
    up = await api_factory(redis_url="redis://127.0.0.1:6379/0")
    down = await api_factory(redis_url="redis://127.0.0.1:1/0")

    assert (await up.get("/health")).json()["checks"]["redis"]["status"] == "ok"
    degraded = (await down.get("/health")).json()
    assert degraded["checks"]["redis"]["status"] == "error"
    assert degraded["status"] == "degraded"


async def test_ready_and_live_answer_once_migrations_are_applied(api: httpx.AsyncClient) -> None:
    assert (await api.get("/ready")).status_code == 200
    assert (await api.get("/live")).json() == {"status": "ok"}


async def test_ready_answers_503_until_the_schema_exists(api_factory: Callable[..., Any]) -> None:
    api = await api_factory(migrate_on_start=False)

    response = await api.get("/ready")

    assert response.status_code == 503


async def test_request_ids_are_taken_or_made_and_metrics_count_requests(
    api: httpx.AsyncClient,
) -> None:
    given = await api.get("/api/v1/prompts", headers={"X-Request-ID": "abc-123"})
    made = await api.get("/api/v1/prompts", headers={"X-Request-ID": "bad id\nwith newline"})
    metrics = (await api.get("/metrics")).text

    assert given.headers["x-request-id"] == "abc-123"
    assert made.headers["x-request-id"] != "bad id\nwith newline"
    assert len(made.headers["x-request-id"]) == 32
    assert 'route="/api/v1/prompts"' in metrics


async def test_an_unexpected_error_answers_500_without_internals(api: httpx.AsyncClient) -> None:
    app = api._transport.app  # type: ignore[attr-defined]

    async def explode() -> None:
        raise RuntimeError("database password is hunter2")

    app.add_api_route("/explode", explode)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.get("/explode", headers={"X-Request-ID": "req-500"})

    assert response.status_code == 500
    body = response.json()
    assert (body["code"], body["request_id"]) == ("INTERNAL_ERROR", "req-500")
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text


async def test_unknown_routes_are_problem_json_too(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "NOT_FOUND"


async def test_openapi_lists_the_prompt_api(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()

    assert "/api/v1/prompts/{prompt_id}/render" in spec["paths"]


async def test_docs_page_and_its_assets_come_from_this_server(api: httpx.AsyncClient) -> None:
    page = await api.get("/docs")
    script = await api.get("/docs-assets/swagger-ui-bundle.js")

    assert page.status_code == 200
    assert "cdn.jsdelivr.net" not in page.text
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert script.status_code == 200
    assert len(script.content) > 100_000


async def test_metrics_expose_the_job_queue_depth(api: httpx.AsyncClient) -> None:
    metrics = (await api.get("/metrics")).text

    assert 'autoforge_job_queue_depth{queue="evaluation"} 0.0' in metrics
