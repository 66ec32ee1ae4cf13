"""Validation of a test case's assertions when it is saved.

Everything that can be known without an output is checked: the type, the keys, the
value's shape for the type, that a regex compiles, that a JSON Schema is valid, and
the thresholds, and that the value does not nest deeper than MAX_VALUE_DEPTH. A value
holding `{{ variables }}` is checked for template syntax only, since its content is
known once the variables are substituted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from autoforge.domain.evaluation.assertions.errors import AssertionSpecError, InvalidAssertionError
from autoforge.domain.evaluation.assertions.js import is_js_number, is_truthy
from autoforge.domain.evaluation.assertions.json_checks import json_schema
from autoforge.domain.evaluation.assertions.model import Assertion, AssertionType
from autoforge.domain.evaluation.assertions.model_graded import rubric_text
from autoforge.domain.evaluation.assertions.parsing import parse_assertion
from autoforge.domain.evaluation.assertions.ports import JsonSchemaValidator
from autoforge.domain.evaluation.assertions.rendering import is_templated, render_value
from autoforge.domain.evaluation.assertions.text_checks import regex_pattern
from autoforge.domain.evaluation.assertions.values import (
    contains_needle,
    needle_list,
    nesting_exceeds,
    nonempty_string,
    string_list,
    string_value,
    word_count_spec,
)
from autoforge.domain.evaluation.assertions.xml_checks import xml_requirements

__all__ = ["MAX_VALUE_DEPTH", "validate_assertion", "validate_assertions"]

# Checks walk values recursively; far deeper than any real test needs, far from the stack.
MAX_VALUE_DEPTH: Final = 64

_ValueRule = Callable[[object, str, JsonSchemaValidator | None], object]

_SCORE_TYPES: Final = frozenset(
    {AssertionType.ROUGE_N, AssertionType.BLEU, AssertionType.SIMILAR, AssertionType.LLM_RUBRIC}
)
_THRESHOLD_REQUIRED: Final = frozenset({AssertionType.COST, AssertionType.LATENCY})


def validate_assertions(
    raw_assertions: Sequence[object],
    *,
    test: str | int,
    schema_validator: JsonSchemaValidator | None = None,
) -> list[Assertion]:
    """Parse and check every assertion; InvalidAssertionError names the test and index.

    `test` is the test's description or index, as the caller wants it shown. Without a
    schema validator, JSON Schema values are checked for shape only.
    """
    parsed: list[Assertion] = []
    for index, raw in enumerate(raw_assertions):
        try:
            parsed.append(validate_assertion(raw, schema_validator=schema_validator))
        except AssertionSpecError as error:
            raise InvalidAssertionError(
                test=str(test), index=index, assertion_type=_type_of(raw), reason=error.message
            ) from error
        except (RecursionError, OverflowError) as error:
            raise InvalidAssertionError(
                test=str(test), index=index, assertion_type=_type_of(raw), reason=_why(error)
            ) from error
    return parsed


def _why(error: RecursionError | OverflowError) -> str:
    if isinstance(error, RecursionError):
        return "the value is nested too deeply to check"
    return f"a number in the value is too large: {error}"


def validate_assertion(
    raw: object, *, schema_validator: JsonSchemaValidator | None = None
) -> Assertion:
    """One assertion; AssertionSpecError says what is wrong with it."""
    assertion = parse_assertion(raw)
    _check_threshold(assertion)
    if nesting_exceeds(assertion.value, MAX_VALUE_DEPTH):
        raise AssertionSpecError(
            f'"{assertion.type}" value nests deeper than {MAX_VALUE_DEPTH} levels'
        )
    render_value(assertion.value, {})  # template syntax and file references
    if not is_templated(assertion.value):
        _VALUE_RULES.get(assertion.base_type, _no_rule)(
            assertion.value, assertion.type, schema_validator
        )
    return assertion


def _type_of(raw: object) -> str:
    type_name = raw.get("type") if isinstance(raw, Mapping) else None
    return type_name if isinstance(type_name, str) and type_name else "?"


def _check_threshold(assertion: Assertion) -> None:
    threshold = assertion.threshold
    if assertion.base_type in _THRESHOLD_REQUIRED and threshold is None:
        raise AssertionSpecError(f'"{assertion.type}" needs a threshold')
    if threshold is None:
        return
    if assertion.base_type in _SCORE_TYPES and not 0 <= threshold <= 1:
        raise AssertionSpecError(f'"{assertion.type}" threshold must be between 0 and 1')
    if threshold < 0:
        raise AssertionSpecError(f'"{assertion.type}" threshold must not be negative')


def _no_rule(_value: object, _kind: str, _validator: JsonSchemaValidator | None) -> None:
    return None


def _needles(value: object, kind: str, _validator: JsonSchemaValidator | None) -> None:
    if isinstance(value, list) and any(not _is_scalar(item) for item in value):
        raise AssertionSpecError(f'"{kind}" list items must be strings or numbers')
    if not needle_list(value, kind):
        raise AssertionSpecError(f'"{kind}" needs at least one item')


def _is_scalar(item: object) -> bool:
    return isinstance(item, str | bool) or is_js_number(item)


def _schema(value: object, kind: str, validator: JsonSchemaValidator | None) -> None:
    if validator is not None:
        json_schema(value, validator, kind)
    elif is_truthy(value) and not isinstance(value, str | Mapping):
        raise AssertionSpecError(f'"{kind}" value must be a JSON Schema object or its text')


def _xml(value: object, kind: str, _validator: JsonSchemaValidator | None) -> None:
    required = xml_requirements(value, kind)
    if required is not None and not all(required):
        raise AssertionSpecError(f'"{kind}" has an empty required element path')


def _ignoring_validator(
    reader: Callable[[object, str], object],
) -> _ValueRule:
    return lambda value, kind, _validator: reader(value, kind)


_VALUE_RULES: Final[Mapping[AssertionType, _ValueRule]] = {
    AssertionType.CONTAINS: _ignoring_validator(contains_needle),
    AssertionType.ICONTAINS: _ignoring_validator(contains_needle),
    AssertionType.CONTAINS_ANY: _needles,
    AssertionType.CONTAINS_ALL: _needles,
    AssertionType.ICONTAINS_ANY: _needles,
    AssertionType.ICONTAINS_ALL: _needles,
    AssertionType.STARTS_WITH: _ignoring_validator(nonempty_string),
    AssertionType.REGEX: _ignoring_validator(regex_pattern),
    AssertionType.WORD_COUNT: _ignoring_validator(word_count_spec),
    AssertionType.LEVENSHTEIN: _ignoring_validator(string_value),
    AssertionType.IS_JSON: _schema,
    AssertionType.CONTAINS_JSON: _schema,
    AssertionType.IS_XML: _xml,
    AssertionType.CONTAINS_XML: _xml,
    AssertionType.ROUGE_N: _ignoring_validator(string_value),
    AssertionType.BLEU: _ignoring_validator(string_list),
    AssertionType.SIMILAR: _ignoring_validator(string_list),
    AssertionType.LLM_RUBRIC: _ignoring_validator(rubric_text),
    AssertionType.FACTUALITY: _ignoring_validator(nonempty_string),
    AssertionType.MODEL_GRADED_CLOSEDQA: _ignoring_validator(nonempty_string),
}
