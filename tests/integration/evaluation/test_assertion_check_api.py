"""POST /api/v1/assertions/check: promptfoo's results over HTTP, and model-graded types
through the real gateway against a local OpenAI-compatible server."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import shared_data
from tests.support.openai_stub import OpenAIStub

CHECK = "/api/v1/assertions/check"
TOLERANCE = 1e-6


def _cases() -> list[dict[str, Any]]:
    document = json.loads(shared_data("assertion_cases.json").read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = document["cases"]
    return cases


def _mismatches(case: dict[str, Any], body: dict[str, Any]) -> list[str]:
    expected = case["expected"]
    problems = []
    if body["pass"] is not expected["test_pass"]:
        problems.append(f"test pass {body['pass']}")
    if not math.isclose(body["score"], expected["test_score"], abs_tol=TOLERANCE):
        problems.append(f"test score {body['score']}")
    got = [(c["type"], c["pass"], c["score"]) for c in body["components"]]
    want = [(c["type"], c["pass"], c["score"]) for c in expected["components"]]
    if len(got) != len(want) or any(
        (g[0], g[1]) != (w[0], w[1]) or not math.isclose(g[2], w[2], abs_tol=TOLERANCE)
        for g, w in zip(got, want, strict=False)
    ):
        problems.append(f"components {got} != {want}")
    if body["named_scores"].keys() != expected["named_scores"].keys():
        problems.append(f"named scores {body['named_scores']}")
    return problems


async def test_every_conformance_case_gives_promptfoos_result_over_http(
    api: httpx.AsyncClient,
) -> None:
    cases = _cases()
    failures: dict[str, list[str]] = {}

    for case in cases:
        response = await api.post(
            CHECK,
            json={
                "output": case["output"],
                "vars": case["vars"],
                "assertions": case["assertions"],
                "threshold": case["test_threshold"],
            },
        )
        assert response.status_code == 200, (case["id"], response.text)
        problems = _mismatches(case, response.json())
        if problems:
            failures[case["id"]] = problems

    assert len(cases) == 85
    assert failures == {}


async def test_the_answer_names_each_assertions_reason_weight_and_metric(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(
        CHECK,
        json={
            "output": '回答: {"city": "東京"}',
            "vars": {"city": "東京"},
            "assertions": [
                {"type": "contains", "value": "{{city}}", "metric": "accuracy"},
                {"type": "is-json", "weight": 0},
                {"type": "contains-json", "value": {"required": ["city"]}, "metric": "format"},
                {"type": "cost", "threshold": 0.01},
                {"type": "latency", "threshold": 500},
            ],
            "cost": 0.002,
            "latency_ms": 900,
        },
    )

    body = response.json()
    assert response.status_code == 200, response.text
    assert [(c["type"], c["pass"]) for c in body["components"]] == [
        ("contains", True),
        ("is-json", True),  # informational: weight 0 never fails the test
        ("contains-json", True),
        ("cost", True),
        ("latency", False),
    ]
    assert body["components"][1]["score"] == 0
    assert body["pass"] is False
    assert body["named_scores"] == {"accuracy": 1.0, "format": 1.0}
    assert body["reason"] == "Latency 900ms is above threshold 500ms"


async def test_an_invalid_assertion_is_rejected_with_its_index(api: httpx.AsyncClient) -> None:
    response = await api.post(
        CHECK,
        json={"output": "x", "assertions": [{"type": "equals", "value": "x"}, {"type": "regex"}]},
    )

    body = response.json()
    assert (response.status_code, body["code"]) == (422, "INVALID_ASSERTION")
    assert (body["assertion_index"], body["assertion_type"]) == (1, "regex")


async def test_similar_without_an_embedding_model_is_an_error_never_a_pass(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(
        CHECK, json={"output": "hello", "assertions": [{"type": "similar", "value": "hello"}]}
    )

    body = response.json()
    assert response.status_code == 200, response.text
    component = body["components"][0]
    assert (body["pass"], component["pass"]) == (False, False)
    assert "embedding model" in component["error"]


@pytest.fixture(scope="module")
def openai_stub() -> Iterator[OpenAIStub]:
    with OpenAIStub(models=["stub-chat", "stub-embed"]) as stub:
        yield stub


@pytest.fixture
async def stub_api(api_factory: Callable[..., Any], openai_stub: OpenAIStub) -> httpx.AsyncClient:
    openai_stub.clear_requests()
    client: httpx.AsyncClient = await api_factory(
        openai_base_url=openai_stub.base_url,
        openai_compatible_api_key="stub-key",
        openai_compatible_models=["stub-chat"],
        openai_compatible_embedding_models=["stub-embed"],
        default_model="stub-chat",
    )
    return client


async def test_similar_uses_the_gateways_embedding_model(
    stub_api: httpx.AsyncClient, openai_stub: OpenAIStub
) -> None:
    response = await stub_api.post(
        CHECK,
        json={
            "output": "the same words",
            "assertions": [
                {"type": "similar", "value": "the same words"},
                {"type": "not-similar", "value": "the same words"},
            ],
        },
    )

    components = response.json()["components"]
    assert response.status_code == 200, response.text
    assert [(c["pass"], round(c["score"], 6), c["error"]) for c in components] == [
        (True, 1.0, None),
        (False, 0.0, None),
    ]
    assert {r.body.get("model") for r in openai_stub.requests if r.path.endswith("embeddings")} == {
        "stub-embed"
    }


async def test_llm_rubric_is_graded_by_the_default_model(
    stub_api: httpx.AsyncClient, openai_stub: OpenAIStub
) -> None:
    # The stub echoes the grading prompt, so a JSON verdict inside the output comes back.
    verdict = '{"reason": "polite enough", "pass": true, "score": 0.8}'

    response = await stub_api.post(
        CHECK,
        json={"output": verdict, "assertions": [{"type": "llm-rubric", "value": "is polite"}]},
    )

    component = response.json()["components"][0]
    assert response.status_code == 200, response.text
    assert (component["pass"], component["score"], component["reason"]) == (
        True,
        0.8,
        "polite enough",
    )
    chat = [r for r in openai_stub.requests if r.path.endswith("chat/completions")]
    assert [r.body["model"] for r in chat] == ["stub-chat"]
    assert chat[0].body.get("temperature") == 0


async def test_an_unparsable_grader_answer_is_an_error_that_keeps_the_raw_text(
    stub_api: httpx.AsyncClient,
) -> None:
    response = await stub_api.post(
        CHECK,
        json={"output": "no verdict here", "assertions": [{"type": "llm-rubric", "value": "x"}]},
    )

    component = response.json()["components"][0]
    assert (component["pass"], response.json()["pass"]) == (False, False)
    assert component["error"] is not None
    assert component["grader_output"].startswith("echo:")
