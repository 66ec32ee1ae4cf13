"""Substitution of test variables into assertion values: `{{ var }}` as promptfoo does.

promptfoo renders values with Nunjucks, a template language that can call code. This
product accepts only the part assertions need: `{{ name }}`, `{{ a.b }}`, `{{ a[0] }}`
and a fixed set of pure filters (`{{ name | upper }}`). Nothing else runs: statements
(`{% %}`) are an error rather than literal text, and there is no `env` global, so a
test case cannot read the server's environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from autoforge.domain.evaluation.assertions.js import (
    UNDEFINED,
    js_json_stringify,
    js_string,
    js_trim,
    parse_json,
)

__all__ = ["FILTERS", "TemplateError", "has_template", "render_template"]

_TAG = re.compile(r"\{\{(-?)(.*?)(-?)\}\}", re.DOTALL)
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_PATH_START = re.compile(r"\s*([A-Za-z_]\w*)")
_PATH_STEP = re.compile(r"\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*(\d+|\"[^\"]*\"|'[^']*')\s*\])")
_FILTER = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$", re.DOTALL)
_ARGUMENT = re.compile(r"\s*(\"[^\"]*\"|'[^']*'|-?\d+(?:\.\d+)?|true|false)\s*(?:,|$)")


class TemplateError(ValueError):
    """The value uses template syntax this product does not run."""


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def render_template(text: str, variables: Mapping[str, object]) -> str:
    """Render `text`; a missing variable renders as an empty string, like Nunjucks."""
    if not has_template(text):
        return text
    text = _COMMENT.sub("", text)
    if "{%" in text:
        raise TemplateError("template statements ({% ... %}) are not supported")
    pieces: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        before = text[position : match.start()]
        pieces.append(before.rstrip() if match.group(1) else before)
        pieces.append(_render_expression(match.group(2), variables))
        position = match.end()
        if match.group(3):
            position += len(text[position:]) - len(text[position:].lstrip())
    rest = text[position:]
    if "{{" in rest or "{#" in rest:
        raise TemplateError("unterminated template tag")
    pieces.append(rest)
    return "".join(pieces)


def _render_expression(expression: str, variables: Mapping[str, object]) -> str:
    head, *filters = _split_pipes(expression)
    value = _lookup(head, variables)
    for spec in filters:
        value = _apply_filter(spec, value)
    return "" if value is None or value is UNDEFINED else js_string(value)


def _split_pipes(expression: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "|":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _lookup(path: str, variables: Mapping[str, object]) -> object:
    match = _PATH_START.match(path)
    if match is None:
        raise TemplateError(f"unsupported template expression: {path.strip()!r}")
    value: object = variables.get(match.group(1), UNDEFINED)
    position = match.end()
    while (step := _PATH_STEP.match(path, position)) is not None:
        value = _step(value, step.group(1) if step.group(1) else step.group(2))
        position = step.end()
    if path[position:].strip():
        raise TemplateError(f"unsupported template expression: {path.strip()!r}")
    return value


def _step(value: object, key: str) -> object:
    if key[0] in "\"'":
        key = key[1:-1]
    if isinstance(value, Mapping):
        return value.get(key, UNDEFINED)
    if isinstance(value, Sequence) and not isinstance(value, str) and key.isdigit():
        index = int(key)
        return value[index] if index < len(value) else UNDEFINED
    return UNDEFINED


def _apply_filter(spec: str, value: object) -> object:
    match = _FILTER.match(spec)
    if match is None or match.group(1) not in FILTERS:
        raise TemplateError(f"unsupported template filter: {spec.strip()!r}")
    return FILTERS[match.group(1)](value, _arguments(match.group(2) or ""))


def _arguments(text: str) -> list[object]:
    arguments: list[object] = []
    text = text.strip()
    position = 0
    while position < len(text):
        match = _ARGUMENT.match(text, position)
        if match is None:
            raise TemplateError(f"unsupported filter arguments: {text!r}")
        literal = match.group(1)
        arguments.append(literal[1:-1] if literal[0] in "\"'" else parse_json(literal))
        position = match.end()
    return arguments


def _text(value: object) -> str:
    return "" if value is None or value is UNDEFINED else js_string(value)


def _length(value: object) -> int:
    return len(value) if isinstance(value, str | Sequence | Mapping) else 0


def _capitalize(value: object) -> str:
    text = _text(value)
    return text[:1].upper() + text[1:].lower()


def _default(value: object, arguments: list[object]) -> object:
    fallback = arguments[0] if arguments else ""
    if len(arguments) > 1 and arguments[1] is True:
        return fallback if not value or value is UNDEFINED else value
    return fallback if value is UNDEFINED else value


def _join(value: object, arguments: list[object]) -> str:
    separator = _text(arguments[0]) if arguments else ""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return separator.join(_text(item) for item in value)
    return _text(value)


def _edge(value: object, index: int) -> object:
    if isinstance(value, str | Sequence) and len(value) > 0:
        return value[index]
    return UNDEFINED


_Filter = Callable[[object, list[object]], object]

FILTERS: Final[Mapping[str, _Filter]] = {
    "upper": lambda value, _: _text(value).upper(),
    "lower": lambda value, _: _text(value).lower(),
    "capitalize": lambda value, _: _capitalize(value),
    "title": lambda value, _: " ".join(_capitalize(word) for word in _text(value).split(" ")),
    "trim": lambda value, _: js_trim(_text(value)),
    "length": lambda value, _: _length(value),
    "dump": lambda value, _: js_json_stringify(value),
    "default": _default,
    "d": _default,
    "join": _join,
    "first": lambda value, _: _edge(value, 0),
    "last": lambda value, _: _edge(value, -1),
    "string": lambda value, _: _text(value),
    "safe": lambda value, _: value,
}
