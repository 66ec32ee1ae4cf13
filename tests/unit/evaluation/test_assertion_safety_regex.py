"""User-supplied regular expressions run with a time limit and never stall the server."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest

from autoforge.domain.evaluation.assertions import (
    AssertionPorts,
    InvalidAssertionError,
    TestResult,
    evaluate_test_sync,
    validate_assertions,
)
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter
from autoforge.infrastructure.evaluation.safe_regex import SafeRegexEngine

ENGINE = SafeRegexEngine(timeout_s=0.5)
SAFE_PORTS = AssertionPorts(
    schema_validator=JsonSchemaAdapter(regex_engine=ENGINE), regex_engine=ENGINE
)
# On `re` each of these backtracks for far longer than 10 s; `regex` times out on them.
EVIL_TEXT = "a" * 40 + "b"
EVIL_PATTERNS = ["^(a|a)*$", "^(a|aa)+$"]


def check(output: object, *assertions: dict[str, Any]) -> TestResult:
    return evaluate_test_sync(output, assertions=list(assertions), ports=SAFE_PORTS)


@pytest.mark.parametrize("pattern", EVIL_PATTERNS)
def test_a_catastrophic_regex_is_an_error_result_within_the_time_limit(pattern: str) -> None:
    started = time.perf_counter()

    result = check(
        EVIL_TEXT, {"type": "regex", "value": pattern}, {"type": "contains", "value": "a"}
    )

    assert time.perf_counter() - started < 3
    regex_result, contains_result = result.components
    assert regex_result.is_error
    assert not regex_result.passed
    assert "too long" in (regex_result.error or "")
    assert contains_result.passed
    assert not contains_result.is_error
    assert not result.passed


def test_a_catastrophic_not_regex_is_an_error_too_never_a_pass() -> None:
    result = check(EVIL_TEXT, {"type": "not-regex", "value": "^(a|a)*$"})

    assert result.components[0].is_error
    assert not result.passed


def test_nested_quantifiers_answer_at_once_on_the_safe_engine() -> None:
    started = time.perf_counter()

    result = check("a" * 27 + "b", {"type": "regex", "value": "(a+)+$"})

    assert time.perf_counter() - started < 2
    assert not result.passed
    assert not result.components[0].is_error
    assert check("aaa", {"type": "regex", "value": "(a+)+$"}).passed


def test_an_ordinary_regex_still_matches_through_the_safe_engine() -> None:
    result = check("Order 1234 shipped", {"type": "regex", "value": "\\d{4}\\s"})

    assert result.passed
    assert check("no digits", {"type": "regex", "value": "\\d"}).passed is False


def test_the_stdlib_default_matches_when_no_engine_is_given() -> None:
    result = evaluate_test_sync("abc", assertions=[{"type": "regex", "value": "^a.c$"}])

    assert result.passed


async def test_a_running_check_leaves_the_event_loop_free() -> None:
    ticks: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.05)

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    result = await asyncio.to_thread(check, EVIL_TEXT, {"type": "regex", "value": "^(a|a)*$"})
    elapsed = time.perf_counter() - started
    stop.set()
    await ticking

    assert result.components[0].is_error
    assert elapsed < 3
    # About one tick per 50 ms while the regex ran: the GIL was released.
    assert len(ticks) >= int(elapsed / 0.05) // 2
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.4


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "pattern": "^(a|a)*$"},
        {"type": "object", "patternProperties": {"^(a|a)*$": {"type": "string"}}},
        {"type": "object", "patternProperties": {"^(a|a)*$": {}}, "additionalProperties": False},
    ],
)
def test_a_catastrophic_json_schema_pattern_is_an_error_result(schema: dict[str, Any]) -> None:
    output = f'"{EVIL_TEXT}"' if "pattern" in schema else {EVIL_TEXT: 1}
    started = time.perf_counter()

    result = check(output, {"type": "is-json", "value": schema})

    assert time.perf_counter() - started < 3
    assert result.components[0].is_error
    assert "too long" in (result.components[0].error or "")


def test_json_schema_patterns_still_validate() -> None:
    schema = {
        "type": "object",
        "patternProperties": {"^x_": {"type": "integer"}},
        "additionalProperties": False,
        "properties": {"name": {"type": "string", "pattern": "^[A-Z]"}},
    }

    assert check({"name": "Ann", "x_1": 2}, {"type": "is-json", "value": schema}).passed
    assert not check({"name": "ann"}, {"type": "is-json", "value": schema}).passed
    assert not check({"name": "Ann", "x_1": "2"}, {"type": "is-json", "value": schema}).passed
    assert not check({"name": "Ann", "y": 1}, {"type": "is-json", "value": schema}).passed


@pytest.mark.parametrize(
    "pattern", ["a{99999999999}", "(" * 10_000 + ")" * 10_000, "(a"], ids=["huge", "deep", "open"]
)
def test_a_pattern_that_cannot_compile_is_refused_on_save(pattern: str) -> None:
    with pytest.raises(InvalidAssertionError) as raised:
        validate_assertions(
            [{"type": "contains", "value": "x"}, {"type": "regex", "value": pattern}], test="t7"
        )

    assert raised.value.code == "INVALID_ASSERTION"
    assert (raised.value.test, raised.value.index) == ("t7", 1)


@pytest.mark.parametrize("pattern", ["a{99999999999}", "(" * 10_000 + ")" * 10_000])
def test_a_pattern_that_cannot_compile_is_an_error_result_when_evaluated(pattern: str) -> None:
    result = check("aaa", {"type": "regex", "value": pattern}, {"type": "contains", "value": "a"})

    assert result.components[0].is_error
    assert result.components[1].passed


@pytest.mark.parametrize("pattern", ["a{99999999999}", "(" * 5_000 + ")" * 5_000])
def test_a_json_schema_pattern_that_cannot_compile_is_refused_on_save(pattern: str) -> None:
    schema = {"type": "string", "pattern": pattern}

    with pytest.raises(InvalidAssertionError) as raised:
        validate_assertions(
            [{"type": "is-json", "value": schema}],
            test="t2",
            schema_validator=SAFE_PORTS.schema_validator,
        )

    assert raised.value.index == 0


def test_the_safe_engine_refuses_a_non_positive_time_limit() -> None:
    with pytest.raises(ValueError, match="positive"):
        SafeRegexEngine(timeout_s=0)
