"""POST /api/v1/assertions/check with hostile input: bounded time, no 500s, range checks."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import httpx
import pytest

CHECK = "/api/v1/assertions/check"
EVIL_TEXT = "a" * 40 + "b"


async def post(
    api: httpx.AsyncClient, output: object, *assertions: dict[str, Any]
) -> httpx.Response:
    return await api.post(CHECK, json={"output": output, "assert": list(assertions)})


async def test_a_catastrophic_regex_is_an_error_result_and_other_requests_keep_flowing(
    api: httpx.AsyncClient,
) -> None:
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(10):
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.05)

    started = time.perf_counter()
    response, _ = await asyncio.gather(
        post(api, EVIL_TEXT, {"type": "regex", "value": "^(a|a)*$"}), ticker()
    )

    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    body = response.json()
    assert body["pass"] is False
    assert "too long" in body["components"][0]["error"]
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.4


async def test_a_catastrophic_json_schema_pattern_is_an_error_result(
    api: httpx.AsyncClient,
) -> None:
    schema = {"type": "string", "pattern": "^(a|a)*$"}

    response = await post(api, f'"{EVIL_TEXT}"', {"type": "is-json", "value": schema})

    assert response.status_code == 200
    assert "too long" in response.json()["components"][0]["error"]


async def test_contains_json_on_a_wall_of_braces_answers_quickly(api: httpx.AsyncClient) -> None:
    started = time.perf_counter()

    response = await post(api, "{" * 50_000, {"type": "contains-json"})

    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert response.json()["pass"] is False


@pytest.mark.parametrize(
    "assertion",
    [
        {"type": "is-json", "value": {"$ref": "#/nope"}},
        {"type": "is-json", "value": {"$ref": "#"}},
        {"type": "regex", "value": "a{99999999999}"},
        {"type": "regex", "value": "(" * 10_000 + ")" * 10_000},
    ],
    ids=["unresolvable-ref", "self-ref", "huge-repeat", "deep-groups"],
)
async def test_an_assertion_that_cannot_run_is_a_422_naming_it(
    api: httpx.AsyncClient, assertion: dict[str, Any]
) -> None:
    response = await post(api, "x", {"type": "contains", "value": "x"}, assertion)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "INVALID_ASSERTION"
    assert body["assertion_index"] == 1


async def test_a_deeply_nested_equals_value_is_a_422(api: httpx.AsyncClient) -> None:
    # Past the 64-level limit, yet shallow enough that parsing the body itself never runs
    # into the interpreter's recursion limit (which coverage tracing lowers in effect).
    nested: object = 1
    for _ in range(200):
        nested = [nested]

    response = await post(api, "x", {"type": "equals", "value": nested})

    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_ASSERTION"


@pytest.mark.parametrize("threshold", [5, -1, 1.5])
async def test_a_test_threshold_outside_zero_to_one_is_a_422_naming_the_field(
    api: httpx.AsyncClient, threshold: float
) -> None:
    response = await api.post(
        CHECK,
        json={
            "output": "x",
            "assert": [{"type": "contains", "value": "x"}],
            "threshold": threshold,
        },
    )

    assert response.status_code == 422
    assert "threshold" in response.text


async def test_a_test_threshold_inside_the_range_is_applied(api: httpx.AsyncClient) -> None:
    response = await api.post(
        CHECK,
        json={
            "output": "x",
            "assert": [{"type": "contains", "value": "x"}, {"type": "contains", "value": "y"}],
            "threshold": 0.5,
        },
    )

    assert response.status_code == 200
    assert response.json()["pass"] is True
