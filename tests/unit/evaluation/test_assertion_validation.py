"""Validation on save: a broken assertion is an INVALID_ASSERTION error naming test and index."""

from __future__ import annotations

from typing import Any

import pytest

from autoforge.domain.errors import InvalidInputError
from autoforge.domain.evaluation.assertions import (
    AssertionType,
    InvalidAssertionError,
    validate_assertions,
)
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter

VALIDATOR = JsonSchemaAdapter()


def rejection(
    assertion: dict[str, Any], *, test: str | int = "greets politely"
) -> InvalidAssertionError:
    with pytest.raises(InvalidAssertionError) as caught:
        validate_assertions(
            [{"type": "contains", "value": "ok"}, assertion], test=test, schema_validator=VALIDATOR
        )
    return caught.value


def test_valid_assertions_are_returned_parsed() -> None:
    parsed = validate_assertions(
        [
            {"type": "not-contains", "value": "error", "weight": 2, "metric": "safety"},
            {"type": "regex", "value": r"^\d+$"},
            {"type": "is-json", "value": "required: [a]"},
            {"type": "similar", "value": ["a", "b"], "threshold": 0.8},
        ],
        test=0,
        schema_validator=VALIDATOR,
    )
    assert [(a.base_type, a.inverse) for a in parsed] == [
        (AssertionType.CONTAINS, True),
        (AssertionType.REGEX, False),
        (AssertionType.IS_JSON, False),
        (AssertionType.SIMILAR, False),
    ]
    assert (parsed[0].weight, parsed[0].metric) == (2.0, "safety")


def test_error_is_an_invalid_input_error_naming_test_and_index() -> None:
    error = rejection({"type": "regex", "value": "(unclosed"}, test="greets politely")
    assert isinstance(error, InvalidInputError)
    assert error.instance_code == "INVALID_ASSERTION"
    assert error.status == 422
    assert error.extra["test"] == "greets politely"
    assert error.extra["assertion_index"] == 1
    assert error.extra["assertion_type"] == "regex"
    assert "greets politely" in error.detail("en")
    assert "アサーション 1" in error.detail("ja")


def test_test_index_may_name_the_test() -> None:
    assert rejection({"type": "nope"}, test=3).extra["test"] == "3"


@pytest.mark.parametrize(
    ("assertion", "fragment"),
    [
        ({"type": "regex", "value": "a**"}, "Nothing to repeat"),
        ({"type": "regex", "value": "(?P<x>a)"}, "Invalid group"),
        ({"type": "is-json", "value": {"type": "nope"}}, "invalid JSON Schema"),
        ({"type": "contains-json", "value": "type: [unclosed"}, "neither JSON nor YAML"),
        ({"type": "is-json", "value": [1]}, "JSON Schema"),
        ({"type": "no-such-type"}, "unknown assertion type"),
        ({"type": "javascript", "value": "output.length > 3"}, "user-supplied code"),
        ({"type": "not-python", "value": "True"}, "user-supplied code"),
        ({"type": "contains", "value": "x", "transform": "output.trim()"}, "user-supplied code"),
        ({"type": "contains", "value": "x", "provider": "openai"}, "unsupported key"),
        ({"type": "contains", "value": ""}, "non-empty string or number"),
        ({"type": "contains-any", "value": []}, "at least one item"),
        ({"type": "contains-any"}, "needs a value"),
        ({"type": "contains-all", "value": ","}, "at least one item"),
        ({"type": "contains-any", "value": [{"a": 1}]}, "strings or numbers"),
        ({"type": "word-count", "value": {"min": 9, "max": 1}}, "must not exceed"),
        ({"type": "levenshtein", "value": 5}, "string value"),
        ({"type": "levenshtein", "value": "x", "threshold": -1}, "negative"),
        ({"type": "bleu", "value": "x", "threshold": 1.5}, "between 0 and 1"),
        ({"type": "similar", "value": []}, "non-empty list"),
        ({"type": "cost"}, "needs a threshold"),
        ({"type": "latency", "threshold": "fast"}, "finite number"),
        ({"type": "contains", "value": "x", "weight": -1}, "negative"),
        ({"type": "contains", "value": "x", "weight": True}, "finite number"),
        ({"type": "contains", "value": "x", "metric": 3}, "metric"),
        ({"type": "is-xml", "value": "a,,b"}, "empty required element"),
        ({"type": "llm-rubric"}, "non-empty string"),
        ({"type": "factuality", "value": ""}, "non-empty string"),
        ({"type": "contains", "value": "file://secrets.txt"}, "references are not supported"),
        ({"type": "contains", "value": "{% if x %}y{% endif %}"}, "not supported"),
        ({"type": "contains", "value": "{{ x | shell }}"}, "unsupported template filter"),
        ({"value": "x"}, '"type"'),
    ],
)
def test_invalid_assertions_are_rejected_with_a_reason(
    assertion: dict[str, Any], fragment: str
) -> None:
    assert fragment in rejection(assertion).reason


def test_templated_values_are_checked_for_syntax_only() -> None:
    parsed = validate_assertions(
        [
            {"type": "regex", "value": "^{{ pattern }}$"},
            {"type": "contains", "value": "{{ city }}"},
        ],
        test="t",
    )
    assert len(parsed) == 2


def test_schema_shape_is_checked_even_without_a_validator() -> None:
    with pytest.raises(InvalidAssertionError):
        validate_assertions([{"type": "is-json", "value": 5}], test="t")
    assert validate_assertions([{"type": "is-json", "value": {"type": "nope"}}], test="t")


def test_unknown_type_message_lists_the_supported_types() -> None:
    reason = rejection({"type": "similar:dot"}).reason
    assert "contains-any" in reason
    assert "model-graded-closedqa" in reason
