"""A classic unified diff drawn from precomputed opcodes.

``difflib.unified_diff`` aligns the lines itself, with no bound on its work; the line diff
aligns them once with the bounded matcher and formats the result here, in the same layout
(``---``/``+++`` headers, ``@@ -start,count +start,count @@`` hunks, ``context`` lines of
unchanged text around each change, hunks closer than twice that merged).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

__all__ = ["unified_from_opcodes"]

# (tag, old start, old end, new start, new end), as difflib and ``bounded_opcodes`` give them.
_Opcode = tuple[str, int, int, int, int]


def unified_from_opcodes(
    old_lines: Sequence[str],
    new_lines: Sequence[str],
    opcodes: Sequence[_Opcode],
    *,
    context: int,
    labels: tuple[str, str],
) -> str:
    """Unified diff text (lines joined by ``\\n``); empty when nothing changed."""
    hunks = list(_hunks(opcodes, context))
    if not hunks:
        return ""
    out = [f"--- {labels[0]}", f"+++ {labels[1]}"]
    for hunk in hunks:
        out.append(_hunk_header(hunk))
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                out.extend(" " + line for line in old_lines[i1:i2])
                continue
            out.extend("-" + line for line in old_lines[i1:i2])
            out.extend("+" + line for line in new_lines[j1:j2])
    return "\n".join(out)


def _hunks(opcodes: Sequence[_Opcode], context: int) -> Iterator[list[_Opcode]]:
    """Changes grouped with up to ``context`` unchanged lines on either side."""
    if not any(tag != "equal" for tag, *_ in opcodes):
        return
    hunk: list[_Opcode] = []
    last = len(opcodes) - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            hunk.append((tag, i1, i2, j1, j2))
            continue
        if index not in (0, last) and i2 - i1 <= 2 * context:
            hunk.append((tag, i1, i2, j1, j2))
            continue
        if index != 0:  # closes the hunk of the change before it
            size = min(i2 - i1, context)
            hunk.append((tag, i1, i1 + size, j1, j1 + size))
            yield hunk
            hunk = []
        if index != last:  # opens the hunk of the change after it
            size = min(i2 - i1, context)
            hunk = [(tag, i2 - size, i2, j2 - size, j2)]
    if hunk:
        yield hunk


def _hunk_header(hunk: list[_Opcode]) -> str:
    first, last = hunk[0], hunk[-1]
    return f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@"


def _range(start: int, stop: int) -> str:
    # Unified diff ranges are 1-based; an empty range names the line before it.
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
