"""Evaluating one model output against the assertions of a test.

`evaluate_test` runs every type; assertions that call a model (grader or embeddings)
run concurrently, a few at a time. `evaluate_test_sync` is the fast path for the
deterministic types and reports model-graded ones as ERROR results. Neither raises for
a bad assertion: each assertion's problem becomes its own ERROR result, and so does a
check that breaks on a hostile value (nesting deep enough to exhaust the stack, a
repeat count too big, a JSON Schema whose `$ref` loops or leads nowhere).

User-supplied regular expressions run through the ports' RegexEngine; the server's
has a time limit, past which the assertion is an ERROR result.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from autoforge.domain.evaluation.assertions.context import CheckInput
from autoforge.domain.evaluation.assertions.errors import CheckError
from autoforge.domain.evaluation.assertions.js import is_js_number, js_json_stringify
from autoforge.domain.evaluation.assertions.json_checks import JSON_CHECKS
from autoforge.domain.evaluation.assertions.model import (
    Assertion,
    AssertionResult,
    AssertionType,
    TestResult,
    Verdict,
)
from autoforge.domain.evaluation.assertions.model_graded import GRADED_CHECKS
from autoforge.domain.evaluation.assertions.parsing import parse_assertion
from autoforge.domain.evaluation.assertions.ports import AssertionPorts
from autoforge.domain.evaluation.assertions.rendering import render_metric, render_value
from autoforge.domain.evaluation.assertions.scoring import score_test
from autoforge.domain.evaluation.assertions.similarity import check_similar
from autoforge.domain.evaluation.assertions.text_checks import TEXT_CHECKS
from autoforge.domain.evaluation.assertions.xml_checks import XML_CHECKS

__all__ = ["DEFAULT_CONCURRENCY", "evaluate_test", "evaluate_test_sync", "output_text"]

DEFAULT_CONCURRENCY: Final = 3

# What a check may raise on a hostile value besides CheckError. Adapters raise
# ValueError (InvalidJsonSchemaError) or TimeoutError; the rest come from the language.
_CHECK_FAILURES: Final = (RecursionError, OverflowError, TimeoutError, ValueError, re.error)

_SYNC_CHECKS: Final[Mapping[AssertionType, Callable[[CheckInput], Verdict]]] = {
    **TEXT_CHECKS,
    **JSON_CHECKS,
    **XML_CHECKS,
}
_ASYNC_CHECKS: Final[Mapping[AssertionType, Callable[[CheckInput], Awaitable[Verdict]]]] = {
    **GRADED_CHECKS,
    AssertionType.SIMILAR: check_similar,
}


@dataclass(frozen=True, slots=True)
class _Case:
    """What every assertion of one test is checked against."""

    output: object
    output_text: str
    variables: Mapping[str, object]
    prompt: str | None
    cost: float | None
    latency_ms: float | None
    ports: AssertionPorts


async def evaluate_test(
    output: object,
    *,
    assertions: Sequence[object],
    variables: Mapping[str, object] | None = None,
    threshold: float | None = None,
    prompt: str | None = None,
    cost: float | None = None,
    latency_ms: float | None = None,
    ports: AssertionPorts | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
) -> TestResult:
    """Score `output` (text, or a JSON value) against raw assertions in promptfoo's format."""
    case = _Case(
        output,
        output_text(output),
        variables or {},
        prompt,
        cost,
        latency_ms,
        ports or AssertionPorts(),
    )
    limit = asyncio.Semaphore(max(1, max_concurrency))

    async def run(raw: object) -> AssertionResult:
        async with limit:
            return await _evaluate_async(raw, case)

    results = await asyncio.gather(*(run(raw) for raw in assertions))
    return score_test(results, threshold=threshold)


def evaluate_test_sync(
    output: object,
    *,
    assertions: Sequence[object],
    variables: Mapping[str, object] | None = None,
    threshold: float | None = None,
    cost: float | None = None,
    latency_ms: float | None = None,
    ports: AssertionPorts | None = None,
) -> TestResult:
    """The deterministic types only; a model-graded assertion becomes an ERROR result."""
    case = _Case(
        output,
        output_text(output),
        variables or {},
        None,
        cost,
        latency_ms,
        ports or AssertionPorts(),
    )
    return score_test([_evaluate_sync(raw, case) for raw in assertions], threshold=threshold)


def _evaluate_sync(raw: object, case: _Case) -> AssertionResult:
    try:
        assertion, check = _prepare(raw, case)
        if assertion.is_model_graded:
            raise CheckError(f'"{assertion.type}" calls a model; evaluate it with evaluate_test')
        return _result(check, _SYNC_CHECKS[assertion.base_type](check), case)
    except CheckError as error:
        return _error_result(raw, case, error)
    except _CHECK_FAILURES as error:
        return _error_result(raw, case, _as_check_error(error))


async def _evaluate_async(raw: object, case: _Case) -> AssertionResult:
    try:
        assertion, check = _prepare(raw, case)
        if assertion.is_model_graded:
            return _result(check, await _ASYNC_CHECKS[assertion.base_type](check), case)
        return _result(check, _SYNC_CHECKS[assertion.base_type](check), case)
    except CheckError as error:
        return _error_result(raw, case, error)
    except _CHECK_FAILURES as error:
        return _error_result(raw, case, _as_check_error(error))


def _as_check_error(error: Exception) -> CheckError:
    if isinstance(error, RecursionError):
        return CheckError("the value or the output is nested too deeply to check")
    if isinstance(error, TimeoutError):
        return CheckError(f"the check took too long: {error}")
    return CheckError(f"the check failed: {error}")


def _prepare(raw: object, case: _Case) -> tuple[Assertion, CheckInput]:
    assertion = parse_assertion(raw)
    check = CheckInput(
        assertion=assertion,
        value=render_value(assertion.value, case.variables),
        output=case.output,
        output_text=case.output_text,
        prompt=case.prompt,
        cost=case.cost,
        latency_ms=case.latency_ms,
        ports=case.ports,
    )
    return assertion, check


def output_text(output: object) -> str:
    """The output as promptfoo compares it: a string as is, anything else as JSON text."""
    return output if isinstance(output, str) else js_json_stringify(output)


def _result(check: CheckInput, verdict: Verdict, case: _Case) -> AssertionResult:
    assertion = check.assertion
    return AssertionResult(
        type=assertion.type,
        # weight 0 marks an informational assertion: reported, never failing the test.
        passed=verdict.passed or assertion.weight == 0,
        score=verdict.score,
        reason=verdict.reason,
        weight=assertion.weight,
        metric=render_metric(assertion.metric, case.variables),
    )


def _error_result(raw: object, case: _Case, error: CheckError) -> AssertionResult:
    fields = raw if isinstance(raw, Mapping) else {}
    type_name = fields.get("type")
    weight = fields.get("weight")
    metric = fields.get("metric")
    return AssertionResult(
        type=type_name if isinstance(type_name, str) and type_name else "unknown",
        passed=False,
        score=0.0,
        reason=f"Error: {error.message}",
        weight=float(weight) if is_js_number(weight) and weight >= 0 else 1.0,
        metric=render_metric(metric, case.variables) if isinstance(metric, str) else None,
        error=error.message,
        grader_output=error.grader_output,
    )
