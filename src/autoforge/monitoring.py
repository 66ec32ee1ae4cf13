"""Health, readiness, liveness and metrics endpoints.

/live answers as long as the event loop does. /ready answers 200 only once the database
answers and its migrations are applied, so orchestrators hold traffic back until then.
/health runs every dependency check concurrently, each bounded by a timeout, and reports
resource usage; it answers 503 only when a critical dependency (the database) is down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import psutil
import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry

from autoforge.domain.errors import ServiceUnavailableError
from autoforge.infrastructure.metrics import render_latest
from autoforge.infrastructure.redaction import redact_text

__all__ = [
    "CheckResult",
    "DependencyCheck",
    "DependencyUnhealthyError",
    "HealthReport",
    "HealthService",
    "ReadinessProbe",
    "ServiceNotReadyError",
    "build_monitoring_router",
    "collect_resource_usage",
]

CheckStatus = Literal["ok", "error", "skipped"]
OverallStatus = Literal["ok", "degraded", "error"]

# Answers True once the database answers and migrations are applied; may also raise.
ReadinessProbe = Callable[[], Awaitable[bool]]

_MAX_ERROR_CHARS = 200
_MAX_LOGGED_CHARS = 1000

_log = structlog.get_logger(__name__)


class DependencyUnhealthyError(ServiceUnavailableError):
    """Raised by a check to report a failure in words safe to show to any caller.

    Other exceptions are reported by type name only: their messages may name hosts,
    ports, SQL or credentials.
    """

    code = "DEPENDENCY_UNHEALTHY"


class ServiceNotReadyError(ServiceUnavailableError):
    code = "SERVICE_NOT_READY"
    title_en = "Service not ready"
    title_ja = "サービスの準備ができていません"


@dataclass(frozen=True, slots=True)
class DependencyCheck:
    """One dependency to probe. `probe=None` means not configured: reported as skipped."""

    name: str
    probe: Callable[[], Awaitable[None]] | None
    critical: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: CheckStatus
    critical: bool
    latency_ms: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class HealthReport:
    status: OverallStatus
    checked_at: str
    checks: tuple[CheckResult, ...]
    resources: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "checked_at": self.checked_at,
            "checks": {check.name: _check_body(check) for check in self.checks},
            "resources": self.resources,
        }


class HealthService:
    """Runs the dependency checks and summarises them with resource usage."""

    def __init__(
        self,
        checks: Sequence[DependencyCheck],
        *,
        timeout_s: float = 2.0,
        data_dir: Path | None = None,
    ) -> None:
        self._checks = tuple(checks)
        self._timeout_s = timeout_s
        self._data_dir = data_dir
        # One Process object keeps the CPU counters between calls; a fresh one reads 0 %.
        self._process = psutil.Process()

    async def report(self) -> HealthReport:
        results, resources = await asyncio.gather(
            asyncio.gather(*(self._run(check) for check in self._checks)),
            asyncio.to_thread(collect_resource_usage, self._process, data_dir=self._data_dir),
        )
        return HealthReport(
            status=_overall_status(results),
            checked_at=datetime.now(UTC).isoformat(),
            checks=tuple(results),
            resources=resources,
        )

    async def _run(self, check: DependencyCheck) -> CheckResult:
        if check.probe is None:
            return CheckResult(name=check.name, status="skipped", critical=check.critical)

        started = time.perf_counter()
        error: str | None = None
        try:
            async with asyncio.timeout(self._timeout_s):
                await check.probe()
        except TimeoutError:
            error = f"no answer within {self._timeout_s:g} s"
        # A health check must turn any failure of the probed dependency into a report
        # rather than an error of /health itself.
        except Exception as exc:
            error = _describe_failure(exc)
            # The full message stays in the (redacted) server log, out of the HTTP answer.
            _log.warning(
                "health_check_error",
                dependency=check.name,
                error_type=type(exc).__name__,
                detail=str(exc)[:_MAX_LOGGED_CHARS],
            )

        latency_ms = round((time.perf_counter() - started) * 1000, 3)
        if error is None:
            return CheckResult(check.name, "ok", check.critical, latency_ms=latency_ms)
        _log.warning("health_check_failed", dependency=check.name, error=error)
        return CheckResult(check.name, "error", check.critical, latency_ms=latency_ms, error=error)


def collect_resource_usage(process: psutil.Process, *, data_dir: Path | None) -> dict[str, Any]:
    """CPU, memory and disk figures of this process, the machine and the data directory."""
    memory = process.memory_info()
    system_memory = psutil.virtual_memory()
    usage: dict[str, Any] = {
        "process": {
            "cpu_percent": process.cpu_percent(interval=None),
            "memory_rss_bytes": memory.rss,
            "memory_percent": round(process.memory_percent(), 3),
        },
        "system": {
            "cpu_percent": psutil.cpu_percent(interval=None),
            "memory_used_bytes": system_memory.used,
            "memory_total_bytes": system_memory.total,
            "memory_percent": system_memory.percent,
        },
        "disk": None,
    }
    if data_dir is not None:
        usage["disk"] = _disk_usage(data_dir)
    return usage


def build_monitoring_router(
    *,
    checks: Sequence[DependencyCheck],
    readiness: ReadinessProbe,
    registry: CollectorRegistry,
    data_dir: Path | None = None,
    check_timeout_s: float = 2.0,
) -> APIRouter:
    """GET /health, /ready, /live and /metrics, wired to the given collaborators."""
    health = HealthService(checks, timeout_s=check_timeout_s, data_dir=data_dir)
    router = APIRouter(tags=["monitoring"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health")
    async def health_report() -> JSONResponse:
        report = await health.report()
        status_code = 503 if report.status == "error" else 200
        return JSONResponse(report.to_dict(), status_code=status_code)

    @router.get("/ready")
    async def ready(request: Request) -> JSONResponse:
        if await _is_ready(readiness, timeout_s=check_timeout_s):
            return JSONResponse({"status": "ready"})
        return _not_ready_response(request)

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = render_latest(registry)
        return Response(content=body, media_type=content_type)

    return router


async def _is_ready(readiness: ReadinessProbe, *, timeout_s: float) -> bool:
    try:
        async with asyncio.timeout(timeout_s):
            return await readiness()
    except TimeoutError:
        return False
    # Whatever keeps the probe from answering means "not ready yet", never a 500.
    except Exception as exc:
        _log.warning("readiness_probe_failed", error=_describe_failure(exc))
        return False


def _not_ready_response(request: Request) -> JSONResponse:
    # Shaped like the error mapper's problem+json so clients parse one format.
    error = ServiceNotReadyError(
        "The database is not reachable or not migrated yet.",
        "データベースに接続できないか、マイグレーションが未適用です。",
    )
    body = {
        "type": "about:blank",
        "title": error.title("en"),
        "status": error.status,
        "detail": error.detail("en"),
        "code": error.instance_code,
        "request_id": getattr(request.state, "request_id", None),
    }
    return JSONResponse(
        body,
        status_code=error.status,
        media_type="application/problem+json",
        headers={"Retry-After": "5"},
    )


def _overall_status(results: Sequence[CheckResult]) -> OverallStatus:
    failed = [result for result in results if result.status == "error"]
    if any(result.critical for result in failed):
        return "error"
    return "degraded" if failed else "ok"


def _describe_failure(exc: Exception) -> str:
    if isinstance(exc, DependencyUnhealthyError):
        return redact_text(exc.detail_en)[:_MAX_ERROR_CHARS]
    return f"check failed ({type(exc).__name__})"


def _disk_usage(data_dir: Path) -> dict[str, Any] | None:
    try:
        disk = psutil.disk_usage(str(data_dir))
    except OSError:
        return None  # the directory does not exist yet (first start) or is unreadable
    return {
        "used_bytes": disk.used,
        "total_bytes": disk.total,
        "free_bytes": disk.free,
        "percent": disk.percent,
    }


def _check_body(check: CheckResult) -> dict[str, Any]:
    body = asdict(check)
    del body["name"]
    return body
