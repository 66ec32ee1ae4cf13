"""Deterministic checks on the output text: equality, substrings, regex, counts, metrics.

Case-insensitive types lower-case both sides with str.lower(), which applies the same
full Unicode mappings as JavaScript's toLowerCase() ("İ" becomes "i̇", "ß" stays "ß").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from autoforge.domain.evaluation.assertions.context import (
    CheckInput,
    binary_verdict,
    graded_verdict,
)
from autoforge.domain.evaluation.assertions.errors import AssertionSpecError, CheckError
from autoforge.domain.evaluation.assertions.js import (
    JsonParseError,
    js_deep_equal,
    js_json_stringify,
    js_split_whitespace,
    js_string,
    js_trim,
    parse_json,
)
from autoforge.domain.evaluation.assertions.js_regex import JsRegexError, compile_js_regex
from autoforge.domain.evaluation.assertions.model import AssertionType, Verdict
from autoforge.domain.evaluation.assertions.regex_engine import regex_search
from autoforge.domain.evaluation.assertions.text_metrics import (
    bleu_score,
    levenshtein_within,
    rouge_n_score,
)
from autoforge.domain.evaluation.assertions.values import (
    contains_needle,
    needle_list,
    nonempty_string,
    string_list,
    string_value,
    word_count_spec,
)

__all__ = ["TEXT_CHECKS", "count_words", "regex_pattern"]

_DEFAULT_LEVENSHTEIN: Final = 5.0
_DEFAULT_ROUGE: Final = 0.75
_DEFAULT_BLEU: Final = 0.5


def check_equals(check: CheckInput) -> Verdict:
    """Objects, arrays and null compare with the output parsed as JSON; the rest as text."""
    value = check.value
    if value is None or isinstance(value, Mapping | list):
        try:
            matched = js_deep_equal(value, parse_json(check.output_text))
        except JsonParseError:
            matched = False
        shown = js_json_stringify(value)
    else:
        matched = js_string(value) == check.output_text
        shown = js_string(value)
    return binary_verdict(check, matched=matched, failure=check.expect(f'equal "{shown}"'))


def _contains(*, ignore_case: bool) -> Callable[[CheckInput], Verdict]:
    def check_contains(check: CheckInput) -> Verdict:
        needle = contains_needle(check.value, check.kind)
        haystack = check.output_text.lower() if ignore_case else check.output_text
        matched = (needle.lower() if ignore_case else needle) in haystack
        return binary_verdict(check, matched=matched, failure=check.expect(f'contain "{needle}"'))

    return check_contains


def _contains_list(*, ignore_case: bool, require_all: bool) -> Callable[[CheckInput], Verdict]:
    def check_contains_list(check: CheckInput) -> Verdict:
        needles = needle_list(check.value, check.kind)
        haystack = check.output_text.lower() if ignore_case else check.output_text
        found = [(n.lower() if ignore_case else n) in haystack for n in needles]
        matched = all(found) if require_all else any(found)
        listed = ", ".join(needles)
        if require_all:
            missing = ", ".join(n for n, hit in zip(needles, found, strict=True) if not hit)
            failure = check.expect(f"contain all of [{listed}]") + f". Missing: [{missing}]"
        else:
            failure = check.expect(f'contain one of "{listed}"')
        return binary_verdict(check, matched=matched, failure=failure)

    return check_contains_list


def check_starts_with(check: CheckInput) -> Verdict:
    prefix = nonempty_string(check.value, check.kind)
    matched = check.output_text.startswith(prefix)
    return binary_verdict(check, matched=matched, failure=check.expect(f'start with "{prefix}"'))


def regex_pattern(value: object, kind: str = "regex") -> str:
    """The pattern text, once it is known to compile as a JavaScript regex."""
    pattern = nonempty_string(value, kind)
    try:
        compile_js_regex(pattern)
    except JsRegexError as error:
        raise AssertionSpecError(str(error)) from error
    return pattern


def check_regex(check: CheckInput) -> Verdict:
    pattern = regex_pattern(check.value, check.kind)
    translated = compile_js_regex(pattern).pattern
    matched = regex_search(check.ports, translated, check.output_text)
    return binary_verdict(check, matched=matched, failure=check.expect(f'match regex "{pattern}"'))


def count_words(text: str) -> int:
    """Whitespace-separated words, whitespace as JavaScript's \\s defines it."""
    return sum(1 for word in js_split_whitespace(js_trim(text)) if word)


def check_word_count(check: CheckInput) -> Verdict:
    spec = word_count_spec(check.value, check.kind)
    count = count_words(check.output_text)
    if spec.exact is not None:
        matched = count == spec.exact
        wanted = f"equal {js_string(spec.exact)}"
    else:
        low = -math.inf if spec.minimum is None else spec.minimum
        high = math.inf if spec.maximum is None else spec.maximum
        matched = low <= count <= high
        wanted = f"be between {js_string(low)} and {js_string(high)}"
    failure = f"Word count {count} {'should not' if check.inverse else 'does not'} {wanted}"
    return binary_verdict(check, matched=matched, failure=failure)


def check_levenshtein(check: CheckInput) -> Verdict:
    reference = string_value(check.value, check.kind)
    threshold = check.threshold_or(_DEFAULT_LEVENSHTEIN)
    if threshold < 0:
        matched, shown = False, "at least 0"
    else:
        limit = math.floor(threshold)
        distance = levenshtein_within(check.output_text, reference, limit)
        matched = distance <= limit
        shown = str(distance) if matched else f"more than {limit}"
    relation = "within" if matched else "above"
    return binary_verdict(
        check,
        matched=matched,
        failure=f"Levenshtein distance {shown} is {relation} threshold {js_string(threshold)}",
    )


def _bound_check(measure: str, unit: str) -> Callable[[CheckInput], Verdict]:
    def check_bound(check: CheckInput) -> Verdict:
        threshold = check.required_threshold()
        observed = check.cost if measure == "cost" else check.latency_ms
        if observed is None:
            raise CheckError(f'"{check.kind}" needs the {measure} of the output, which is unknown')
        matched = observed <= threshold
        relation = "within" if matched else "above"
        reason = (
            f"{measure.capitalize()} {observed:g}{unit} is {relation} threshold {threshold:g}{unit}"
        )
        return binary_verdict(check, matched=matched, failure=reason)

    return check_bound


def check_rouge_n(check: CheckInput) -> Verdict:
    reference = string_value(check.value, check.kind)
    score = rouge_n_score(check.output_text, reference)
    return graded_verdict(
        check, score=score, threshold=check.threshold_or(_DEFAULT_ROUGE), label="ROUGE-N"
    )


def check_bleu(check: CheckInput) -> Verdict:
    references: Sequence[str] = string_list(check.value, check.kind)
    score = bleu_score(check.output_text, references)
    return graded_verdict(
        check, score=score, threshold=check.threshold_or(_DEFAULT_BLEU), label="BLEU"
    )


TEXT_CHECKS: Final[Mapping[AssertionType, Callable[[CheckInput], Verdict]]] = {
    AssertionType.EQUALS: check_equals,
    AssertionType.CONTAINS: _contains(ignore_case=False),
    AssertionType.ICONTAINS: _contains(ignore_case=True),
    AssertionType.CONTAINS_ANY: _contains_list(ignore_case=False, require_all=False),
    AssertionType.CONTAINS_ALL: _contains_list(ignore_case=False, require_all=True),
    AssertionType.ICONTAINS_ANY: _contains_list(ignore_case=True, require_all=False),
    AssertionType.ICONTAINS_ALL: _contains_list(ignore_case=True, require_all=True),
    AssertionType.STARTS_WITH: check_starts_with,
    AssertionType.REGEX: check_regex,
    AssertionType.WORD_COUNT: check_word_count,
    AssertionType.LEVENSHTEIN: check_levenshtein,
    AssertionType.COST: _bound_check("cost", ""),
    AssertionType.LATENCY: _bound_check("latency", "ms"),
    AssertionType.ROUGE_N: check_rouge_n,
    AssertionType.BLEU: check_bleu,
}
