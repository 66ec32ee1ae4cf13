"""Text similarity metrics, standard library only: Levenshtein, BLEU and ROUGE-N.

They follow promptfoo's definitions so scores agree with it:

- Levenshtein counts insertions, deletions and substitutions of characters. Here a
  character is a code point; promptfoo counts UTF-16 code units, so an emoji or other
  character outside the Basic Multilingual Plane costs 1 edit here and 2 there.
- BLEU is Papineni et al. with 1- to 4-gram precisions weighted equally, n-gram
  counts clipped by the best reference, whitespace tokens of the lower-cased text,
  orders longer than the candidate skipped (their weight shared among the others),
  a zero precision smoothed to 1e-7, and the brevity penalty against the reference
  closest in length.
- ROUGE-N (n = 1) is the F1 of clipped unigram overlap between Treebank tokens of
  the lower-cased texts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Final

from autoforge.domain.evaluation.assertions.errors import CheckError
from autoforge.domain.evaluation.assertions.js import js_split_whitespace, js_trim
from autoforge.domain.evaluation.assertions.treebank import treebank_tokens

__all__ = ["MAX_LEVENSHTEIN_CELLS", "bleu_score", "levenshtein_within", "rouge_n_score"]

# A bound on the dynamic-programming table, so a long text with a large threshold
# cannot tie up a worker for minutes.
MAX_LEVENSHTEIN_CELLS: Final = 10_000_000
_BLEU_ORDERS: Final = 4
_ZERO_PRECISION: Final = 1e-7


def levenshtein_within(first: str, second: str, limit: int) -> int:
    """The edit distance when it is at most `limit`; otherwise `limit + 1`."""
    first, second = _strip_common_ends(first, second)
    if len(first) > len(second):
        first, second = second, first
    beyond = limit + 1
    if len(second) - len(first) > limit:
        return beyond
    if not first:
        return len(second)
    width = 2 * min(limit, len(second)) + 1
    if len(first) * width > MAX_LEVENSHTEIN_CELLS:
        raise CheckError("texts too long for a levenshtein check with this threshold")
    return _banded_distance(first, second, min(limit, len(second)), beyond)


def _strip_common_ends(first: str, second: str) -> tuple[str, str]:
    start = 0
    shortest = min(len(first), len(second))
    while start < shortest and first[start] == second[start]:
        start += 1
    end = 0
    while end < shortest - start and first[-1 - end] == second[-1 - end]:
        end += 1
    return first[start : len(first) - end], second[start : len(second) - end]


def _banded_distance(short: str, long: str, band: int, beyond: int) -> int:
    """Ukkonen's band: only cells within `band` of the diagonal can stay within it.

    Row i holds the distances of short[:i] to long[:j] for j = i - band ... i + band,
    cell k standing for j = i + k - band.
    """
    width = 2 * band + 1
    previous = [k - band if 0 <= k - band <= len(long) else beyond for k in range(width)]
    for i in range(1, len(short) + 1):
        current = [beyond] * width
        for k in range(width):
            j = i + k - band
            if j < 0 or j > len(long):
                continue
            if j == 0:
                current[k] = min(i, beyond)
                continue
            above = previous[k + 1] + 1 if k + 1 < width else beyond
            left = current[k - 1] + 1 if k > 0 else beyond
            diagonal = previous[k] + (short[i - 1] != long[j - 1])
            current[k] = min(above, left, diagonal, beyond)
        if min(current) >= beyond:
            return beyond
        previous = current
    return min(previous[len(long) - len(short) + band], beyond)


def bleu_score(candidate: str, references: Sequence[str]) -> float:
    if not js_trim(candidate):
        return 0.0
    words = _bleu_words(candidate)
    reference_words = [_bleu_words(reference) for reference in references]
    precisions = [
        _clipped_precision(words, reference_words, order)
        for order in range(1, _BLEU_ORDERS + 1)
        if len(words) >= order
    ]
    weight = 1 / len(precisions)
    log_sum = sum(weight * math.log(p if p > 0 else _ZERO_PRECISION) for p in precisions)
    return _brevity_penalty(len(words), _closest_length(len(words), reference_words)) * (
        math.exp(log_sum)
    )


def _bleu_words(text: str) -> list[str]:
    return js_split_whitespace(js_trim(text.lower()))


def _ngrams(words: Sequence[str], order: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + order]) for i in range(len(words) - order + 1))


def _clipped_precision(words: list[str], references: list[list[str]], order: int) -> float:
    candidate = _ngrams(words, order)
    total = sum(candidate.values())
    best = 0
    for reference in references:
        counts = _ngrams(reference, order)
        best = max(best, sum(min(count, counts[gram]) for gram, count in candidate.items()))
    return best / total


def _closest_length(length: int, references: list[list[str]]) -> int:
    """The reference length nearest the candidate's; on a tie, the shorter one."""
    return min((len(words) for words in references), key=lambda n: (abs(n - length), n))


def _brevity_penalty(candidate_length: int, reference_length: int) -> float:
    if candidate_length > reference_length:
        return 1.0
    return math.exp(1 - reference_length / candidate_length)


def rouge_n_score(candidate: str, reference: str, n: int = 1) -> float:
    candidate_tokens = treebank_tokens(candidate.lower())
    reference_tokens = treebank_tokens(reference.lower())
    if len(candidate_tokens) < n or len(reference_tokens) < n:
        return 0.0
    candidate_grams = _ngrams(candidate_tokens, n)
    reference_grams = _ngrams(reference_tokens, n)
    overlap = sum(min(count, reference_grams[gram]) for gram, count in candidate_grams.items())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(candidate_grams.values())
    recall = overlap / sum(reference_grams.values())
    return _f1(precision, recall)


def _f1(precision: float, recall: float) -> float:
    if precision == recall:
        return precision
    return 2 * precision * recall / (precision + recall)
