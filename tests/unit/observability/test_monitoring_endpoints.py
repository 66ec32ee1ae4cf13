"""/health, /ready, /live and /metrics through a real FastAPI app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from autoforge.infrastructure.metrics import AppMetrics
from autoforge.middleware.request_context import RequestContextMiddleware
from autoforge.monitoring import (
    DependencyCheck,
    DependencyUnhealthyError,
    ReadinessProbe,
    build_monitoring_router,
)


async def answers() -> None:
    return None


async def refuses() -> None:
    raise ConnectionRefusedError("connect to postgresql://app:hunter2@10.1.2.3:5432 refused")


async def hangs() -> None:
    await asyncio.sleep(30)


async def always_ready() -> bool:
    return True


def build_app(
    checks: Sequence[DependencyCheck],
    *,
    readiness: ReadinessProbe = always_ready,
    metrics: AppMetrics | None = None,
    data_dir: Path | None = None,
    timeout_s: float = 2.0,
) -> FastAPI:
    metrics = metrics or AppMetrics(include_process_metrics=False)
    app = FastAPI()
    app.include_router(
        build_monitoring_router(
            checks=checks,
            readiness=readiness,
            registry=metrics.registry,
            data_dir=data_dir,
            check_timeout_s=timeout_s,
        )
    )
    app.add_middleware(RequestContextMiddleware, observer=metrics)
    return app


async def get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


async def test_healthy_dependencies_report_ok_with_latency_and_resources(tmp_path: Path) -> None:
    app = build_app(
        [
            DependencyCheck("database", answers, critical=True),
            DependencyCheck("redis", answers),
            DependencyCheck("langfuse", None),
        ],
        data_dir=tmp_path,
    )

    response = await get(app, "/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["latency_ms"] >= 0
    assert body["checks"]["langfuse"] == {
        "status": "skipped",
        "critical": False,
        "latency_ms": None,
        "error": None,
    }
    resources = body["resources"]
    assert resources["process"]["memory_rss_bytes"] > 0
    assert 0 < resources["system"]["memory_used_bytes"] <= resources["system"]["memory_total_bytes"]
    assert 0 <= resources["disk"]["percent"] <= 100
    assert resources["disk"]["total_bytes"] > 0


async def test_failing_database_makes_health_error_and_503_without_internals() -> None:
    app = build_app(
        [DependencyCheck("database", refuses, critical=True), DependencyCheck("redis", answers)]
    )

    response = await get(app, "/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "error"
    assert body["checks"]["database"]["error"] == "check failed (ConnectionRefusedError)"
    assert body["checks"]["redis"]["status"] == "ok"
    assert "hunter2" not in response.text
    assert "10.1.2.3" not in response.text


async def test_failing_optional_dependency_degrades_but_answers_200() -> None:
    app = build_app(
        [DependencyCheck("database", answers, critical=True), DependencyCheck("langfuse", refuses)]
    )

    response = await get(app, "/health")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["langfuse"]["status"] == "error"


async def test_a_check_can_explain_its_failure_in_safe_redacted_words() -> None:
    async def explains() -> None:
        raise DependencyUnhealthyError("quota mail to ops@example.com bounced")

    app = build_app([DependencyCheck("mailer", explains)])

    body = (await get(app, "/health")).json()

    assert body["checks"]["mailer"]["error"] == "quota mail to [REDACTED_EMAIL] bounced"


async def test_slow_check_times_out_while_others_run_concurrently() -> None:
    async def slow_but_fine() -> None:
        await asyncio.sleep(0.2)

    app = build_app(
        [
            DependencyCheck("database", slow_but_fine, critical=True),
            DependencyCheck("redis", slow_but_fine),
            DependencyCheck("llm", hangs),
        ],
        timeout_s=0.3,
    )

    started = time.perf_counter()
    response = await get(app, "/health")
    elapsed = time.perf_counter() - started

    body = response.json()
    assert body["checks"]["llm"]["status"] == "error"
    assert body["checks"]["llm"]["error"] == "no answer within 0.3 s"
    assert body["checks"]["llm"]["latency_ms"] >= 300
    assert body["checks"]["database"]["status"] == "ok"
    assert body["status"] == "degraded"
    # Run one after another the checks would need at least 0.7 s.
    assert elapsed < 0.65


async def test_ready_answers_503_problem_until_the_probe_says_ready() -> None:
    state = {"migrated": False}

    async def readiness() -> bool:
        return state["migrated"]

    app = build_app([], readiness=readiness)

    before = await get(app, "/ready")
    state["migrated"] = True
    after = await get(app, "/ready")

    assert before.status_code == 503
    assert before.headers["content-type"].startswith("application/problem+json")
    assert before.headers["Retry-After"] == "5"
    problem = before.json()
    assert problem["status"] == 503
    assert problem["code"] == "SERVICE_NOT_READY"
    assert problem["request_id"] == before.headers["X-Request-ID"]
    assert after.status_code == 200
    assert after.json() == {"status": "ready"}


@pytest.mark.parametrize("probe", ["raises", "hangs"])
async def test_ready_is_503_when_the_probe_fails_or_hangs(probe: str) -> None:
    async def failing() -> bool:
        if probe == "raises":
            raise ConnectionRefusedError("db down")
        await asyncio.sleep(30)
        return True

    app = build_app([], readiness=failing, timeout_s=0.1)

    response = await get(app, "/ready")

    assert response.status_code == 503
    assert response.json()["code"] == "SERVICE_NOT_READY"


async def test_live_answers_200_even_when_dependencies_fail() -> None:
    async def never_ready() -> bool:
        return False

    app = build_app([DependencyCheck("database", refuses, critical=True)], readiness=never_ready)

    response = await get(app, "/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_metrics_expose_the_request_histogram_after_a_request() -> None:
    app = build_app([])

    await get(app, "/live")
    response = await get(app, "/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    sample = (
        'autoforge_http_request_duration_seconds_count{method="GET",route="/live",status="200"} 1.0'
    )
    assert sample in response.text.splitlines()
