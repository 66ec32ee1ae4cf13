"""Scoring a test: weights, informational weight 0, thresholds, named metrics, errors."""

from __future__ import annotations

import pytest

from autoforge.domain.evaluation.assertions import evaluate_test_sync


def score(
    output: str, assertions: list[dict[str, object]], **options: object
) -> tuple[bool, float]:
    result = evaluate_test_sync(output, assertions=assertions, **options)  # type: ignore[arg-type]
    return result.passed, result.score


def test_no_assertions_pass_with_full_score() -> None:
    result = evaluate_test_sync("anything", assertions=[])
    assert (result.passed, result.score, result.reason) == (True, 1.0, "No assertions")


def test_score_is_the_weighted_mean_and_any_failure_fails_without_threshold() -> None:
    passed, value = score(
        "alpha",
        [
            {"type": "contains", "value": "alpha", "weight": 3},
            {"type": "contains", "value": "beta"},
        ],
    )
    assert not passed
    assert value == pytest.approx(3 / 4)


def test_threshold_lets_a_test_pass_despite_failures() -> None:
    assertions: list[dict[str, object]] = [
        {"type": "contains", "value": "alpha", "weight": 3},
        {"type": "contains", "value": "beta"},
    ]
    assert score("alpha", assertions, threshold=0.75) == (True, 0.75)
    assert score("alpha", assertions, threshold=0.76)[0] is False


def test_threshold_zero_is_honoured_and_always_passes() -> None:
    assert score("x", [{"type": "contains", "value": "nope"}], threshold=0) == (True, 0.0)


def test_weight_zero_is_informational_it_passes_and_does_not_count() -> None:
    result = evaluate_test_sync(
        "x",
        assertions=[
            {"type": "contains", "value": "nope", "weight": 0},
            {"type": "contains", "value": "x"},
        ],
    )
    informational = result.components[0]
    assert (informational.passed, informational.score, informational.weight) == (True, 0.0, 0.0)
    assert (result.passed, result.score) == (True, 1.0)


def test_all_weights_zero_score_zero() -> None:
    assert score("x", [{"type": "contains", "value": "x", "weight": 0}]) == (True, 0.0)


def test_named_metrics_are_weighted_means_of_their_assertions() -> None:
    result = evaluate_test_sync(
        "ok",
        assertions=[
            {"type": "contains", "value": "ok", "metric": "{{ lang }}_check", "weight": 3},
            {"type": "contains", "value": "ng", "metric": "{{ lang }}_check"},
            {"type": "contains", "value": "o", "metric": "other"},
        ],
        variables={"lang": "ja"},
    )
    assert result.named_scores == {"ja_check": pytest.approx(0.75), "other": 1.0}
    assert result.components[0].metric == "ja_check"


def test_an_error_fails_the_test_even_when_the_threshold_is_met() -> None:
    result = evaluate_test_sync(
        "x",
        assertions=[
            {"type": "contains", "value": "x", "weight": 9},
            {"type": "regex", "value": "("},
        ],
        threshold=0.5,
    )
    assert result.score == pytest.approx(0.9)
    assert not result.passed
    assert result.has_errors
    assert "could not be evaluated" in result.reason


def test_an_error_in_one_assertion_leaves_the_others_evaluated() -> None:
    result = evaluate_test_sync(
        "x", assertions=[{"type": "bogus"}, {"type": "contains", "value": "x"}]
    )
    bogus, contains = result.components
    assert (bogus.type, bogus.passed, bogus.error is not None) == ("bogus", False, True)
    assert (contains.passed, contains.error) == (True, None)


def test_failure_reason_is_the_first_failed_assertion() -> None:
    result = evaluate_test_sync("x", assertions=[{"type": "contains", "value": "y"}])
    assert result.reason == 'Expected output to contain "y"'


def test_results_serialise_with_promptfoo_field_names() -> None:
    document = evaluate_test_sync(
        "x", assertions=[{"type": "not-contains", "value": "x"}]
    ).to_dict()
    assert document["pass"] is False
    assert document["components"][0]["pass"] is False
    assert document["components"][0]["reason"] == 'Expected output not to contain "x"'
