"""JavaScript semantics the engine reproduces in Python.

The regex expectations below were taken from Node.js 20 (`new RegExp(p).test(s)`).
"""

from __future__ import annotations

import pytest

from autoforge.domain.evaluation.assertions.js import (
    JsonParseError,
    js_deep_equal,
    js_json_stringify,
    js_string,
    js_to_number,
    js_trim,
    parse_json,
)
from autoforge.domain.evaluation.assertions.js_regex import JsRegexError, compile_js_regex

NODE_REGEX_RESULTS = [
    (r"(?<=\$)\d+", "Total: $42", True),
    ("first$", "first\n", False),
    ("a.b", "a\rb", False),
    (r"a[\s\S]b", "a\nb", True),
    (r"\s", "\ufeff", True),
    (r"\s", "\u0085", False),
    (r"\w", "é", False),
    (r"\d", "\u0663", False),
    ("[]", "x", False),
    ("[^]", "\n", True),
    ("[a-z&&[b]]", "&]", True),
    ("[a-z&&[b]]", "&", False),
    ("x{,3}", "x{,3}", True),
    ("a{", "a{", True),
    (r"\p{L}", "p{L}", True),
    (r"\A", "A", True),
    (r"\8", "8", True),
    (r"\12", "\n", True),
    (r"\cJ", "\n", True),
    (r"[\c1]", "\u0011", True),
    (r"\x41\x4", "Ax4", True),
    (r"\uD83C\uDF55", "🍕", True),
    (r"(a)|\1b", "b", True),
    (r"\1(a)", "a", True),
    (r"(?<n>a)\k<n>", "aa", True),
    (r"[\d-z]", "-", True),
    (r"[^\S]", "\u00a0", True),
    (r"[^a\S]", "a", False),
    ("a??b", "ab", True),
    (r"(?:a|b)+?c", "abc", True),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), NODE_REGEX_RESULTS)
def test_regex_matches_like_javascript(pattern: str, text: str, expected: bool) -> None:
    assert (compile_js_regex(pattern).search(text) is not None) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        "a**",
        "a++",
        "a{2}+",
        "a{3,2}",
        "(?P<x>a)",
        "(?i)a",
        "(?#c)",
        "(?>a)",
        "[a",
        "a\\",
        r"\k<m>(?<n>a)",
    ],
)
def test_patterns_javascript_rejects_are_rejected(pattern: str) -> None:
    with pytest.raises(JsRegexError):
        compile_js_regex(pattern)


def test_astral_characters_are_one_character_here_unlike_javascript() -> None:
    # Documented difference: JavaScript without the u flag sees two UTF-16 units.
    assert compile_js_regex("^.$").search("🍕") is not None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.0, "2"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (2**60, "1152921504606847000"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (True, "true"),
        (None, "null"),
        ([1, None, [2, 3]], "1,,2,3"),
        ({"a": 1}, "[object Object]"),
    ],
)
def test_string_conversion_follows_javascript(value: object, text: str) -> None:
    assert js_string(value) == text


def test_json_stringify_is_compact_with_javascript_numbers() -> None:
    assert (
        js_json_stringify({"a": [1.0, None, "é\n"], "b": float("nan")})
        == '{"a":[1,null,"é\\n"],"b":null}'
    )


@pytest.mark.parametrize(
    ("text", "number"), [("", 0.0), (" 12 ", 12.0), ("0x1F", 31.0), (".5", 0.5), ("1e3", 1000.0)]
)
def test_number_conversion_follows_javascript(text: str, number: float) -> None:
    assert js_to_number(text) == number


@pytest.mark.parametrize("text", ["1_000", "inf", "abc", "1e"])
def test_number_conversion_gives_nan_where_javascript_does(text: str) -> None:
    assert js_to_number(text) != js_to_number(text)


def test_trim_uses_javascript_whitespace() -> None:
    assert js_trim("\ufeff\u3000 x \u2028") == "x"
    assert js_trim("\x1cx") == "\x1cx"


def test_parse_json_rejects_what_json_parse_rejects_and_survives_deep_nesting() -> None:
    for text in ["NaN", "[Infinity]", "{'a': 1}", "[1,]", "\ufeff{}"]:
        with pytest.raises(JsonParseError):
            parse_json(text)
    with pytest.raises(JsonParseError):
        parse_json("[" * 100_000 + "]" * 100_000)


def test_deep_equality_keeps_booleans_and_numbers_apart() -> None:
    assert js_deep_equal({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not js_deep_equal({"a": True}, {"a": 1})
    assert not js_deep_equal([], {})
    assert not js_deep_equal(None, {})
    assert not js_deep_equal({"a": 1}, {"a": 1, "b": 2})
