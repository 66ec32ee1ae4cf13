"""JavaScript regular expressions (no flags) run on Python's `re`.

promptfoo evaluates `regex` values with `new RegExp(value)`: no flags, so `^` and `$`
anchor the whole text, `.` stops at line terminators, and `\\d`, `\\w`, `\\b` are ASCII
while `\\s` is Unicode whitespace. The pattern is translated token by token into a
Python pattern with the same meaning; JavaScript syntax errors are reported as errors,
and Python-only syntax (possessive quantifiers, `(?P<...>)`, inline flags) is rejected
because JavaScript would reject it.

Known differences, documented in docs/assertions.md: Python matches code points where
JavaScript without the `u` flag matches UTF-16 code units (`^.$` matches one emoji
here, not there); lookbehind must have a fixed width; a backreference to a group that
is forward or inside its own group is dropped (it can only match the empty string).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

__all__ = ["JsRegexError", "compile_js_regex"]

_SPACE_SET: Final = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_DOT: Final = r"[^\n\r\u2028\u2029]"
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_GROUP_NAME = re.compile(r"<([^\W\d]\w*)>")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_CLASS_ESCAPES_KEPT: Final = frozenset("dDwWfnrtv")
_ESCAPES_KEPT: Final = frozenset("dDwWbBfnrtv")
_SET_ESCAPES: Final = "dDwWsS"
# Inside a class \b is a backspace, and \s is spliced in as a range list.
_CLASS_ONLY_ESCAPES: Final = {"s": _SPACE_SET, "b": r"\x08", "-": r"\-"}


class JsRegexError(ValueError):
    """The pattern is not a valid JavaScript regular expression (or cannot run here)."""


@lru_cache(maxsize=512)
def compile_js_regex(pattern: str) -> re.Pattern[str]:
    """Compile a flag-less JavaScript pattern; search() then behaves like RegExp.test().

    The compiled pattern's `.pattern` is the translated text, for a `RegexEngine`.
    """
    translated = _Translator(pattern).translate()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            # (?a): \d \w \b are ASCII in JavaScript; \s is rewritten explicitly.
            return re.compile("(?a)" + translated)
    except re.error as error:
        # error.msg, not str(error): positions refer to the translated pattern.
        raise JsRegexError(f"Invalid regular expression: /{pattern}/: {error.msg}") from error
    except OverflowError as error:  # a{99999999999}
        raise JsRegexError(f"Invalid regular expression: /{pattern}/: {error}") from error
    except RecursionError as error:  # thousands of nested groups
        raise JsRegexError(
            f"Invalid regular expression: /{pattern[:40]}.../: nested too deeply"
        ) from error


def _literal(char: str) -> str:
    return re.escape(char)


@dataclass
class _Translator:
    pattern: str
    pos: int = 0
    out: list[str] = field(default_factory=list)
    groups: int = 0
    declared: frozenset[str] = frozenset()
    opened: int = 0
    open_groups: list[int | None] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)
    quantifiable: bool = False
    after_quantifier: bool = False
    lazy_allowed: bool = False

    def translate(self) -> str:
        self.groups, self.declared = _scan_groups(self.pattern)
        while self.pos < len(self.pattern):
            self._step()
        return "".join(self.out)

    def _fail(self, message: str) -> JsRegexError:
        return JsRegexError(f"Invalid regular expression: /{self.pattern}/: {message}")

    def _emit(self, text: str, *, quantifiable: bool = True) -> None:
        self.out.append(text)
        self.quantifiable = quantifiable
        self.after_quantifier = False
        self.lazy_allowed = False

    def _step(self) -> None:
        char = self.pattern[self.pos]
        self.pos += 1
        if char == "\\":
            self._emit(self._escape())
        elif char == "[":
            self._emit(self._char_class())
        elif char == "(":
            self._emit(self._group_open(), quantifiable=False)
        elif char == ")":
            if self.open_groups:
                self.open_groups.pop()
            self._emit(char)
        elif char in "*+?":
            self._quantifier(char)
        elif char == "{":
            self._brace()
        elif char == ".":
            self._emit(_DOT)
        elif char == "$":
            self._emit(r"\Z", quantifiable=False)
        elif char in "^|":
            self._emit(char, quantifiable=False)
        elif char == "}":
            self._emit(r"\}")
        else:
            self._emit(char)

    def _quantifier(self, char: str) -> None:
        if char == "?" and self.lazy_allowed:
            self.out.append("?")
            self.lazy_allowed = False
            return
        self._start_quantifier(char)

    def _start_quantifier(self, text: str) -> None:
        # A second quantifier (Python's possessive a*+, a{2}+) is an error in JavaScript.
        if not self.quantifiable or self.after_quantifier:
            raise self._fail("Nothing to repeat")
        self.out.append(text)
        self.after_quantifier = True
        self.lazy_allowed = True

    def _brace(self) -> None:
        match = _QUANTIFIER.match(self.pattern, self.pos - 1)
        if match is None:
            self._emit(r"\{")
            return
        low, high = match.group(1), match.group(2)
        if high and int(high) < int(low):
            raise self._fail("numbers out of order in {} quantifier")
        self.pos = match.end()
        self._start_quantifier(match.group(0))

    def _group_open(self) -> str:
        rest = self.pattern[self.pos :]
        if not rest.startswith("?"):
            return self._capture("(")
        for prefix in ("?:", "?=", "?!", "?<=", "?<!"):
            if rest.startswith(prefix):
                self.pos += len(prefix)
                self.open_groups.append(None)
                return "(" + prefix
        name = _GROUP_NAME.match(rest, 1)
        if name is None:
            raise self._fail("Invalid group")
        self.pos += name.end()
        self.names.setdefault(name.group(1), self.opened + 1)
        return self._capture(f"(?P<{name.group(1)}>")

    def _capture(self, opening: str) -> str:
        self.opened += 1
        self.open_groups.append(self.opened)
        return opening

    def _reference(self, index: int, python_reference: str) -> str:
        """A backreference with JavaScript's rule: an unset group matches the empty string."""
        if index > self.opened or index in self.open_groups:
            return "(?:)"
        return f"(?({index}){python_reference})"

    def _escape(self) -> str:
        if self.pos >= len(self.pattern):
            raise self._fail("\\ at end of pattern")
        char = self.pattern[self.pos]
        self.pos += 1
        if char in _ESCAPES_KEPT:
            return "\\" + char
        if char == "s":
            return f"[{_SPACE_SET}]"
        if char == "S":
            return f"[^{_SPACE_SET}]"
        if char in "123456789":
            return self._backreference(char)
        if char == "k" and self.declared:
            return self._named_backreference()
        return self._common_escape(char)

    def _common_escape(self, char: str) -> str:
        """Escapes that mean the same inside and outside a class."""
        if char == "c":
            return self._control()
        if char == "x":
            return self._hex(_HEX2, "x")
        if char == "u":
            return self._unicode()
        if char == "0" and not self._peek_in("0123456789"):
            return r"\x00"
        if char in "01234567":
            return self._octal(char)
        # Annex B identity escape: any other escaped character stands for itself.
        return _literal(char)

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.pattern[index] if index < len(self.pattern) else ""

    def _control(self) -> str:
        letter = self._peek()
        if letter.isascii() and letter.isalpha():
            self.pos += 1
            return _literal(chr(ord(letter) % 32))
        return r"\\c"

    def _hex(self, digits: re.Pattern[str], name: str) -> str:
        match = digits.match(self.pattern, self.pos)
        if match is None:
            return _literal(name)
        self.pos = match.end()
        return _literal(chr(int(match.group(0), 16)))

    def _unicode(self) -> str:
        match = _HEX4.match(self.pattern, self.pos)
        if match is None:
            return "u"
        self.pos = match.end()
        code = int(match.group(0), 16)
        low = _HEX4.match(self.pattern, self.pos + 2)
        if 0xD800 <= code <= 0xDBFF and self.pattern.startswith("\\u", self.pos) and low:
            low_code = int(low.group(0), 16)
            if 0xDC00 <= low_code <= 0xDFFF:
                # A surrogate pair in the pattern means one astral character here.
                self.pos = low.end()
                code = 0x10000 + ((code - 0xD800) << 10) + (low_code - 0xDC00)
        return _literal(chr(code))

    def _octal(self, first: str) -> str:
        digits = first
        while len(digits) < 3 and self._peek_in("01234567"):
            if int(digits + self._peek(), 8) > 0o377:
                break
            digits += self._peek()
            self.pos += 1
        return _literal(chr(int(digits, 8)))

    def _backreference(self, first: str) -> str:
        digits = first
        while self._peek_in("0123456789"):
            digits += self._peek()
            self.pos += 1
        if int(digits) <= self.groups:
            return self._reference(int(digits), f"\\{digits}")
        # Annex B: a reference past the last group is an octal escape or a literal digit.
        self.pos -= len(digits) - 1
        return _literal(first) if first in "89" else self._octal(first)

    def _named_backreference(self) -> str:
        match = _GROUP_NAME.match(self.pattern, self.pos)
        if match is None:
            raise self._fail("Invalid named reference")
        self.pos = match.end()
        name = match.group(1)
        if name not in self.declared:
            raise self._fail("Invalid named capture referenced")
        return self._reference(self.names.get(name, self.groups + 1), f"(?P={name})")

    def _peek_in(self, chars: str, offset: int = 0) -> bool:
        ahead = self._peek(offset)
        return ahead != "" and ahead in chars

    def _char_class(self) -> str:
        negated = self._peek() == "^"
        self.pos += int(negated)
        if self._peek() == "]":
            self.pos += 1
            return r"[\s\S]" if negated else "(?!)"
        members: list[str] = []
        non_space, previous_was_set = False, False
        while self.pos < len(self.pattern):
            char = self.pattern[self.pos]
            self.pos += 1
            if char == "]":
                return _class_pattern("".join(members), negated=negated, non_space=non_space)
            if char == "-" and (previous_was_set or self._next_is_set_escape()):
                # Annex B: a range bound that is a class escape makes "-" a literal.
                members.append(r"\-")
                previous_was_set = False
                continue
            previous_was_set = char == "\\" and self._peek_in(_SET_ESCAPES)
            if char == "\\" and self._peek() == "S":
                self.pos += 1
                non_space = True
                continue
            members.append(self._class_member(char))
        raise self._fail("Unterminated character class")

    def _next_is_set_escape(self) -> bool:
        return self._peek() == "\\" and self._peek_in(_SET_ESCAPES, 1)

    def _class_member(self, char: str) -> str:
        if char != "\\":
            return "\\" + char if char in "[&~|^" else char
        if self.pos >= len(self.pattern):
            raise self._fail("\\ at end of pattern")
        escaped = self.pattern[self.pos]
        self.pos += 1
        if escaped in _CLASS_ESCAPES_KEPT:
            return "\\" + escaped
        if escaped in _CLASS_ONLY_ESCAPES:
            return _CLASS_ONLY_ESCAPES[escaped]
        if escaped == "c" and self._peek_in("0123456789_"):
            # Annex B, inside a class only: \c followed by a digit or "_" is a control code.
            self.pos += 1
            return _literal(chr(ord(self.pattern[self.pos - 1]) % 32))
        return self._common_escape(escaped)


def _class_pattern(body: str, *, negated: bool, non_space: bool) -> str:
    """A class; one holding \\S is rebuilt so that \\S keeps JavaScript's Unicode meaning."""
    if not non_space:
        return f"[^{body}]" if negated else f"[{body}]"
    if negated:
        return f"(?:(?![{body}])[{_SPACE_SET}])" if body else f"[{_SPACE_SET}]"
    return f"(?:[{body}]|[^{_SPACE_SET}])" if body else f"[^{_SPACE_SET}]"


def _scan_groups(pattern: str) -> tuple[int, frozenset[str]]:
    """How many capturing groups the pattern has, and the names of the named ones."""
    count, names, index, in_class = 0, set[str](), 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "(" and not in_class:
            rest = pattern[index + 1 :]
            name = _GROUP_NAME.match(rest, 1) if rest.startswith("?<") else None
            if name is not None:
                names.add(name.group(1))
            count += int(not rest.startswith("?") or name is not None)
        index += 1
    return count, frozenset(names)
