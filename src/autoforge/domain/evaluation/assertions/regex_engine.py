"""The standard library's `re` behind the RegexEngine port, and the one way checks run
a user-supplied pattern through whichever engine the ports hold.

`re` has no time limit and holds the GIL while it backtracks, so `StdlibRegexEngine`
serves unit tests and callers that give no engine; the server wires an engine with a
time limit (infrastructure's `SafeRegexEngine`).
"""

from __future__ import annotations

import re
import warnings
from typing import Final

from autoforge.domain.evaluation.assertions.errors import CheckError
from autoforge.domain.evaluation.assertions.ports import AssertionPorts, RegexEngine

__all__ = ["STDLIB_REGEX", "StdlibRegexEngine", "regex_search"]


class StdlibRegexEngine:
    """The RegexEngine port on `re`, without a time limit."""

    def check(self, pattern: str) -> None:
        _compile(pattern)

    def search(self, pattern: str, text: str) -> bool:
        return _compile(pattern).search(text) is not None


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as error:
        raise ValueError(f"invalid regular expression: {error}") from error


STDLIB_REGEX: Final = StdlibRegexEngine()


def regex_search(ports: AssertionPorts, pattern: str, text: str) -> bool:
    """Match with the ports' engine; a timeout or a pattern it refuses is a CheckError."""
    engine: RegexEngine = ports.regex_engine or STDLIB_REGEX
    try:
        return engine.search(pattern, text)
    except TimeoutError as error:
        raise CheckError(f"regex took too long: {error}") from error
    except ValueError as error:
        raise CheckError(str(error)) from error
