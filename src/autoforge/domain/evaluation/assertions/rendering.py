"""Substituting test variables into assertion values and metric names.

As in promptfoo, a string value and the string items of a list value are rendered;
objects (a JSON Schema, word-count bounds) are left as they are. promptfoo would read
a value starting with "file://" or "package:" from disk or load a module; here such
values are rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from autoforge.domain.evaluation.assertions.errors import AssertionSpecError
from autoforge.domain.evaluation.assertions.template import (
    TemplateError,
    has_template,
    render_template,
)

__all__ = ["is_templated", "render_metric", "render_value"]

_REFERENCE_PREFIXES: Final = ("file://", "package:")


def _render_text(text: str, variables: Mapping[str, object]) -> str:
    if text.startswith(_REFERENCE_PREFIXES):
        raise AssertionSpecError("file and package references are not supported in values")
    try:
        return render_template(text, variables)
    except TemplateError as error:
        raise AssertionSpecError(f"value template: {error}") from error


def render_value(value: object, variables: Mapping[str, object]) -> object:
    if isinstance(value, str):
        return _render_text(value, variables)
    if isinstance(value, list):
        return [_render_text(item, variables) if isinstance(item, str) else item for item in value]
    return value


def is_templated(value: object) -> bool:
    """Whether the value depends on test variables (so it can only be checked once rendered)."""
    if isinstance(value, str):
        return has_template(value)
    if isinstance(value, list):
        return any(isinstance(item, str) and has_template(item) for item in value)
    return False


def render_metric(metric: str | None, variables: Mapping[str, object]) -> str | None:
    """The metric name with variables substituted; left as written if it cannot be rendered."""
    if not metric:
        return None
    try:
        return render_template(metric, variables) or None
    except TemplateError:
        return metric
