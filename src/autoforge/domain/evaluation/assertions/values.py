"""Reading assertion values: the shapes each type accepts, with promptfoo's coercions.

Each reader raises AssertionSpecError with a message naming the type, so the same
function serves validation on save and evaluation (where the error becomes an ERROR
result).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from autoforge.domain.evaluation.assertions.errors import AssertionSpecError
from autoforge.domain.evaluation.assertions.js import (
    JS_WHITESPACE,
    is_js_number,
    is_truthy,
    js_string,
    js_to_number,
    js_trim,
)

__all__ = [
    "WordCountSpec",
    "contains_needle",
    "needle_list",
    "nesting_exceeds",
    "nonempty_string",
    "parse_comma_separated",
    "string_list",
    "string_value",
    "word_count_spec",
]


def contains_needle(value: object, kind: str) -> str:
    """contains / icontains: a non-empty string or a number, as String(value)."""
    if isinstance(value, str) and value:
        return value
    if is_js_number(value) and not math.isnan(float(value)):
        return js_string(value)
    raise AssertionSpecError(f'"{kind}" needs a non-empty string or number value')


def needle_list(value: object, kind: str) -> list[str]:
    """The *-any / *-all types: a list, or a comma-separated string (quotes keep commas)."""
    if not is_truthy(value):
        raise AssertionSpecError(f'"{kind}" needs a value')
    if isinstance(value, str):
        return parse_comma_separated(value, kind)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [js_string(item) for item in value]
    raise AssertionSpecError(f'"{kind}" needs a list or a comma-separated string value')


def nonempty_string(value: object, kind: str) -> str:
    if isinstance(value, str) and value:
        return value
    raise AssertionSpecError(f'"{kind}" needs a non-empty string value')


def string_value(value: object, kind: str) -> str:
    if isinstance(value, str):
        return value
    raise AssertionSpecError(f'"{kind}" needs a string value')


def string_list(value: object, kind: str) -> list[str]:
    """A string or a non-empty list of strings (bleu references, similar candidates)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and value and all(isinstance(item, str) for item in value):
        return list(value)
    raise AssertionSpecError(f'"{kind}" needs a string or a non-empty list of strings')


def parse_comma_separated(text: str, kind: str) -> list[str]:
    """Split like promptfoo: fields trimmed, empty fields dropped, "a,b" kept whole."""
    fields: list[str] = []
    index = 0
    while index < len(text):
        index = _skip_separators(text, index)
        if index >= len(text):
            break
        if text[index] == '"':
            field, index = _quoted_field(text, index, kind)
            index = _skip_spaces(text, index)
            if index < len(text) and text[index] != ",":
                raise AssertionSpecError(f'"{kind}": expected a comma after a quoted field')
        else:
            end = text.find(",", index)
            end = len(text) if end == -1 else end
            field, index = js_trim(text[index:end]), end
        fields.append(field)
    return fields


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in JS_WHITESPACE:
        index += 1
    return index


def _skip_separators(text: str, index: int) -> int:
    index = _skip_spaces(text, index)
    while index < len(text) and text[index] == ",":
        index = _skip_spaces(text, index + 1)
    return index


def _quoted_field(text: str, start: int, kind: str) -> tuple[str, int]:
    """A field in double quotes; \\" and "" stand for a quote, \\\\ for a backslash."""
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following in ('"', "\\"):
            chars.append(following)
            index += 2
        elif char == '"' and following == '"':
            chars.append('"')
            index += 2
        elif char == '"':
            return "".join(chars), index + 1
        else:
            chars.append(char)
            index += 1
    raise AssertionSpecError(f'"{kind}": unterminated quoted field')


@dataclass(frozen=True, slots=True)
class WordCountSpec:
    """An exact count, or a range with either bound open."""

    exact: float | None = None
    minimum: float | None = None
    maximum: float | None = None


def word_count_spec(value: object, kind: str = "word-count") -> WordCountSpec:
    if isinstance(value, Mapping):
        return _word_count_range(value, kind)
    if is_js_number(value):
        return WordCountSpec(exact=float(value))
    if isinstance(value, str) and not math.isnan(js_to_number(value)):
        return WordCountSpec(exact=js_to_number(value))
    raise AssertionSpecError(f'"{kind}" needs a number or an object with "min" and/or "max"')


def _word_count_range(value: Mapping[object, object], kind: str) -> WordCountSpec:
    minimum, maximum = value.get("min"), value.get("max")
    if minimum is None and maximum is None:
        raise AssertionSpecError(f'"{kind}" object needs "min" and/or "max"')
    for bound in (minimum, maximum):
        if bound is not None and not is_js_number(bound):
            raise AssertionSpecError(f'"{kind}": "min" and "max" must be numbers')
    low = float(minimum) if is_js_number(minimum) else None
    high = float(maximum) if is_js_number(maximum) else None
    if low is not None and high is not None and low > high:
        raise AssertionSpecError(f'"{kind}": min ({minimum}) must not exceed max ({maximum})')
    return WordCountSpec(minimum=low, maximum=high)


def nesting_exceeds(value: object, limit: int) -> bool:
    """Whether objects and arrays nest deeper than `limit` in `value` (without recursing)."""
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, Mapping):
            children: Sequence[object] = list(node.values())
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
