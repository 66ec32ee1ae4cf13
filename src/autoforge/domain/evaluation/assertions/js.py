"""JavaScript value semantics the assertions depend on.

promptfoo compares strings the way JavaScript does, so the engine needs a few of its
rules in Python: how `String(x)` and `JSON.stringify` print numbers (`2.0` is "2"),
which characters `trim()` and `/\\s/` treat as whitespace (not the same set as
`str.strip()`), what `JSON.parse` accepts (no NaN), and what `util.isDeepStrictEqual`
considers equal (`true` is not `1`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Final, TypeGuard

__all__ = [
    "JS_WHITESPACE",
    "UNDEFINED",
    "JsonParseError",
    "Undefined",
    "is_js_number",
    "is_truthy",
    "js_deep_equal",
    "js_json_stringify",
    "js_number_to_string",
    "js_split_whitespace",
    "js_string",
    "js_to_number",
    "js_trim",
    "parse_json",
]


class Undefined(Enum):
    """JavaScript's `undefined`: an assertion without a `value` key, a missing variable."""

    UNDEFINED = "undefined"


UNDEFINED: Final = Undefined.UNDEFINED

# WhiteSpace and LineTerminator of ECMAScript: what trim() removes and /\s/ matches.
JS_WHITESPACE: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WHITESPACE_RUN = re.compile(f"[{re.escape(JS_WHITESPACE)}]+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}

# Integers longer than this are parsed as floats, as JavaScript would, instead of
# hitting Python's limit on converting very long digit strings.
_MAX_INT_DIGITS = 300


class JsonParseError(ValueError):
    """The text is not JSON as JavaScript's JSON.parse understands it."""


def is_js_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_truthy(value: object) -> bool:
    """JavaScript truthiness: empty string, 0, NaN, null and undefined are false."""
    if value is None or value is UNDEFINED:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if isinstance(value, str | int | float):
        return bool(value)
    return True


def js_trim(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def js_split_whitespace(text: str) -> list[str]:
    """`text.split(/\\s+/)`: like re.split, an empty string gives one empty field."""
    return _WHITESPACE_RUN.split(text)


def js_to_number(text: str) -> float:
    """Number(text) for a string: NaN when JavaScript would give NaN."""
    text = js_trim(text)
    if not text:
        return 0.0
    radix = _RADIX.get(text[:2].lower())
    if radix is not None:
        try:
            return float(int(text[2:], radix))
        except ValueError:
            return math.nan
    if _DECIMAL.fullmatch(text) is None:
        return math.nan
    return float(text.replace("Infinity", "inf"))


def js_number_to_string(number: float) -> str:
    """Number.prototype.toString(): shortest round-trip digits, JavaScript's layout."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    digits, point = _shortest_digits(abs(number))
    return sign + _layout(digits, point)


def _shortest_digits(number: float) -> tuple[str, int]:
    """Digits of repr(number) without trailing zeros, and where the decimal point falls."""
    parts = Decimal(repr(number)).as_tuple()
    digits = "".join(str(digit) for digit in parts.digits)
    exponent = int(parts.exponent)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    stripped = stripped.lstrip("0")
    return stripped, len(stripped) + exponent


def _layout(digits: str, point: int) -> str:
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return f"{digits[:point]}.{digits[point:]}"
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    mark = "+" if exponent >= 0 else "-"
    mantissa = digits if count == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{mark}{abs(exponent)}"


def _number_text(number: int | float) -> str:
    try:
        return js_number_to_string(float(number))
    except OverflowError:
        return "Infinity" if number > 0 else "-Infinity"


def js_string(value: object) -> str:
    """String(value) for JSON-like values."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "[object Object]"
    if isinstance(value, Sequence):
        return ",".join("" if item in (None, UNDEFINED) else js_string(item) for item in value)
    return _primitive_text(value)


def _primitive_text(value: object) -> str:
    if value is None or value is UNDEFINED:
        return "null" if value is None else "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value)


def js_json_stringify(value: object) -> str:
    """JSON.stringify(value) without spacing, numbers printed as JavaScript prints them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        members = (f"{js_json_stringify(str(k))}:{js_json_stringify(v)}" for k, v in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(js_json_stringify(item) for item in value) + "]"
    text = _primitive_text(value)
    # JSON has no NaN, Infinity or undefined; JSON.stringify writes null for them.
    return "null" if text in {"NaN", "Infinity", "-Infinity", "undefined"} else text


def _reject_constant(name: str) -> float:
    raise JsonParseError(f"{name} is not valid JSON")


def _parse_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else float(digits)


def parse_json(text: str) -> object:
    """JSON.parse(text); raises JsonParseError for anything JavaScript would reject."""
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except (ValueError, RecursionError) as error:
        # RecursionError: absurdly deep nesting is treated as not JSON, not as a crash.
        raise JsonParseError(str(error)) from error


def js_deep_equal(left: object, right: object) -> bool:
    """util.isDeepStrictEqual for values parsed from JSON (true is not 1, 1 is 1.0)."""
    if _family(left) != _family(right):
        return False
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(js_deep_equal(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(js_deep_equal, left, right))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return _same_number(left, right)
    return left == right


def _family(value: object) -> str:
    """The JavaScript type of a JSON value; bool comes first, since True is an int here."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Sequence):
        return "array"
    return "null" if value is None else "other"


def _same_number(left: float, right: float) -> bool:
    try:
        return float(left) == float(right)
    except OverflowError:
        return left == right
