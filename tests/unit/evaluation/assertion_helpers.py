"""Shared helpers for the assertion engine tests."""

from __future__ import annotations

from typing import Any

from autoforge.domain.evaluation.assertions import (
    AssertionPorts,
    AssertionResult,
    evaluate_test,
    evaluate_test_sync,
)
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter

SCHEMA_PORTS = AssertionPorts(schema_validator=JsonSchemaAdapter())


def check(output: object, assertion: dict[str, Any], **options: Any) -> AssertionResult:
    """The result of one deterministic assertion against `output`."""
    options.setdefault("ports", SCHEMA_PORTS)
    result = evaluate_test_sync(output, assertions=[assertion], **options)
    (component,) = result.components
    return component


async def check_async(output: object, assertion: dict[str, Any], **options: Any) -> AssertionResult:
    """The result of one assertion of any type against `output`."""
    result = await evaluate_test(output, assertions=[assertion], **options)
    (component,) = result.components
    return component


def passes(output: object, assertion: dict[str, Any], **options: Any) -> bool:
    """Whether the assertion passes; an ERROR result is a test failure, not False."""
    result = check(output, assertion, **options)
    assert result.error is None, result.error
    return result.passed
