"""Diffs stay correct and finish in bounded time on adversarial 200,000-character prompts.

The time limits are generous (the worst cases take well under 2 seconds on a 2-core
machine); they exist to fail on a regression to the minutes difflib needed on these inputs.
"""

from __future__ import annotations

import difflib
import random
import time
from collections.abc import Callable

import pytest

from autoforge.domain.prompt.diff import DiffOperation, char_diff, line_diff
from autoforge.domain.prompt.diff_alignment import AlignmentBudget, Opcode, bounded_opcodes
from autoforge.domain.prompt.diff_unified import unified_from_opcodes

PROMPT_LIMIT = 200_000
TIME_LIMIT_SECONDS = 10.0


def alternating_changed_lines() -> tuple[str, str]:
    lines = [f"{n:06d}\n" for n in range(PROMPT_LIMIT // 7)]
    changed = [line if n % 2 else f"X{n:05d}\n" for n, line in enumerate(lines)]
    return "".join(lines), "".join(changed)


def identical_lines() -> tuple[str, str]:
    return "a\n" * (PROMPT_LIMIT // 2), "b\n" * (PROMPT_LIMIT // 2)


def identical_lines_against_a_shifted_pattern() -> tuple[str, str]:
    return "a\n" * (PROMPT_LIMIT // 2), "a\nb\n" * (PROMPT_LIMIT // 4)


def one_huge_line_each() -> tuple[str, str]:
    generator = random.Random(1)
    return tuple(  # type: ignore[return-value]
        "".join(generator.choice("abcdefgh ") for _ in range(PROMPT_LIMIT)) for _ in range(2)
    )


def japanese_without_newlines() -> tuple[str, str]:
    generator = random.Random(2)
    characters = "のはをにがでとた。、評価改善プロンプトテスト"
    return tuple(  # type: ignore[return-value]
        "".join(generator.choice(characters) for _ in range(PROMPT_LIMIT)) for _ in range(2)
    )


def reordered_digits_between_unchanged_lines() -> tuple[str, str]:
    # Each changed line is small enough to be compared character by character, and shares
    # only a few characters, in another order: difflib needed seconds for each such line.
    old: list[str] = []
    new: list[str] = []
    for n in range(90):
        old += [f"same {n}\n", "0123456789" * 199 + "\n"]
        new += [f"same {n}\n", "9876543210" * 199 + "\n"]
    return "".join(old), "".join(new)


def lines_from_a_small_vocabulary() -> tuple[str, str]:
    generator = random.Random(5)
    words = [f"w{n}\n" for n in range(1_000)]
    return tuple(  # type: ignore[return-value]
        "".join(generator.choice(words) for _ in range(PROMPT_LIMIT // 6)) for _ in range(2)
    )


WORST_CASES: list[Callable[[], tuple[str, str]]] = [
    alternating_changed_lines,
    identical_lines,
    identical_lines_against_a_shifted_pattern,
    one_huge_line_each,
    japanese_without_newlines,
    reordered_digits_between_unchanged_lines,
    lines_from_a_small_vocabulary,
]


def assert_reconstructs(old: str, new: str, operations: tuple[DiffOperation, ...]) -> None:
    assert "".join(op.old_text for op in operations) == old
    assert "".join(op.new_text for op in operations) == new
    for op in operations:
        assert old[op.old_start : op.old_end] == op.old_text
        assert new[op.new_start : op.new_end] == op.new_text
        assert (op.tag == "equal") == (op.old_text == op.new_text)


@pytest.mark.parametrize("case", WORST_CASES, ids=lambda case: case.__name__)
def test_line_diff_of_worst_case_prompts_is_correct_and_bounded(
    case: Callable[[], tuple[str, str]],
) -> None:
    old, new = case()

    started = time.perf_counter()
    diff = line_diff(old, new)
    elapsed = time.perf_counter() - started

    assert elapsed < TIME_LIMIT_SECONDS
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert "".join(op.old_text for op in diff.operations) == old
    assert "".join(op.new_text for op in diff.operations) == new
    for op in diff.operations:
        assert "".join(old_lines[op.old_start : op.old_end]) == op.old_text
        assert "".join(new_lines[op.new_start : op.new_end]) == op.new_text
    changed = [op for op in diff.operations if op.tag != "equal"]
    assert diff.lines_added == sum(op.new_end - op.new_start for op in changed)
    assert diff.lines_removed == sum(op.old_end - op.old_start for op in changed)
    assert diff.unified.count("\n+") - diff.unified.count("\n+++ ") == diff.lines_added


@pytest.mark.parametrize("case", WORST_CASES, ids=lambda case: case.__name__)
def test_char_diff_of_worst_case_prompts_is_correct_and_bounded(
    case: Callable[[], tuple[str, str]],
) -> None:
    old, new = case()

    started = time.perf_counter()
    diff = char_diff(old, new)
    elapsed = time.perf_counter() - started

    assert elapsed < TIME_LIMIT_SECONDS
    assert_reconstructs(old, new, diff.operations)
    changed = [op for op in diff.operations if op.tag != "equal"]
    assert diff.chars_added == sum(len(op.new_text) for op in changed)
    assert diff.chars_removed == sum(len(op.old_text) for op in changed)


def test_every_other_line_changed_is_still_diffed_line_by_line() -> None:
    old, new = alternating_changed_lines()

    diff = line_diff(old, new)

    changed_lines = sum(
        1 for a, b in zip(old.splitlines(), new.splitlines(), strict=True) if a != b
    )
    assert diff.lines_added == diff.lines_removed == changed_lines
    assert all(op.old_end - op.old_start == 1 for op in diff.operations)


def test_an_exhausted_budget_turns_the_unaligned_rest_into_one_replace() -> None:
    old, new = list("abcabcabc"), list("xbcxbcxbc")

    opcodes = bounded_opcodes(old, new, budget=AlignmentBudget(0))

    assert opcodes == [("replace", 0, 9, 0, 9)]


def assert_valid_opcodes(old: list[str], new: list[str], opcodes: list[Opcode]) -> None:
    i = j = 0
    for tag, i1, i2, j1, j2 in opcodes:
        assert (i1, j1) == (i, j)
        assert i1 < i2 or j1 < j2
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))


def test_bounded_opcodes_are_valid_and_minimal_on_small_random_inputs() -> None:
    generator = random.Random(11)
    for _ in range(300):
        old = [generator.choice("abc") for _ in range(generator.randint(0, 12))]
        new = [generator.choice("abc") for _ in range(generator.randint(0, 12))]

        opcodes = bounded_opcodes(old, new, budget=AlignmentBudget())

        assert_valid_opcodes(old, new, opcodes)
        matched = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
        # No letter occurs once on both sides here, so Myers alone decides: the match is
        # a longest common subsequence, at least as long as difflib's.
        if not {c for c in old if old.count(c) == 1} & {c for c in new if new.count(c) == 1}:
            reference = difflib.SequenceMatcher(None, old, new, autojunk=False)
            assert matched >= sum(block.size for block in reference.get_matching_blocks())


@pytest.mark.parametrize("context", [0, 1, 3])
def test_unified_text_matches_difflib_for_the_same_alignment(context: int) -> None:
    generator = random.Random(context)
    for _ in range(200):
        old = [generator.choice("abcd") for _ in range(generator.randint(0, 25))]
        new = [generator.choice("abcd") for _ in range(generator.randint(0, 25))]
        opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

        ours = unified_from_opcodes(old, new, opcodes, context=context, labels=("v1", "v2"))

        reference = difflib.unified_diff(old, new, "v1", "v2", n=context, lineterm="")
        assert ours == "\n".join(reference)
