"""Prometheus metrics of one application instance.

Every metric lives on a registry owned by an `AppMetrics` instance instead of the client
library's global default, so several apps can be built in one process (tests, the API
and an embedded worker) without "duplicated timeseries" errors.

TODO: with several uvicorn worker processes each process exposes only its own counts;
aggregating them needs prometheus_client's multiprocess mode (a shared directory set
through PROMETHEUS_MULTIPROC_DIR), which is not wired yet.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

__all__ = ["AppMetrics", "render_latest"]

_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
_LLM_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)

# Methods outside this set are collapsed so a client cannot mint label values at will.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class AppMetrics:
    """The application's metrics and the registry that exposes them."""

    def __init__(
        self,
        *,
        registry: CollectorRegistry | None = None,
        namespace: str = "autoforge",
        include_process_metrics: bool = True,
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        if include_process_metrics:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)

        self.http_request_duration = Histogram(
            "http_request_duration_seconds",
            "Time from request start to response end, by route template.",
            ("method", "route", "status"),
            namespace=namespace,
            buckets=_HTTP_BUCKETS,
            registry=self.registry,
        )
        self.llm_calls = Counter(
            "llm_calls",
            "Calls to model providers, by outcome.",
            ("provider", "model", "status"),
            namespace=namespace,
            registry=self.registry,
        )
        self.llm_tokens = Counter(
            "llm_tokens",
            "Tokens sent to (in) and received from (out) model providers.",
            ("provider", "model", "direction"),
            namespace=namespace,
            registry=self.registry,
        )
        self.llm_cost = Counter(
            "llm_cost_usd",
            "Estimated spend on model providers in US dollars.",
            ("provider", "model"),
            namespace=namespace,
            registry=self.registry,
        )
        self.llm_latency = Histogram(
            "llm_request_duration_seconds",
            "Latency of model provider calls.",
            ("provider", "model"),
            namespace=namespace,
            buckets=_LLM_BUCKETS,
            registry=self.registry,
        )
        self.job_queue_depth = Gauge(
            "job_queue_depth",
            "Jobs waiting to be picked up, by queue.",
            ("queue",),
            namespace=namespace,
            registry=self.registry,
        )

    def observe_http_request(
        self, *, method: str, route: str, status: int, duration_s: float
    ) -> None:
        method = method.upper()
        method_label = method if method in _KNOWN_METHODS else "OTHER"
        self.http_request_duration.labels(method_label, route, str(status)).observe(duration_s)

    def record_llm_call(
        self,
        *,
        provider: str,
        model: str,
        status: str,
        latency_s: float,
        tokens_in: int = 0,
        tokens_out: int = 0,
        cost_usd: float | None = None,
    ) -> None:
        self.llm_calls.labels(provider, model, status).inc()
        self.llm_latency.labels(provider, model).observe(latency_s)
        # Counters only go up; a missing or zero figure (unknown price, failed call) adds nothing.
        if tokens_in > 0:
            self.llm_tokens.labels(provider, model, "in").inc(tokens_in)
        if tokens_out > 0:
            self.llm_tokens.labels(provider, model, "out").inc(tokens_out)
        if cost_usd is not None and cost_usd > 0:
            self.llm_cost.labels(provider, model).inc(cost_usd)

    def set_job_queue_depth(self, *, queue: str, depth: int) -> None:
        self.job_queue_depth.labels(queue).set(depth)


def render_latest(registry: CollectorRegistry) -> tuple[bytes, str]:
    """The registry in Prometheus text format, with the content type to serve it under."""
    return generate_latest(registry), CONTENT_TYPE_LATEST
