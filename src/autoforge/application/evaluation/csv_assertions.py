"""promptfoo's one-cell assertions in CSV `__expected` columns, read and written.

A cell is `type:value`, `not-type:value`, `type(threshold):value` or a bare `type`;
any other text means `equals` that text. List types split their value on commas.
Types with a threshold get promptfoo's default when the cell names none (0.8 for
`similar`, 0.75 for the others, levenshtein included, as promptfoo does). Cells that
promptfoo would run as code (`javascript:`, `python:`, `file://`...) are refused.

Writing is the inverse, used only when reading the cell back gives the very same
assertion; anything else is exported as JSON in the `__assertions` column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from autoforge.domain.evaluation.assertions import SUPPORTED_TYPES

__all__ = ["UnsupportedCellError", "assertion_from_cell", "assertion_to_cell"]

_LIST_TYPES: Final = frozenset({"contains-any", "contains-all", "icontains-any", "icontains-all"})
_RAW_TYPES: Final = frozenset({"is-json", "contains-json"})
_THRESHOLD_DEFAULTS: Final = {
    "cost": 0.75,
    "latency": 0.75,
    "levenshtein": 0.75,
    "rouge-n": 0.75,
    "similar": 0.8,
    "starts-with": 0.75,
}
_RUBRIC_PREFIXES: Final = ("grade:", "llm-rubric:")
_CODE_PREFIXES: Final = ("javascript:", "fn:", "eval:", "python:", "ruby:", "file://")
_ALIASES: Final = {"model-graded-factuality": "factuality"}
# promptfoo types this server does not evaluate: named so that a cell using one is
# reported, instead of being read as an `equals` of the whole text.
_FOREIGN_TYPES: Final = (
    "answer-relevance",
    "classifier",
    "contains-html",
    "contains-sql",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "conversation-relevance",
    "finish-reason",
    "g-eval",
    "gleu",
    "guardrails",
    "is-html",
    "is-refusal",
    "is-sql",
    "is-valid-function-call",
    "is-valid-openai-function-call",
    "is-valid-openai-tools-call",
    "javascript",
    "meteor",
    "moderation",
    "perplexity-score",
    "perplexity",
    "pi",
    "python",
    "ruby",
    "webhook",
)


def _cell_pattern() -> re.Pattern[str]:
    names = sorted({*SUPPORTED_TYPES, *_ALIASES, *_FOREIGN_TYPES}, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(not-)?({alternatives})(?:\((\d+(?:\.\d+)?)\))?(?::(.*))?", re.DOTALL)


_CELL: Final = _cell_pattern()


class UnsupportedCellError(ValueError):
    """The cell names an assertion this server does not run."""


def assertion_from_cell(cell: str) -> dict[str, Any]:
    """The assertion a non-empty `__expected` cell stands for."""
    if cell.startswith(_CODE_PREFIXES):
        raise UnsupportedCellError("it runs user-supplied code, which this server never does")
    if cell.startswith(_RUBRIC_PREFIXES):
        return {"type": "llm-rubric", "value": cell.split(":", 1)[1]}
    match = _CELL.fullmatch(cell)
    if match is None:
        return {"type": "equals", "value": cell}
    negated, name, threshold_text, value = match.groups()
    if name in _FOREIGN_TYPES:
        raise UnsupportedCellError(f'"{name}" assertions are not supported here')
    base = _ALIASES.get(name, name)
    assertion: dict[str, Any] = {"type": f"not-{base}" if negated else base}
    if value is not None:
        assertion["value"] = _value(base, value)
    if base in _THRESHOLD_DEFAULTS:
        default = _THRESHOLD_DEFAULTS[base]
        assertion["threshold"] = float(threshold_text) if threshold_text else default
    return assertion


def _value(base: str, text: str) -> object:
    if base in _LIST_TYPES:
        return [item.strip() for item in text.split(",")]
    if base in _RAW_TYPES:
        return text
    return text.strip()


def assertion_to_cell(assertion: Mapping[str, Any]) -> str | None:
    """The cell for `assertion`, or None when no cell reads back as exactly this assertion."""
    for candidate in _candidates(assertion):
        try:
            if assertion_from_cell(candidate) == dict(assertion):
                return candidate
        except UnsupportedCellError:
            continue
    return None


def _candidates(assertion: Mapping[str, Any]) -> list[str]:
    kind = assertion.get("type")
    if not isinstance(kind, str):
        return []
    value = assertion.get("value")
    candidates = [value] if kind == "equals" and isinstance(value, str) and value.strip() else []
    head = kind
    threshold = assertion.get("threshold")
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        head += f"({float(threshold)!r})"
    if "value" not in assertion:
        return [*candidates, head]
    text = _value_text(value)
    return candidates if text is None else [*candidates, f"{head}:{text}"]


def _value_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    return None
