"""The Jinja environment prompt templates run in, and the limits it enforces.

It starts from ``ImmutableSandboxedEnvironment`` (no private attributes, no mutation of
lists and dicts, sandboxed ``str.format``) and closes what that sandbox leaves open:

* no globals except a ``range()`` that refuses more items than the loop budget;
* an allow-list of filters, none of which can be asked to allocate an arbitrary size;
* ``*``, ``**``, ``%`` and ``+`` are checked before they run, so ``'a' * 10**9`` and
  ``9 ** (9 ** 9)`` are refused instead of computed (intercepted operators are also never
  folded at compile time, where no limit would apply);
* a loop budget shared by every ``{% for %}`` of one render, and a cap on output length;
* an unsafe attribute raises instead of quietly rendering as an empty string; so does
  reaching any method other than ``loop.cycle``/``loop.changed`` (a template cannot call
  one, and its repr would show a memory address), and filters hand back lists rather than
  generators for the same reason.

Prompts are plain text, so autoescaping is off and a trailing newline is kept. Jinja's
``{# ... #}`` comments would swallow ordinary prompt text (Markdown heading ids
``{#intro}``, ``{{#var#}}`` placeholders of other tools), so comments are written
``{## ... ##}`` here, and line statements stay disabled. A name with no value renders as
``{{ name }}``, so a preview shows the gap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import ChainableUndefined, Undefined, pass_context
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

__all__ = [
    "ALLOWED_FILTERS",
    "COMMENT_START",
    "LOOP_BUDGET_FILTER",
    "RANGE_GLOBAL",
    "LimitExceededError",
    "Newline",
    "PromptSandboxEnvironment",
    "RenderLimits",
    "output_limit",
]

COMMENT_START = "{##"
COMMENT_END = "##}"
LOOP_BUDGET_FILTER = "autoforge_loop_budget"
# Calls to range() are pointed at this global before compiling; see job._prepare.
RANGE_GLOBAL = "autoforge_range"

ALLOWED_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
        "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
        "selectattr", "sort", "string", "striptags", "sum", "title", "tojson", "trim",
        "truncate", "unique", "upper", "wordcount", "wordwrap", "indent",
    }
)  # fmt: skip

Newline = Literal["\n", "\r\n", "\r"]

_LOOP_METHODS = frozenset({"cycle", "changed"})
_MAX_INT_BITS = 4_096
_MAX_INDENT = 100


@dataclass(frozen=True, slots=True)
class RenderLimits:
    """What one render of a template with logic may use."""

    max_output_chars: int = 1_000_000
    max_loop_iterations: int = 100_000
    timeout_seconds: float = 2.0
    memory_bytes: int = 256 * 1024 * 1024


class LimitExceededError(Exception):
    """A render went past one of its limits; carries the refusal reason."""

    def __init__(self, reason: str, detail_en: str, detail_ja: str) -> None:
        super().__init__(detail_en)
        self.reason = reason
        self.detail_en = detail_en
        self.detail_ja = detail_ja


class _PlaceholderUndefined(ChainableUndefined):
    __slots__ = ()

    def __str__(self) -> str:
        if self._undefined_obj is missing and self._undefined_name:
            return "{{ " + str(self._undefined_name) + " }}"
        return ""


class PromptSandboxEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, limits: RenderLimits, *, newline: Newline = "\n") -> None:
        super().__init__(
            autoescape=False,
            keep_trailing_newline=True,
            newline_sequence=newline,
            comment_start_string=COMMENT_START,
            comment_end_string=COMMENT_END,
            line_statement_prefix=None,
            line_comment_prefix=None,
            undefined=_PlaceholderUndefined,
            finalize=_printable,
            cache_size=0,
        )
        self.limits = limits
        self._loop_iterations = 0
        self.globals.clear()
        self.globals[RANGE_GLOBAL] = self._bounded_range
        self.filters = {name: _as_list(FILTERS[name]) for name in ALLOWED_FILTERS}
        self.filters["indent"] = _bounded_indent

        @pass_context
        def loop_budget(context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
            # Context filters are never evaluated at compile time, so counting starts
            # only when the loop really runs.
            del context
            return self._budgeted(iterable)

        self.filters[LOOP_BUDGET_FILTER] = loop_budget

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to attribute {attribute!r} is not allowed")

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _without_methods(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _without_methods(obj, argument, super().getitem(obj, argument))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            raise _unsupported("string formatting with %", "% による文字列の書式化")
        elif operator in ("*", "+"):
            self._check_size(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def _check_size(self, operator: str, left: Any, right: Any) -> None:
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > _MAX_INT_BITS:
                raise _operation_limit()
            return
        size = _sequence_result_size(operator, left, right)
        if size > self.limits.max_output_chars:
            raise output_limit(self.limits.max_output_chars)

    def _bounded_range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > self.limits.max_loop_iterations:
            raise _loop_limit(self.limits.max_loop_iterations)
        return numbers

    def _budgeted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self._loop_iterations += 1
            if self._loop_iterations > self.limits.max_loop_iterations:
                raise _loop_limit(self.limits.max_loop_iterations)
            yield item


def _without_methods(obj: Any, key: Any, value: Any) -> Any:
    if not callable(value) or isinstance(value, Undefined):
        return value
    if isinstance(obj, LoopContext) and key in _LOOP_METHODS:
        return value
    raise SecurityError("methods cannot be used in prompt templates")


def _as_list(filter_function: Callable[..., Any]) -> Callable[..., Any]:
    # map, select, unique, reverse ... return generators, whose repr shows an address.
    @functools.wraps(filter_function)  # also copies Jinja's pass_context marker
    def listing(*args: Any, **kwargs: Any) -> Any:
        result = filter_function(*args, **kwargs)
        return list(result) if isinstance(result, Iterator) else result

    return listing


def _printable(value: Any) -> Any:
    # Printing a method or function would only show a repr with a memory address.
    if callable(value) and not isinstance(value, Undefined):
        raise SecurityError("functions and methods cannot be printed")
    return value


def _check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int)):
        return  # float powers overflow with an OverflowError instead of growing
    if exponent > 0 and max(base.bit_length(), 1) * exponent > _MAX_INT_BITS:
        raise _operation_limit()


def _sequence_result_size(operator: str, left: Any, right: Any) -> int:
    if operator == "+":
        return _length(left) + _length(right)
    if isinstance(left, int):
        return left * _length(right)
    if isinstance(right, int):
        return right * _length(left)
    return 0


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _bounded_indent(
    text: str, width: int | str = 4, first: bool = False, blank: bool = False
) -> str:
    size = len(width) if isinstance(width, str) else width
    if size > _MAX_INDENT:
        raise _operation_limit()
    indent: Callable[..., str] = FILTERS["indent"]
    return indent(text, width, first, blank)


def _operation_limit() -> LimitExceededError:
    return LimitExceededError(
        "operation_limit",
        "The template computes a value that is too large.",
        "テンプレートが大きすぎる値を計算しようとしました。",
    )


def output_limit(limit: int) -> LimitExceededError:
    return LimitExceededError(
        "output_limit",
        f"The rendered text would exceed {limit:,} characters.",
        f"展開結果が {limit:,} 文字を超えます。",
    )


def _loop_limit(limit: int) -> LimitExceededError:
    return LimitExceededError(
        "loop_limit",
        f"The template's loops would run more than {limit:,} times in total.",
        f"テンプレートのループの合計回数が {limit:,} 回を超えます。",
    )


def _unsupported(what_en: str, what_ja: str) -> LimitExceededError:
    return LimitExceededError(
        "unsupported_syntax",
        f"Templates cannot use {what_en}; use a filter instead.",
        f"テンプレートでは{what_ja}は使えません。フィルターを使ってください。",
    )
