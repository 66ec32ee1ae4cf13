"""RequestContextMiddleware and SecurityHeadersMiddleware on a tiny FastAPI app."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from autoforge.infrastructure.metrics import AppMetrics
from autoforge.middleware.request_context import RequestContextMiddleware
from autoforge.middleware.security_headers import SecurityHeadersMiddleware

if TYPE_CHECKING:
    from .conftest import LogCapture

UUID_HEX = re.compile(r"[0-9a-f]{32}")


def build_app(metrics: AppMetrics) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/prompts/{prompt_id}")
    async def get_prompt(prompt_id: str, request: Request) -> dict[str, Any]:
        structlog.get_logger("autoforge.test").info("prompt_loaded", prompt_id=prompt_id)
        return {"prompt_id": prompt_id, "request_id": request.state.request_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("handler failed")

    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware, observer=metrics)
    return app


@pytest.fixture
def metrics() -> AppMetrics:
    return AppMetrics(include_process_metrics=False)


@pytest.fixture
async def client(metrics: AppMetrics) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(metrics), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"] == "http_request"]


async def test_sane_request_id_is_echoed_and_bound_to_handler_logs(
    client: httpx.AsyncClient, json_logs: LogCapture
) -> None:
    json_logs.start()

    response = await client.get("/api/v1/prompts/p-7", headers={"X-Request-ID": "req.A-1_b"})

    assert response.headers["X-Request-ID"] == "req.A-1_b"
    assert response.json()["request_id"] == "req.A-1_b"
    [handler_line] = [line for line in json_logs.lines() if line["event"] == "prompt_loaded"]
    assert handler_line["request_id"] == "req.A-1_b"
    assert handler_line["correlation_id"] == "req.A-1_b"


async def test_missing_request_id_is_generated(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/prompts/p-1")

    request_id = response.headers["X-Request-ID"]
    assert UUID_HEX.fullmatch(request_id)
    assert response.json()["request_id"] == request_id


@pytest.mark.parametrize(
    "hostile",
    ["abc\nfake_field=1", "a" * 500, "id with spaces", "<script>", "", "ok;drop"],
)
async def test_hostile_request_id_is_replaced_by_a_generated_one(
    client: httpx.AsyncClient, json_logs: LogCapture, hostile: str
) -> None:
    json_logs.start()

    response = await client.get("/api/v1/prompts/p-1", headers={"X-Request-ID": hostile})

    request_id = response.headers["X-Request-ID"]
    assert UUID_HEX.fullmatch(request_id)
    assert all(line["request_id"] == request_id for line in json_logs.lines())


async def test_each_request_writes_exactly_one_access_line_with_the_route_template(
    client: httpx.AsyncClient, json_logs: LogCapture
) -> None:
    json_logs.start()

    await client.get("/api/v1/prompts/p-1?api_key=sk-secret-value-123&email=a@example.com")
    await client.get("/api/v1/prompts/p-2")

    raw_lines = json_logs.lines()
    lines = access_lines(raw_lines)
    assert len(lines) == 2
    first = lines[0]
    assert first["route"] == "/api/v1/prompts/{prompt_id}"
    assert first["method"] == "GET"
    assert first["status"] == 200
    assert first["client_ip"] == "127.0.0.1"
    assert isinstance(first["duration_ms"], float)
    assert first["duration_ms"] >= 0
    assert "sk-secret-value-123" not in str(raw_lines)
    assert "api_key" not in str(first)


async def test_unmatched_path_is_logged_as_the_path_without_query(
    client: httpx.AsyncClient, json_logs: LogCapture
) -> None:
    json_logs.start()

    await client.get("/nowhere/at/all?token=abc")

    [line] = access_lines(json_logs.lines())
    assert line["route"] == "/nowhere/at/all"
    assert line["status"] == 404


async def test_failing_handler_is_logged_as_500_once(
    client: httpx.AsyncClient, json_logs: LogCapture
) -> None:
    json_logs.start()

    response = await client.get("/boom")

    assert response.status_code == 500
    [line] = access_lines(json_logs.lines())
    assert line["status"] == 500
    assert line["route"] == "/boom"
    assert line["level"] == "error"


async def test_request_latency_is_observed_by_route_template(
    client: httpx.AsyncClient, metrics: AppMetrics
) -> None:
    await client.get("/api/v1/prompts/p-1")
    await client.get("/api/v1/prompts/p-2")
    await client.get("/nowhere")

    def count(route: str, status: str) -> float | None:
        return metrics.registry.get_sample_value(
            "autoforge_http_request_duration_seconds_count",
            {"method": "GET", "route": route, "status": status},
        )

    assert count("/api/v1/prompts/{prompt_id}", "200") == 2
    assert count("<unmatched>", "404") == 1
    assert count("/nowhere", "404") is None


async def test_request_id_is_readable_from_scope_state_by_error_handlers(
    metrics: AppMetrics,
) -> None:
    app = build_app(metrics)
    seen: list[str] = []

    @app.exception_handler(LookupError)
    async def on_lookup(request: Request, exc: LookupError) -> JSONResponse:
        seen.append(request.state.request_id)
        return JSONResponse({"request_id": request.state.request_id}, status_code=404)

    @app.get("/missing")
    async def missing() -> None:
        raise LookupError("nope")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/missing", headers={"X-Request-ID": "trace-42"})

    assert seen == ["trace-42"]
    assert response.json() == {"request_id": "trace-42"}


async def test_sane_correlation_id_is_bound_and_hostile_one_falls_back_to_request_id(
    client: httpx.AsyncClient, json_logs: LogCapture
) -> None:
    json_logs.start()

    await client.get("/api/v1/prompts/p-1", headers={"X-Correlation-ID": "job-9"})
    await client.get(
        "/api/v1/prompts/p-2", headers={"X-Correlation-ID": "bad id\n", "X-Request-ID": "r-2"}
    )

    first, second = access_lines(json_logs.lines())
    assert first["correlation_id"] == "job-9"
    assert first["request_id"] != "job-9"
    assert second["correlation_id"] == "r-2"
