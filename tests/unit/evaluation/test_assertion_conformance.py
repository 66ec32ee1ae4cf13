"""The engine reproduces what promptfoo 0.123.1 itself gave for the shared conformance cases."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from autoforge.domain.evaluation.assertions import AssertionPorts, evaluate_test, evaluate_test_sync
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter

CASES_FILE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "assertion_cases.json"
TOLERANCE = 1e-6


def _cases() -> list[dict[str, Any]]:
    document = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    assert document["promptfoo_version"] == "0.123.1"
    cases: list[dict[str, Any]] = document["cases"]
    return cases


CASES = _cases()
PORTS = AssertionPorts(schema_validator=JsonSchemaAdapter())


def test_the_conformance_file_holds_all_85_cases() -> None:
    assert len(CASES) == 85
    assert len({case["id"] for case in CASES}) == 85


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_engine_matches_promptfoo(case: dict[str, Any]) -> None:
    result = evaluate_test_sync(
        case["output"],
        assertions=case["assertions"],
        variables=case["vars"],
        threshold=case["test_threshold"],
        ports=PORTS,
    )
    expected = case["expected"]

    got = [(c.type, c.passed, c.score) for c in result.components]
    assert [c.error for c in result.components] == [None] * len(got)
    assert len(got) == len(expected["components"])
    for (kind, passed, score), want in zip(got, expected["components"], strict=True):
        assert (kind, passed) == (want["type"], want["pass"])
        assert math.isclose(score, want["score"], abs_tol=TOLERANCE), (kind, score, want)
    assert result.passed is expected["test_pass"]
    assert math.isclose(result.score, expected["test_score"], abs_tol=TOLERANCE)
    assert result.named_scores.keys() == expected["named_scores"].keys()
    for metric, value in expected["named_scores"].items():
        assert math.isclose(result.named_scores[metric], value, abs_tol=TOLERANCE)


@pytest.mark.parametrize("case", CASES[::10], ids=[case["id"] for case in CASES[::10]])
async def test_async_and_sync_paths_agree(case: dict[str, Any]) -> None:
    arguments = {
        "assertions": case["assertions"],
        "variables": case["vars"],
        "threshold": case["test_threshold"],
        "ports": PORTS,
    }
    synchronous = evaluate_test_sync(case["output"], **arguments)
    asynchronous = await evaluate_test(case["output"], **arguments)
    assert asynchronous == synchronous
