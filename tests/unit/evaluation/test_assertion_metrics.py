"""word-count, levenshtein, cost, latency, rouge-n and bleu, with their not- forms."""

from __future__ import annotations

import math

import pytest

from autoforge.domain.evaluation.assertions.text_metrics import (
    bleu_score,
    levenshtein_within,
    rouge_n_score,
)
from autoforge.domain.evaluation.assertions.treebank import treebank_tokens
from tests.unit.evaluation.assertion_helpers import check, passes


class TestWordCount:
    def test_exact_count_and_inverse(self) -> None:
        assert passes("one two  three\n", {"type": "word-count", "value": 3})
        assert not passes("one two three", {"type": "not-word-count", "value": 3})

    def test_ranges_with_open_bounds(self) -> None:
        output = "a b c d e"
        assert passes(output, {"type": "word-count", "value": {"min": 5}})
        assert not passes(output, {"type": "word-count", "value": {"max": 4}})
        assert passes(output, {"type": "not-word-count", "value": {"min": 6, "max": 9}})

    def test_numeric_string_value_is_accepted_like_javascript_number(self) -> None:
        assert passes("a b", {"type": "word-count", "value": " 2 "})

    def test_ideographic_space_separates_words_and_unspaced_japanese_is_one_word(self) -> None:
        assert passes("東京\u3000大阪", {"type": "word-count", "value": 2})
        assert passes("東京は日本の首都です", {"type": "word-count", "value": 1})

    def test_empty_output_has_no_words(self) -> None:
        assert passes("", {"type": "word-count", "value": 0})

    @pytest.mark.parametrize("value", [None, "many", [1, 2], {"min": 5, "max": 1}, {"other": 1}])
    def test_bad_value_is_an_error(self, value: object) -> None:
        assert check("a", {"type": "word-count", "value": value}).error is not None


class TestLevenshtein:
    def test_default_threshold_is_five(self) -> None:
        assert passes("abcdefghij", {"type": "levenshtein", "value": "abcde"})
        assert not passes("abcdefghij", {"type": "levenshtein", "value": "abcd"})

    def test_explicit_threshold_and_inverse(self) -> None:
        assert not passes("kitten", {"type": "levenshtein", "value": "sitting", "threshold": 2})
        assert passes("kitten", {"type": "levenshtein", "value": "sitting", "threshold": 3})
        assert passes("kitten", {"type": "not-levenshtein", "value": "sitting", "threshold": 2})

    def test_an_emoji_is_one_edit_here(self) -> None:
        # promptfoo counts UTF-16 code units and would say 2; this product counts characters.
        assert levenshtein_within("🍕", "", 5) == 1
        assert passes("I ate 🍕", {"type": "levenshtein", "value": "I ate 🍣", "threshold": 1})

    def test_japanese_characters_are_single_edits(self) -> None:
        assert levenshtein_within("東京都", "京都府", 5) == 2

    @pytest.mark.parametrize(
        ("first", "second", "distance"),
        [("", "", 0), ("abc", "", 3), ("flaw", "lawn", 2), ("intention", "execution", 5)],
    )
    def test_distance_is_exact_within_the_limit(
        self, first: str, second: str, distance: int
    ) -> None:
        assert levenshtein_within(first, second, 10) == distance

    def test_distance_beyond_the_limit_is_reported_as_limit_plus_one(self) -> None:
        assert levenshtein_within("a" * 50, "b" * 50, 3) == 4
        assert levenshtein_within("x" * 10_000 + "a", "x" * 10_000 + "b", 2) == 1


class TestCostAndLatency:
    def test_cost_within_threshold_and_inverse(self) -> None:
        assert passes("x", {"type": "cost", "threshold": 0.01}, cost=0.005)
        assert not passes("x", {"type": "cost", "threshold": 0.001}, cost=0.005)
        assert passes("x", {"type": "not-cost", "threshold": 0.001}, cost=0.005)

    def test_latency_within_threshold_and_inverse(self) -> None:
        assert passes("x", {"type": "latency", "threshold": 500}, latency_ms=499)
        assert not passes("x", {"type": "latency", "threshold": 500}, latency_ms=501)
        assert passes("x", {"type": "not-latency", "threshold": 500}, latency_ms=501)

    def test_unknown_measurement_or_missing_threshold_is_an_error(self) -> None:
        assert check("x", {"type": "cost", "threshold": 1}).error is not None
        assert check("x", {"type": "latency"}, latency_ms=10).error is not None


class TestRouge:
    def test_identical_text_scores_one_and_not_form_scores_zero(self) -> None:
        assert check("the cat sat", {"type": "rouge-n", "value": "The cat sat"}).score == 1
        result = check("the cat sat", {"type": "not-rouge-n", "value": "the cat sat"})
        assert (result.passed, result.score) == (False, 0)

    def test_score_is_f1_of_clipped_unigram_overlap(self) -> None:
        # 4 shared tokens (the x2, sat, on) out of 6 on each side.
        assert rouge_n_score("the cat sat on the mat", "the dog sat on the rug") == pytest.approx(
            4 / 6
        )
        # "the the the" shares one "the" with "the cat": P = 1/3, R = 1/2.
        assert rouge_n_score("the the the", "the cat") == pytest.approx(
            2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2)
        )

    def test_treebank_tokens_split_punctuation_and_clitics(self) -> None:
        assert treebank_tokens("Don't stop, it's 1,000 (U.S.) dollars.") == [
            "Do", "n't", "stop", ",", "it", "'s", "1,000", "(", "U.S.", ")", "dollars", ".",
        ]  # fmt: skip

    def test_treebank_quotes_open_after_space_or_punctuation_and_close_otherwise(self) -> None:
        assert treebank_tokens('a "b" c') == ["a", "``", "b", "''", "c"]
        assert treebank_tokens('x="y" z') == ["x=", "''", "y", "''", "z"]
        assert treebank_tokens('**"root"**') == ["**", "``", "root", "''", "**"]

    def test_threshold_decides_pass(self) -> None:
        value = "the dog sat on the rug"
        assert not passes("the cat sat on the mat", {"type": "rouge-n", "value": value})
        assert passes(
            "the cat sat on the mat", {"type": "rouge-n", "value": value, "threshold": 0.6}
        )

    def test_empty_output_scores_zero(self) -> None:
        result = check("", {"type": "not-rouge-n", "value": "text"})
        assert (result.passed, result.score) == (True, 1)


class TestBleu:
    def test_identical_text_scores_one(self) -> None:
        assert bleu_score("The cat is on the mat", ["the cat is on the mat"]) == 1

    def test_geometric_mean_of_precisions(self) -> None:
        # Precisions 5/6, 4/5, 3/4, 2/3; no brevity penalty (6 words against 6).
        expected = (5 / 6 * 4 / 5 * 3 / 4 * 2 / 3) ** 0.25
        assert bleu_score("the cat is on the mat.", ["the cat is on the mat"]) == pytest.approx(
            expected
        )

    def test_best_reference_counts_and_brevity_penalty_uses_the_closest_length(self) -> None:
        score = bleu_score("hello world", ["something else entirely here", "hello world"])
        assert score == 1
        short = bleu_score("hello", ["hello there friend"])
        assert short == pytest.approx(math.exp(1 - 3 / 1))

    def test_no_match_is_smoothed_not_zero_and_not_bleu_inverts(self) -> None:
        result = check("alpha beta", {"type": "not-bleu", "value": "gamma delta"})
        assert result.passed
        assert 0.99 < result.score < 1

    def test_empty_output_scores_zero(self) -> None:
        assert check("  ", {"type": "bleu", "value": "text"}).score == 0
