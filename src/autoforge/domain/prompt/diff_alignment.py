"""Alignment of two sequences with a hard bound on the work done.

difflib's ``SequenceMatcher`` has no such bound: on 15,000 unique lines where every other
line changed it spends about 30 seconds (its longest-match search rescans the remaining
range once per match), and on two 2,000-character texts made of the same few characters in
a different order it needs several seconds. A prompt can be 200,000 characters, and the
diff runs in a shared thread pool, so this module replaces it with:

1. trimming of common leading and trailing items;
2. patience anchoring: items that occur exactly once in each range and appear in the same
   order (longest increasing subsequence) are matched first, and the gaps between them are
   aligned on their own; this is what makes long, mostly unique texts cheap;
3. Myers' O(ND) shortest edit script for ranges without such anchors, which gives a
   minimal diff but is abandoned once it exceeds its share of the budget;
4. when the budget is spent, or Myers was abandoned, the range stays unmatched, so the
   caller reports it as one ``replace``: still a correct diff, only a less minimal one.

Every step charges a shared ``AlignmentBudget`` roughly one unit per item compared, so the
time per call is bounded whatever the input.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Literal

__all__ = ["DEFAULT_ALIGNMENT_BUDGET", "AlignmentBudget", "Opcode", "bounded_opcodes"]

# Spending all of it took about 0.6 s on a 2-core machine; line_diff spends two (lines with
# and without their endings), so a diff stays well under the 2 s the API can afford.
DEFAULT_ALIGNMENT_BUDGET = 2_500_000

OpcodeTag = Literal["equal", "insert", "delete", "replace"]
Opcode = tuple[OpcodeTag, int, int, int, int]
_Block = tuple[int, int, int]
_Range = tuple[int, int, int, int]

# One Myers attempt may use at most this share of what is left, so a single hopeless range
# cannot leave every later range without budget.
_MYERS_SHARE = 2

# Ranges up to this many items (both sides together) try Myers before patience anchors:
# patience is cheap but can miss matches that a shortest edit script keeps.
_SMALL_RANGE = 4_000


class AlignmentBudget:
    """Work units left for one diff; shared by every range aligned within it."""

    __slots__ = ("remaining",)

    def __init__(self, units: int = DEFAULT_ALIGNMENT_BUDGET) -> None:
        self.remaining = units

    def spend(self, units: int) -> bool:
        """Charge ``units``; False (and nothing charged) when they are not available."""
        if units > self.remaining:
            return False
        self.remaining -= units
        return True


def bounded_opcodes(
    old: Sequence[Hashable], new: Sequence[Hashable], *, budget: AlignmentBudget
) -> list[Opcode]:
    """difflib-style opcodes turning ``old`` into ``new``, without empty operations."""
    blocks: list[_Block] = []
    stack: list[_Range] = [(0, len(old), 0, len(new))]
    while stack:
        stack.extend(_align_range(old, new, stack.pop(), budget=budget, blocks=blocks))
    return _opcodes(sorted(blocks), len(old), len(new))


def _align_range(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    bounds: _Range,
    *,
    budget: AlignmentBudget,
    blocks: list[_Block],
) -> list[_Range]:
    """Match what can be matched in ``bounds``; return the sub-ranges still to align."""
    alo, ahi, blo, bhi = bounds
    if not budget.spend(ahi - alo + bhi - blo):
        return []
    start = alo
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo, blo = alo + 1, blo + 1
    if alo > start:
        blocks.append((start, blo - (alo - start), alo - start))
    end = ahi
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
    if ahi < end:
        blocks.append((ahi, bhi, end - ahi))
    if alo == ahi or blo == bhi:
        return []

    # Small ranges get a minimal diff when Myers can afford one; large ranges, or small ones
    # Myers gave up on, are cut at unique items first.
    if ahi - alo + bhi - blo <= _SMALL_RANGE:
        found = _myers_blocks(a[alo:ahi], b[blo:bhi], budget=budget)
        if found is not None:
            blocks.extend((i + alo, j + blo, size) for i, j, size in found)
            return []
    anchors = _unique_anchors(a, b, (alo, ahi, blo, bhi))
    if anchors:
        return _gaps_between(anchors, (alo, ahi, blo, bhi), blocks=blocks)
    if ahi - alo + bhi - blo > _SMALL_RANGE:
        found = _myers_blocks(a[alo:ahi], b[blo:bhi], budget=budget)
        blocks.extend((i + alo, j + blo, size) for i, j, size in found or [])
    return []


def _unique_anchors(
    a: Sequence[Hashable], b: Sequence[Hashable], bounds: _Range
) -> list[tuple[int, int]]:
    """Pairs of items unique on both sides, longest run that keeps the same order."""
    alo, ahi, blo, bhi = bounds
    a_counts = Counter(a[alo:ahi])
    b_counts = Counter(b[blo:bhi])
    b_position = {b[j]: j for j in range(blo, bhi) if b_counts[b[j]] == 1}
    pairs = [
        (i, b_position[a[i]]) for i in range(alo, ahi) if a_counts[a[i]] == 1 and a[i] in b_position
    ]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first item) increasing in the second."""
    tails: list[int] = []  # tails[k]: smallest last j of an increasing run of length k + 1
    tail_index: list[int] = []
    previous: list[int] = []
    for index, (_, j) in enumerate(pairs):
        length = bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[length] = j
            tail_index[length] = index
        previous.append(tail_index[length - 1] if length else -1)
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _gaps_between(
    anchors: list[tuple[int, int]], bounds: _Range, *, blocks: list[_Block]
) -> list[_Range]:
    alo, ahi, blo, bhi = bounds
    gaps: list[_Range] = []
    for i, j in anchors:
        blocks.append((i, j, 1))
        gaps.append((alo, i, blo, j))
        alo, blo = i + 1, j + 1
    gaps.append((alo, ahi, blo, bhi))
    return [gap for gap in gaps if gap[0] < gap[1] or gap[2] < gap[3]]


def _myers_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], *, budget: AlignmentBudget
) -> list[_Block] | None:
    """Matching blocks of a shortest edit script; None when it would cost too much."""
    allowance = budget.remaining // _MYERS_SHARE
    # Items that cannot be matched force edits; Myers needs about D * D / 2 steps for D
    # edits, so a range whose lower bound on D is already too costly is not attempted.
    common = sum((Counter(a) & Counter(b)).values())
    least_edits = len(a) + len(b) - 2 * common
    if common == 0:
        return []
    if least_edits * least_edits // 2 > allowance:
        return None
    trace, steps = _myers_trace(a, b, allowance=allowance)
    budget.spend(min(steps, budget.remaining))
    return _backtrack(trace, len(a), len(b)) if trace is not None else None


def _myers_trace(
    a: Sequence[Hashable], b: Sequence[Hashable], *, allowance: int
) -> tuple[list[list[int]] | None, int]:
    """Furthest x per diagonal after each edit count; None when ``allowance`` ran out."""
    n, m = len(a), len(b)
    offset = n + m + 1
    furthest = [0] * (2 * offset + 1)
    trace: list[list[int]] = []
    steps = 0
    for d in range(n + m + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]
            else:
                x = furthest[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            steps += 1 + x - start
            furthest[offset + k] = x
            if x >= n and y >= m:
                trace.append(furthest[offset - d : offset + d + 1])
                return trace, steps
        trace.append(furthest[offset - d : offset + d + 1])
        if steps > allowance:
            return None, steps
    return trace, steps  # unreachable: D never exceeds n + m


def _backtrack(trace: list[list[int]], n: int, m: int) -> list[_Block]:
    blocks: list[_Block] = []
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        previous = trace[d - 1]  # covers diagonals -(d - 1) .. d - 1
        k = x - y
        down = k == -d or (k != d and previous[k - 1 + d - 1] < previous[k + 1 + d - 1])
        previous_k = k + 1 if down else k - 1
        previous_x = previous[previous_k + d - 1]
        previous_y = previous_x - previous_k
        middle_x = previous_x if down else previous_x + 1
        if x > middle_x:
            blocks.append((middle_x, middle_x - k, x - middle_x))
        x, y = previous_x, previous_y
    if x > 0:
        blocks.append((0, 0, x))
    return blocks


def _opcodes(blocks: list[_Block], n: int, m: int) -> list[Opcode]:
    opcodes: list[Opcode] = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (n, m, 0)]:
        if i < block_i and j < block_j:
            opcodes.append(("replace", i, block_i, j, block_j))
        elif i < block_i:
            opcodes.append(("delete", i, block_i, j, block_j))
        elif j < block_j:
            opcodes.append(("insert", i, block_i, j, block_j))
        if size:
            if opcodes and opcodes[-1][0] == "equal" and opcodes[-1][2] == block_i:
                _, equal_i, _, equal_j, _ = opcodes.pop()
                opcodes.append(("equal", equal_i, block_i + size, equal_j, block_j + size))
            else:
                opcodes.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return opcodes
