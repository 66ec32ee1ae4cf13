"""Line and character diffs between prompt versions, including Japanese and long texts."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest

from autoforge.domain.prompt.diff import CharDiff, DiffOperation, LineDiff, char_diff, line_diff


def assert_reconstructs(old: str, new: str, operations: tuple[DiffOperation, ...]) -> None:
    assert "".join(op.old_text for op in operations) == old
    assert "".join(op.new_text for op in operations) == new
    for op in operations:
        assert old[op.old_start : op.old_end] == op.old_text
        assert new[op.new_start : op.new_end] == op.new_text


def test_line_diff_reports_operations_counts_and_a_unified_diff() -> None:
    old = "You are a helpful assistant.\nAnswer in English.\nBe brief.\n"
    new = "You are a helpful assistant.\nAnswer in Japanese.\nBe brief.\nCite sources.\n"

    diff = line_diff(old, new)

    assert [op.tag for op in diff.operations] == ["equal", "replace", "equal", "insert"]
    replace = diff.operations[1]
    assert (replace.old_start, replace.old_end, replace.new_start, replace.new_end) == (1, 2, 1, 2)
    assert replace.old_text == "Answer in English.\n"
    assert replace.new_text == "Answer in Japanese.\n"
    assert (diff.lines_added, diff.lines_removed) == (2, 1)
    assert diff.unified.splitlines()[:2] == ["--- old", "+++ new"]
    assert "-Answer in English." in diff.unified.splitlines()
    assert "+Cite sources." in diff.unified.splitlines()


def test_line_diff_of_equal_texts_is_one_equal_operation_and_no_unified_text() -> None:
    diff = line_diff("a\nb\n", "a\nb\n")

    assert [op.tag for op in diff.operations] == ["equal"]
    assert (diff.lines_added, diff.lines_removed, diff.unified) == (0, 0, "")


def test_line_diff_labels_and_context_are_configurable() -> None:
    old = "\n".join(f"line {n}" for n in range(10))
    new = old.replace("line 5", "line five")

    diff = line_diff(old, new, context=0, old_label="v1", new_label="v2")

    assert diff.unified.splitlines() == ["--- v1", "+++ v2", "@@ -6 +6 @@", "-line 5", "+line five"]


def test_a_one_character_change_in_japanese_is_a_one_character_replace() -> None:
    old = "今日は良い天気ですね。散歩に行きましょう。"
    new = "今日は悪い天気ですね。散歩に行きましょう。"

    diff = char_diff(old, new)

    changed = [op for op in diff.operations if op.tag != "equal"]
    assert len(changed) == 1
    assert (changed[0].tag, changed[0].old_text, changed[0].new_text) == ("replace", "良", "悪")
    assert (changed[0].old_start, changed[0].old_end) == (3, 4)
    assert (diff.chars_added, diff.chars_removed) == (1, 1)
    assert_reconstructs(old, new, diff.operations)


def test_char_diff_reports_insertions_and_deletions_with_positions() -> None:
    old = "プロンプトを改善する"
    new = "良いプロンプトを改善"

    diff = char_diff(old, new)

    assert [(op.tag, op.old_text, op.new_text) for op in diff.operations] == [
        ("insert", "", "良い"),
        ("equal", "プロンプトを改善", "プロンプトを改善"),
        ("delete", "する", ""),
    ]
    assert (diff.chars_added, diff.chars_removed) == (2, 2)
    assert_reconstructs(old, new, diff.operations)


@pytest.mark.parametrize(("old", "new"), [("", ""), ("", "新しい"), ("old", ""), ("same", "same")])
def test_char_diff_handles_empty_and_equal_texts(old: str, new: str) -> None:
    diff = char_diff(old, new)

    assert_reconstructs(old, new, diff.operations)
    assert diff.chars_added == (0 if old == new else len(new))
    assert diff.chars_removed == (0 if old == new else len(old))


def test_long_texts_with_scattered_edits_diff_quickly_and_exactly() -> None:
    generator = random.Random(7)
    words = ["prompt", "model", "answer", "context", "評価", "改善", "テスト", "\n"]
    old = " ".join(generator.choice(words) for _ in range(40_000))
    characters = list(old)
    for position in generator.sample(range(len(characters)), 50):
        characters[position] = "#"
    new = "".join(characters)

    started = time.perf_counter()
    diff = char_diff(old, new)
    elapsed = time.perf_counter() - started

    assert elapsed < 3.0
    assert_reconstructs(old, new, diff.operations)
    changed = sum(1 for a, b in zip(old, new, strict=True) if a != b)
    assert diff.chars_removed == diff.chars_added == changed


def test_distant_edits_in_a_long_japanese_paragraph_stay_character_level() -> None:
    # No line breaks and two edits far apart: the text between them is too long to match
    # character by character, so sentences are aligned first.
    old = "".join(f"この文章は評価のためのサンプル{n}です。" for n in range(3_000))
    new = old.replace("サンプル100です。", "サンプル100でした。").replace(
        "サンプル2900です。", "例2900です。"
    )

    started = time.perf_counter()
    diff = char_diff(old, new)
    elapsed = time.perf_counter() - started

    changed = [(op.tag, op.old_text, op.new_text) for op in diff.operations if op.tag != "equal"]
    assert changed == [("replace", "す", "した"), ("replace", "サンプル", "例")]
    assert elapsed < 1.0
    assert_reconstructs(old, new, diff.operations)


def test_highly_repetitive_texts_do_not_make_diffs_quadratic() -> None:
    old = "a\n" * 20_000
    new = "b\n" + "a\n" * 20_000 + "c\n"

    started = time.perf_counter()
    lines = line_diff(old, new)
    characters = char_diff(old, new)
    elapsed = time.perf_counter() - started

    assert elapsed < 3.0
    assert "".join(op.new_text for op in lines.operations) == new
    assert_reconstructs(old, new, characters.operations)


def test_diff_results_are_frozen() -> None:
    line = line_diff("a", "b")
    char = char_diff("a", "b")

    for value in (line, char, char.operations[0]):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.__setattr__("tag" if isinstance(value, DiffOperation) else "operations", ())
    assert isinstance(line, LineDiff)
    assert isinstance(char, CharDiff)
