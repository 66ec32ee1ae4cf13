"""AppMetrics: isolated registries, LLM accounting and the text exposition."""

from __future__ import annotations

from autoforge.infrastructure.metrics import AppMetrics, render_latest


def test_two_instances_in_one_process_keep_separate_counts() -> None:
    first = AppMetrics()
    second = AppMetrics()

    first.observe_http_request(method="GET", route="/x", status=200, duration_s=0.01)

    labels = {"method": "GET", "route": "/x", "status": "200"}
    name = "autoforge_http_request_duration_seconds_count"
    assert first.registry.get_sample_value(name, labels) == 1
    assert second.registry.get_sample_value(name, labels) is None


def test_llm_calls_add_up_tokens_cost_and_latency() -> None:
    metrics = AppMetrics(include_process_metrics=False)
    labels = {"provider": "openai", "model": "gpt-4o-mini"}

    metrics.record_llm_call(
        **labels, status="ok", latency_s=0.4, tokens_in=120, tokens_out=30, cost_usd=0.002
    )
    metrics.record_llm_call(
        **labels, status="error", latency_s=1.5, tokens_in=0, tokens_out=0, cost_usd=None
    )

    value = metrics.registry.get_sample_value
    assert value("autoforge_llm_calls_total", {**labels, "status": "ok"}) == 1
    assert value("autoforge_llm_calls_total", {**labels, "status": "error"}) == 1
    assert value("autoforge_llm_tokens_total", {**labels, "direction": "in"}) == 120
    assert value("autoforge_llm_tokens_total", {**labels, "direction": "out"}) == 30
    assert value("autoforge_llm_cost_usd_total", labels) == 0.002
    assert value("autoforge_llm_request_duration_seconds_count", labels) == 2
    assert value("autoforge_llm_request_duration_seconds_sum", labels) == 1.9


def test_unknown_http_methods_share_one_label() -> None:
    metrics = AppMetrics(include_process_metrics=False)

    metrics.observe_http_request(method="BREW", route="/pot", status=405, duration_s=0.001)
    metrics.observe_http_request(method="get", route="/pot", status=200, duration_s=0.001)

    name = "autoforge_http_request_duration_seconds_count"
    value = metrics.registry.get_sample_value
    assert value(name, {"method": "OTHER", "route": "/pot", "status": "405"}) == 1
    assert value(name, {"method": "GET", "route": "/pot", "status": "200"}) == 1


def test_gauges_follow_the_latest_value() -> None:
    metrics = AppMetrics(include_process_metrics=False)

    metrics.set_job_queue_depth(queue="evaluation", depth=7)
    metrics.set_job_queue_depth(queue="evaluation", depth=3)

    value = metrics.registry.get_sample_value
    assert value("autoforge_job_queue_depth", {"queue": "evaluation"}) == 3


def test_render_latest_gives_prometheus_text_with_process_metrics() -> None:
    metrics = AppMetrics()
    metrics.set_job_queue_depth(queue="evaluation", depth=5)

    body, content_type = render_latest(metrics.registry)

    text = body.decode()
    assert content_type.startswith("text/plain")
    assert 'autoforge_job_queue_depth{queue="evaluation"} 5.0' in text.splitlines()
    assert "# TYPE autoforge_http_request_duration_seconds histogram" in text
    assert "process_resident_memory_bytes" in text
