"""Scoring a test from its assertion results, as promptfoo does.

- The test score is the weighted mean of the assertion scores (0 when every weight
  is 0). An assertion with `weight: 0` is informational: its result is reported but
  always counts as passed.
- Without a threshold the test passes only if every assertion passed. With a numeric
  threshold (0 included) the test passes when its score reaches the threshold, even
  if some assertions failed.
- Each named metric is the weighted mean of the scores of the assertions naming it.
- Unlike promptfoo, where an assertion that cannot run turns the whole test into an
  error, an ERROR result here fails the test whatever the threshold, and the other
  assertions are still reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autoforge.domain.evaluation.assertions.model import AssertionResult, TestResult

__all__ = ["score_test"]


def score_test(results: Sequence[AssertionResult], *, threshold: float | None) -> TestResult:
    components = tuple(results)
    if not components:
        return TestResult(passed=True, score=1.0, reason="No assertions", threshold=threshold)
    score = _weighted_mean(components)
    passed, reason = _verdict(components, score, threshold)
    return TestResult(
        passed=passed,
        score=score,
        reason=reason,
        components=components,
        named_scores=_named_scores(components),
        threshold=threshold,
    )


def _weighted_mean(results: Sequence[AssertionResult]) -> float:
    total_weight = sum(result.weight for result in results)
    if total_weight <= 0:
        return 0.0
    return sum(result.score * result.weight for result in results) / total_weight


def _verdict(
    results: tuple[AssertionResult, ...], score: float, threshold: float | None
) -> tuple[bool, str]:
    errors = [result for result in results if result.is_error]
    if errors:
        return False, f"{len(errors)} assertion(s) could not be evaluated: {errors[0].error}"
    if threshold is not None and not math.isnan(threshold):
        passed = score >= threshold
        return passed, f"Aggregate score {score:.2f} {'≥' if passed else '<'} {threshold} threshold"
    failed = next((result for result in results if not result.passed), None)
    if failed is None:
        return True, "All assertions passed"
    return False, failed.reason


def _named_scores(results: Sequence[AssertionResult]) -> dict[str, float]:
    totals: dict[str, float] = {}
    weights: dict[str, float] = {}
    for result in results:
        if result.metric:
            totals[result.metric] = totals.get(result.metric, 0.0) + result.score * result.weight
            weights[result.metric] = weights.get(result.metric, 0.0) + result.weight
    return {
        metric: totals[metric] / weights[metric] if weights[metric] > 0 else 0.0
        for metric in totals
    }
