"""Differences between two versions of a prompt, by line and by character.

Positions are 0-based and half-open (``start`` included, ``end`` excluded): line indexes
for a line diff, and Python string indexes (Unicode code points, not UTF-16 units) for a
character diff. Joining the ``old_text`` of every operation gives back the old text, and
joining every ``new_text`` gives the new one.

The character diff works at single-character granularity, which is what Japanese needs: a
sentence has no spaces, so a word diff would replace the whole sentence. Character
alignment without a junk heuristic (which would treat frequent characters such as の, は,
。 as noise) is roughly quadratic, so common leading and trailing text is trimmed first
(most edits are local), and a remainder larger than ``direct_limit`` squared is aligned by
lines, then sentences, then words, and only the changed pieces are compared character by
character. A piece still too large after words becomes one ``replace``.

Alignment itself (lines, pieces or characters) is done by ``diff_alignment``, which bounds
its work with one budget shared by the whole diff: prompts reach 200,000 characters and
difflib's matcher can take minutes on them (for instance when every other line changed).
When the budget runs out, what is left unaligned becomes one ``replace``: still a correct
diff, only a less minimal one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from autoforge.domain.prompt.diff_alignment import AlignmentBudget, bounded_opcodes
from autoforge.domain.prompt.diff_unified import unified_from_opcodes

__all__ = [
    "CHARACTER_DIFF_DIRECT_LIMIT",
    "CharDiff",
    "DiffOperation",
    "LineDiff",
    "OperationTag",
    "char_diff",
    "line_diff",
]

OperationTag = Literal["equal", "insert", "delete", "replace"]
_TAGS: dict[str, OperationTag] = {
    "equal": "equal",
    "insert": "insert",
    "delete": "delete",
    "replace": "replace",
}

# Character matching runs directly only while len(old) * len(new) stays within the square
# of this; larger remainders are first aligned by coarser pieces.
CHARACTER_DIFF_DIRECT_LIMIT = 2_000

_SEGMENTERS: tuple[Callable[[str], list[str]], ...] = (
    lambda text: text.splitlines(keepends=True),
    lambda text: [piece for piece in re.split(r"(?<=[。．！？!?.])", text) if piece],
    lambda text: [piece for piece in re.split(r"(?<=\s)", text) if piece],
)


@dataclass(frozen=True, slots=True)
class DiffOperation:
    tag: OperationTag
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    old_text: str
    new_text: str


@dataclass(frozen=True, slots=True)
class LineDiff:
    operations: tuple[DiffOperation, ...]
    unified: str
    lines_added: int
    lines_removed: int


@dataclass(frozen=True, slots=True)
class CharDiff:
    operations: tuple[DiffOperation, ...]
    chars_added: int
    chars_removed: int


def line_diff(
    old: str, new: str, *, context: int = 3, old_label: str = "old", new_label: str = "new"
) -> LineDiff:
    """Compare ``old`` and ``new`` line by line; ``unified`` is a classic unified diff."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    operations = _line_operations(old_lines, new_lines)

    # The unified text compares lines without their endings, as difflib.unified_diff does.
    old_bare, new_bare = old.splitlines(), new.splitlines()
    unified = unified_from_opcodes(
        old_bare,
        new_bare,
        bounded_opcodes(old_bare, new_bare, budget=AlignmentBudget()),
        context=context,
        labels=(old_label, new_label),
    )
    return LineDiff(
        operations=operations,
        unified=unified,
        lines_added=sum(op.new_end - op.new_start for op in operations if op.tag != "equal"),
        lines_removed=sum(op.old_end - op.old_start for op in operations if op.tag != "equal"),
    )


def char_diff(old: str, new: str, *, direct_limit: int = CHARACTER_DIFF_DIRECT_LIMIT) -> CharDiff:
    """Compare ``old`` and ``new`` character by character."""
    pieces = _char_operations(old, new, offset=(0, 0), limit=direct_limit, budget=AlignmentBudget())
    operations = tuple(_merged(pieces))
    return CharDiff(
        operations=operations,
        chars_added=sum(len(op.new_text) for op in operations if op.tag != "equal"),
        chars_removed=sum(len(op.old_text) for op in operations if op.tag != "equal"),
    )


def _line_operations(old_lines: list[str], new_lines: list[str]) -> tuple[DiffOperation, ...]:
    return tuple(
        DiffOperation(
            tag=_tag(tag),
            old_start=i1,
            old_end=i2,
            new_start=j1,
            new_end=j2,
            old_text="".join(old_lines[i1:i2]),
            new_text="".join(new_lines[j1:j2]),
        )
        for tag, i1, i2, j1, j2 in bounded_opcodes(old_lines, new_lines, budget=AlignmentBudget())
    )


def _char_operations(
    old: str,
    new: str,
    *,
    offset: tuple[int, int],
    limit: int,
    budget: AlignmentBudget,
    level: int = 0,
) -> list[DiffOperation]:
    prefix = _common_prefix_length(old, new)
    suffix = _common_suffix_length(old[prefix:], new[prefix:])
    old_middle = old[prefix : len(old) - suffix]
    new_middle = new[prefix : len(new) - suffix]
    middle_offset = (offset[0] + prefix, offset[1] + prefix)

    operations = [_equal(old[:prefix], offset)] if prefix else []
    if len(old_middle) * len(new_middle) <= limit * limit:
        operations += _direct_char_operations(old_middle, new_middle, middle_offset, budget)
    elif level < len(_SEGMENTERS):
        operations += _segmented_char_operations(
            old_middle, new_middle, offset=middle_offset, limit=limit, budget=budget, level=level
        )
    else:
        operations.append(_operation("replace", old_middle, new_middle, middle_offset))
    if suffix:
        suffix_offset = (offset[0] + len(old) - suffix, offset[1] + len(new) - suffix)
        operations.append(_equal(old[len(old) - suffix :], suffix_offset))
    return operations


def _direct_char_operations(
    old: str, new: str, offset: tuple[int, int], budget: AlignmentBudget
) -> list[DiffOperation]:
    return [
        _operation(tag, old[i1:i2], new[j1:j2], (offset[0] + i1, offset[1] + j1))
        for tag, i1, i2, j1, j2 in bounded_opcodes(old, new, budget=budget)
    ]


def _segmented_char_operations(
    old: str,
    new: str,
    *,
    offset: tuple[int, int],
    limit: int,
    budget: AlignmentBudget,
    level: int,
) -> list[DiffOperation]:
    segment = _SEGMENTERS[level]
    old_pieces, new_pieces = segment(old), segment(new)

    operations: list[DiffOperation] = []
    old_position, new_position = offset
    for tag, i1, i2, j1, j2 in bounded_opcodes(old_pieces, new_pieces, budget=budget):
        old_text, new_text = "".join(old_pieces[i1:i2]), "".join(new_pieces[j1:j2])
        start = (old_position, new_position)
        if tag == "replace":
            operations += _char_operations(
                old_text, new_text, offset=start, limit=limit, budget=budget, level=level + 1
            )
        else:
            operations.append(_operation(tag, old_text, new_text, start))
        old_position += len(old_text)
        new_position += len(new_text)
    return operations


def _merged(operations: list[DiffOperation]) -> list[DiffOperation]:
    merged: list[DiffOperation] = []
    for operation in operations:
        if not operation.old_text and not operation.new_text:
            continue
        if merged and merged[-1].tag == operation.tag == "equal":
            previous = merged.pop()
            merged.append(_equal(previous.old_text + operation.old_text, _start(previous)))
        else:
            merged.append(operation)
    return merged


def _operation(tag: str, old_text: str, new_text: str, start: tuple[int, int]) -> DiffOperation:
    return DiffOperation(
        tag=_tag(tag),
        old_start=start[0],
        old_end=start[0] + len(old_text),
        new_start=start[1],
        new_end=start[1] + len(new_text),
        old_text=old_text,
        new_text=new_text,
    )


def _equal(text: str, start: tuple[int, int]) -> DiffOperation:
    return _operation("equal", text, text, start)


def _start(operation: DiffOperation) -> tuple[int, int]:
    return operation.old_start, operation.new_start


def _tag(tag: str) -> OperationTag:
    # Opcode tags arrive as plain strings; this narrows them to the four we document.
    return _TAGS[tag]


def _common_prefix_length(a: str, b: str) -> int:
    # Binary search on slice equality: each comparison runs in C, so long equal runs
    # cost O(n log n) memcmp work instead of a Python loop per character.
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix_length(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low
