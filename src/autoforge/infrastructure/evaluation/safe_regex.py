"""The RegexEngine port on the third-party `regex` module, with a time limit.

The standard library's `re` cannot be interrupted and holds the GIL while it
backtracks, so one pattern like `(a+)+$` stalls every request of the process. `regex`
takes a `timeout` and, with `concurrent=True`, releases the GIL while it matches.
Patterns are in Python `re` syntax (what the assertion engine translates JavaScript
patterns into, and what JSON Schema `pattern`s are read as); `regex` reads that syntax
the same way in its default (version 0) mode.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Protocol

import regex

__all__ = ["DEFAULT_REGEX_TIMEOUT_S", "SafeRegexEngine"]

DEFAULT_REGEX_TIMEOUT_S: Final = 1.0


class _Compiled(Protocol):
    def search(self, text: str, *, concurrent: bool, timeout: float) -> object | None: ...


class SafeRegexEngine:
    """Matches within `timeout_s` seconds, or raises TimeoutError."""

    def __init__(self, *, timeout_s: float = DEFAULT_REGEX_TIMEOUT_S) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self._timeout_s = timeout_s

    @property
    def timeout_s(self) -> float:
        return self._timeout_s

    def check(self, pattern: str) -> None:
        _compile(pattern)

    def search(self, pattern: str, text: str) -> bool:
        compiled = _compile(pattern)
        try:
            found = compiled.search(text, concurrent=True, timeout=self._timeout_s)
        except TimeoutError as error:
            raise TimeoutError(f"regex took too long (over {self._timeout_s:g} s)") from error
        return found is not None


@lru_cache(maxsize=512)
def _compile(pattern: str) -> _Compiled:
    try:
        compiled: _Compiled = regex.compile(pattern)
    except (regex.error, OverflowError) as error:
        raise ValueError(f"invalid regular expression: {error}") from error
    except RecursionError as error:
        raise ValueError("invalid regular expression: nested too deeply") from error
    return compiled
