"""Reading one assertion as stored in a test case (promptfoo's format) into an Assertion."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from autoforge.domain.evaluation.assertions.errors import AssertionSpecError
from autoforge.domain.evaluation.assertions.js import UNDEFINED, is_js_number
from autoforge.domain.evaluation.assertions.model import Assertion, AssertionType

__all__ = ["ALLOWED_KEYS", "SUPPORTED_TYPES", "parse_assertion", "split_type"]

ALLOWED_KEYS: Final = frozenset({"type", "value", "threshold", "weight", "metric"})
SUPPORTED_TYPES: Final = tuple(sorted(member.value for member in AssertionType))

# promptfoo types that run code the user supplies: never on this server.
_CODE_TYPES: Final = frozenset({"javascript", "python", "ruby", "webhook"})
_CODE_KEYS: Final = frozenset({"transform", "contextTransform"})
_NOT_PREFIX: Final = "not-"


def split_type(type_name: str) -> tuple[str, bool]:
    """("contains", True) for "not-contains"."""
    if type_name.startswith(_NOT_PREFIX):
        return type_name[len(_NOT_PREFIX) :], True
    return type_name, False


def parse_assertion(raw: object) -> Assertion:
    """Parse one raw assertion; AssertionSpecError says what is wrong with it."""
    if not isinstance(raw, Mapping):
        raise AssertionSpecError("an assertion must be an object with a type")
    type_name = raw.get("type")
    if not isinstance(type_name, str) or not type_name:
        raise AssertionSpecError('an assertion needs a "type"')
    base_type = _base_type(type_name)
    _check_keys(raw)
    metric = raw.get("metric")
    if metric is not None and not isinstance(metric, str):
        raise AssertionSpecError('"metric" must be a string')
    return Assertion(
        type=type_name,
        base_type=base_type,
        inverse=split_type(type_name)[1],
        value=raw.get("value", UNDEFINED),
        threshold=_number(raw, "threshold"),
        weight=_weight(raw),
        metric=metric or None,
    )


def _base_type(type_name: str) -> AssertionType:
    base, _ = split_type(type_name)
    if base in _CODE_TYPES:
        raise AssertionSpecError(
            f'"{type_name}" runs user-supplied code, which this server never does; '
            "express the check with the built-in types"
        )
    try:
        return AssertionType(base)
    except ValueError:
        raise AssertionSpecError(
            f'unknown assertion type "{type_name}"; supported: {", ".join(SUPPORTED_TYPES)} '
            '(each also with the "not-" prefix)'
        ) from None


def _check_keys(raw: Mapping[object, object]) -> None:
    for key in raw:
        if key in _CODE_KEYS:
            raise AssertionSpecError(
                f'"{key}" runs user-supplied code, which this server never does'
            )
        if key not in ALLOWED_KEYS:
            raise AssertionSpecError(
                f'unsupported key "{key}" (allowed: {", ".join(sorted(ALLOWED_KEYS))})'
            )


def _number(raw: Mapping[object, object], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if not is_js_number(value) or not math.isfinite(value):
        raise AssertionSpecError(f'"{key}" must be a finite number')
    return float(value)


def _weight(raw: Mapping[object, object]) -> float:
    weight = _number(raw, "weight")
    if weight is None:
        return 1.0
    if weight < 0:
        raise AssertionSpecError('"weight" must not be negative')
    return weight
