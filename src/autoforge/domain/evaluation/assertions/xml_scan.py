"""Finding XML fragments inside prose, for contains-xml.

The scan follows promptfoo's: tags are read left to right, an opening tag is matched
with the next closing tag of the same name (a mismatch forgets every open tag), and
each matched pair or self-closing tag is a candidate. Siblings whose parent is not a
candidate are also tried together, then the outermost candidates from left to right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["Span", "read_xml_name", "xml_candidates"]

_NAME_START_RANGES: Final = (
    (0x3A, 0x3A),
    (0x41, 0x5A),
    (0x5F, 0x5F),
    (0x61, 0x7A),
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x2FF),
    (0x370, 0x37D),
    (0x37F, 0x1FFF),
    (0x200C, 0x200D),
    (0x2070, 0x218F),
    (0x2C00, 0x2FEF),
    (0x3001, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFFD),
    (0x10000, 0xEFFFF),
)
_NAME_EXTRA_RANGES: Final = (
    (0x2D, 0x2E),
    (0x30, 0x39),
    (0xB7, 0xB7),
    (0x300, 0x36F),
    (0x203F, 0x2040),
)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    parent: int | None = None


@dataclass(frozen=True, slots=True)
class _Tag:
    kind: Literal["opening", "closing", "other"]
    end: int
    name: str = ""
    self_closing: bool = False


def _in_ranges(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def read_xml_name(text: str, start: int) -> str | None:
    """The XML Name starting at `start`, or None when none starts there."""
    if start >= len(text) or not _in_ranges(text[start], _NAME_START_RANGES):
        return None
    end = start + 1
    while end < len(text) and (
        _in_ranges(text[end], _NAME_START_RANGES) or _in_ranges(text[end], _NAME_EXTRA_RANGES)
    ):
        end += 1
    return text[start:end]


def _delimited_end(text: str, start: int, delimiter: str) -> int:
    found = text.find(delimiter, start)
    return len(text) - 1 if found == -1 else found + len(delimiter) - 1


def _declaration_end(text: str, start: int) -> int:
    if text.startswith("<!--", start):
        return _delimited_end(text, start + 4, "-->")
    if text.startswith("<![CDATA[", start):
        return _delimited_end(text, start + 9, "]]>")
    quote, depth = "", 0
    for index in range(start + 2, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]" and depth > 0:
            depth -= 1
        elif char == ">" and depth == 0:
            return index
    return len(text) - 1


def _tag_end(text: str, start: int) -> int:
    """The ">" closing the tag at `start`, quote-aware; -1 if a "<" comes first."""
    quote = ""
    for index in range(start + 1, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "<":
            return -1
        elif char == ">":
            return index
    return -1


def _read_tag(text: str, start: int) -> _Tag | None:
    marker = text[start + 1] if start + 1 < len(text) else ""
    if marker == "!":
        return _Tag("other", _declaration_end(text, start))
    if marker == "?":
        return _Tag("other", _delimited_end(text, start + 2, "?>"))
    closing = marker == "/"
    name = read_xml_name(text, start + (2 if closing else 1))
    end = _tag_end(text, start) if name else -1
    if name is None or end == -1:
        return None
    if closing:
        return _Tag("closing", end, name)
    return _Tag("opening", end, name, text[start + 1 : end].rstrip().endswith("/"))


def xml_candidates(text: str) -> list[Span]:
    """Candidate fragments in the order they should be tried."""
    stack: list[tuple[str, int]] = []
    found: list[Span] = []
    index = 0
    while index < len(text):
        tag = _read_tag(text, index) if text[index] == "<" else None
        if tag is None:
            index += 1
            continue
        parent = stack[-1][1] if stack else None
        if tag.kind == "opening" and tag.self_closing:
            found.append(Span(index, tag.end + 1, parent))
        elif tag.kind == "opening":
            stack.append((tag.name, index))
        elif tag.kind == "closing" and stack and stack[-1][0] == tag.name:
            _, start = stack.pop()
            found.append(Span(start, tag.end + 1, stack[-1][1] if stack else None))
        elif tag.kind == "closing":
            stack.clear()
        index = tag.end + 1
    return _ordered(found)


def _ordered(found: list[Span]) -> list[Span]:
    starts = {span.start for span in found}
    by_parent: dict[int | None, list[Span]] = {}
    for span in found:
        by_parent.setdefault(span.parent, []).append(span)
    ordered: list[Span] = []
    for parent, siblings in by_parent.items():
        if len(siblings) > 1 and (parent is None or parent not in starts):
            siblings.sort(key=lambda span: (span.start, span.end))
            ordered.append(Span(siblings[0].start, siblings[-1].end, parent))
    outermost = [span for span in found if span.parent is None or span.parent not in starts]
    outermost.sort(key=lambda span: (span.start, -span.end))
    seen = {(span.start, span.end) for span in ordered}
    for span in outermost:
        if (span.start, span.end) not in seen:
            seen.add((span.start, span.end))
            ordered.append(span)
    return ordered
