"""Hostile JSON: contains-json stays linear, and broken or looping schemas and deeply
nested values are refused on save and become ERROR results when evaluated."""

from __future__ import annotations

import time
from typing import Any

import pytest

from autoforge.domain.evaluation.assertions import (
    AssertionPorts,
    InvalidAssertionError,
    evaluate_test_sync,
    validate_assertions,
)
from autoforge.domain.evaluation.assertions.json_checks import extract_json_objects
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter
from autoforge.infrastructure.evaluation.safe_regex import SafeRegexEngine

ENGINE = SafeRegexEngine(timeout_s=0.5)
VALIDATOR = JsonSchemaAdapter(regex_engine=ENGINE)
PORTS = AssertionPorts(schema_validator=VALIDATOR, regex_engine=ENGINE)
BAD_SCHEMAS = {
    "unresolvable": {"$ref": "#/nope"},
    "nested-unresolvable": {"properties": {"a": {"$ref": "#/definitions/missing"}}},
    "self": {"$ref": "#"},
    "cycle": {"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/a"}}},
    "remote": {"$ref": "https://example.com/schema.json"},
}


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("output", ["{" * 50_000, '{"a":' * 20_000, "[" * 50_000 + "{}"])
def test_contains_json_on_hostile_text_finishes_quickly(output: str) -> None:
    started = time.perf_counter()

    result = evaluate_test_sync(output, assertions=[{"type": "contains-json"}], ports=PORTS)

    assert time.perf_counter() - started < 5
    assert result.passed is output.endswith("{}")


def test_contains_json_still_finds_objects_in_prose() -> None:
    text = 'See {"a": 1} and {"b": {"c": [1, 2]}} then {not json} and {"d": 4'

    assert extract_json_objects(text) == [{"a": 1}, {"b": {"c": [1, 2]}}, {"d": 4}]


@pytest.mark.parametrize("name", sorted(BAD_SCHEMAS))
def test_a_broken_or_looping_ref_is_refused_on_save(name: str) -> None:
    assertions = [
        {"type": "contains", "value": "x"},
        {"type": "is-json", "value": BAD_SCHEMAS[name]},
    ]

    with pytest.raises(InvalidAssertionError) as raised:
        validate_assertions(assertions, test="3 (refs)", schema_validator=VALIDATOR)

    assert raised.value.code == "INVALID_ASSERTION"
    assert (raised.value.test, raised.value.index) == ("3 (refs)", 1)


@pytest.mark.parametrize("name", sorted(BAD_SCHEMAS))
def test_a_broken_or_looping_ref_is_an_error_result_when_evaluated(name: str) -> None:
    result = evaluate_test_sync(
        '{"a": 1}',
        assertions=[
            {"type": "is-json", "value": BAD_SCHEMAS[name]},
            {"type": "contains", "value": "a"},
        ],
        ports=PORTS,
    )

    schema_result, contains_result = result.components
    assert schema_result.is_error
    assert contains_result.passed
    assert not result.passed


def test_a_recursive_schema_that_terminates_is_accepted() -> None:
    tree = {"type": "object", "properties": {"child": {"$ref": "#"}}}

    validate_assertions([{"type": "is-json", "value": tree}], test="0", schema_validator=VALIDATOR)
    result = evaluate_test_sync(
        '{"child": {"child": {}}}', assertions=[{"type": "is-json", "value": tree}], ports=PORTS
    )

    assert result.passed


def test_a_deeply_nested_equals_value_is_refused_on_save() -> None:
    with pytest.raises(InvalidAssertionError) as raised:
        validate_assertions([{"type": "equals", "value": deep(900)}], test="5")

    assert raised.value.index == 0
    assert "deeper" in raised.value.reason


def test_a_deeply_nested_equals_value_is_an_error_result_when_evaluated() -> None:
    output = "[" * 900 + "1" + "]" * 900

    result = evaluate_test_sync(
        output,
        assertions=[{"type": "equals", "value": deep(900)}, {"type": "contains", "value": "1"}],
    )

    assert result.components[0].is_error or not result.components[0].passed
    assert result.components[1].passed
    assert not result.passed
