"""Paired A/B statistics, checked against values computed here from first principles."""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np
import pytest

from autoforge.domain.errors import InvalidInputError
from autoforge.infrastructure.evaluation.statistics import (
    bootstrap_mean_ci,
    compare_paired,
    mcnemar_exact_p,
    required_paired_cases,
    wilcoxon_signed_rank_p,
)


def exact_binomial_two_sided(k: int, n: int) -> float:
    """Two-sided binomial p at p=0.5: double the smaller tail, by counting subsets."""
    smaller = min(k, n - k)
    tail = sum(math.comb(n, i) for i in range(smaller + 1)) / (1 << n)
    return min(1.0, 2 * tail)


def exact_signed_rank_two_sided(differences: list[float]) -> float:
    """Two-sided exact Wilcoxon p by enumerating every sign pattern (no ties, no zeros)."""
    magnitudes = sorted(abs(d) for d in differences)
    ranks = {m: r + 1 for r, m in enumerate(magnitudes)}
    observed = sum(ranks[abs(d)] for d in differences if d > 0)
    total = len(differences) * (len(differences) + 1) / 2
    extreme = max(observed, total - observed)
    patterns = list(itertools.product((0, 1), repeat=len(differences)))
    rank_sums = [sum(r * s for r, s in enumerate(signs, start=1)) for signs in patterns]
    at_least = sum(1 for rank_sum in rank_sums if rank_sum >= extreme)
    return min(1.0, 2 * at_least / len(patterns))


def paired_flags(*, both: int, neither: int, b01: int, b10: int) -> tuple[list[bool], list[bool]]:
    passed_a = [True] * both + [False] * neither + [False] * b01 + [True] * b10
    passed_b = [True] * both + [False] * neither + [True] * b01 + [False] * b10
    return passed_a, passed_b


@pytest.mark.parametrize(("b01", "b10"), [(9, 2), (2, 9), (5, 5), (12, 0), (1, 0)])
def test_mcnemar_equals_exact_binomial_on_discordant_pairs(b01: int, b10: int) -> None:
    assert mcnemar_exact_p(b01, b10) == pytest.approx(exact_binomial_two_sided(b01, b01 + b10))


def test_mcnemar_counts_only_the_discordant_pairs() -> None:
    passed_a, passed_b = paired_flags(both=30, neither=7, b01=9, b10=2)

    result = compare_paired(passed_a=passed_a, passed_b=passed_b, resamples=500)

    assert (result.b01, result.b10, result.n) == (9, 2, 48)
    assert result.mcnemar_p == pytest.approx(exact_binomial_two_sided(9, 11))
    assert result.pass_rate_a == pytest.approx(32 / 48)
    assert result.pass_rate_b == pytest.approx(39 / 48)


def test_mcnemar_is_one_without_discordant_pairs() -> None:
    assert mcnemar_exact_p(0, 0) == 1.0


def test_wilcoxon_equals_exact_signed_rank_distribution() -> None:
    differences = [0.8, -0.15, 0.4, 0.55, -0.05, 0.9, 0.3, 0.65]

    p = wilcoxon_signed_rank_p(np.array(differences))

    assert p == pytest.approx(exact_signed_rank_two_sided(differences))


def test_wilcoxon_of_all_zero_differences_is_one_without_error() -> None:
    assert wilcoxon_signed_rank_p(np.zeros(12)) == 1.0


def test_bootstrap_interval_is_reproducible_for_a_seed_and_moves_with_another() -> None:
    differences = np.random.default_rng(7).normal(0.2, 0.5, size=40)

    def interval(seed: int) -> tuple[float, float]:
        rng = np.random.default_rng(seed)
        return bootstrap_mean_ci(differences, confidence=0.95, resamples=2000, rng=rng)

    assert interval(1) == interval(1)
    assert interval(1) != interval(2)


def test_bootstrap_interval_agrees_with_normal_theory_on_a_large_sample() -> None:
    differences = np.random.default_rng(3).normal(0.3, 1.0, size=400)
    half_width = 1.959964 * differences.std(ddof=1) / math.sqrt(len(differences))
    mean = float(differences.mean())

    low, high = bootstrap_mean_ci(
        differences, confidence=0.95, resamples=10_000, rng=np.random.default_rng(0)
    )

    assert low == pytest.approx(mean - half_width, abs=0.01)
    assert high == pytest.approx(mean + half_width, abs=0.01)


def test_bootstrap_interval_widens_with_confidence() -> None:
    differences = np.random.default_rng(5).normal(0.0, 1.0, size=30)

    narrow = bootstrap_mean_ci(
        differences, confidence=0.8, resamples=4000, rng=np.random.default_rng(0)
    )
    wide = bootstrap_mean_ci(
        differences, confidence=0.99, resamples=4000, rng=np.random.default_rng(0)
    )

    assert wide[0] < narrow[0] < narrow[1] < wide[1]


def test_clear_win_of_b_is_declared() -> None:
    passed_a, passed_b = paired_flags(both=10, neither=5, b01=25, b10=1)
    scores_a = [0.9 if p else 0.2 for p in passed_a]
    scores_b = [0.95 if p else 0.25 for p in passed_b]

    result = compare_paired(
        passed_a=passed_a, passed_b=passed_b, scores_a=scores_a, scores_b=scores_b
    )

    assert result.verdict == "b"
    assert result.mcnemar_p < 0.05
    assert result.ci_low > 0
    assert result.needed_additional_cases == 0


def test_score_gain_without_pass_flips_wins_through_wilcoxon() -> None:
    rng = np.random.default_rng(4)
    scores_a = rng.uniform(0.6, 0.8, size=30)
    scores_b = scores_a + rng.uniform(0.05, 0.15, size=30)

    result = compare_paired(
        passed_a=[True] * 30,
        passed_b=[True] * 30,
        scores_a=scores_a.tolist(),
        scores_b=scores_b.tolist(),
    )

    assert result.mcnemar_p == 1.0
    assert result.wilcoxon_p < 0.05
    assert result.verdict == "b"


def test_clear_win_of_a_is_declared_when_the_roles_swap() -> None:
    passed_a, passed_b = paired_flags(both=10, neither=5, b01=1, b10=25)

    result = compare_paired(passed_a=passed_a, passed_b=passed_b)

    assert result.verdict == "a"
    assert result.ci_high < 0
    assert result.mean_difference == pytest.approx(-24 / 41)


def test_identical_results_show_no_difference_with_p_one() -> None:
    passed = [True, False, True, True, False, True]
    scores = [0.9, 0.1, 0.8, 0.7, 0.3, 1.0]

    result = compare_paired(
        passed_a=passed, passed_b=passed, scores_a=scores, scores_b=list(scores)
    )

    assert result.verdict == "no_significant_difference"
    assert (result.mcnemar_p, result.wilcoxon_p) == (1.0, 1.0)
    assert (result.ci_low, result.ci_high, result.mean_difference) == (0.0, 0.0, 0.0)
    assert result.needed_additional_cases is None


def test_small_noisy_sample_asks_for_more_cases() -> None:
    rng = np.random.default_rng(11)
    scores_a = rng.uniform(0.3, 0.9, size=8)
    scores_b = scores_a + rng.normal(0.05, 0.2, size=8)

    result = compare_paired(
        passed_a=[bool(s >= 0.6) for s in scores_a],
        passed_b=[bool(s >= 0.6) for s in scores_b],
        scores_a=scores_a.tolist(),
        scores_b=scores_b.tolist(),
    )

    assert result.verdict == "no_significant_difference"
    assert result.needed_additional_cases is not None
    assert result.needed_additional_cases > 0


def test_required_cases_follow_the_normal_approximation() -> None:
    differences = np.array([0.3, -0.1, 0.2, 0.0, 0.4, -0.2, 0.1, 0.1])
    mean, sd = differences.mean(), differences.std(ddof=1)
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    expected_total = math.ceil((z * sd / mean) ** 2)

    needed = required_paired_cases(differences, alpha=0.05, power=0.8)

    assert needed == expected_total - len(differences)


def test_required_cases_respect_the_smallest_testable_sample() -> None:
    # Identical positive differences have no spread, yet 3 cases can never reach
    # p < 0.05 in an exact two-sided test: 2 · 0.5**n < 0.05 first holds at n = 6.
    needed = required_paired_cases(np.full(3, 0.2), alpha=0.05, power=0.8)

    assert needed == 3


def test_scores_default_to_pass_as_one_and_fail_as_zero() -> None:
    passed_a, passed_b = paired_flags(both=2, neither=2, b01=3, b10=1)

    result = compare_paired(passed_a=passed_a, passed_b=passed_b, resamples=200)

    assert result.mean_difference == pytest.approx((3 - 1) / 8)


@pytest.mark.parametrize(
    "inputs",
    [
        {"passed_a": [True, False], "passed_b": [True]},
        {"passed_a": [True], "passed_b": [True], "scores_a": [0.1, 0.2], "scores_b": [0.3]},
        {"passed_a": [True], "passed_b": [True], "scores_a": [0.1]},
        {"passed_a": [], "passed_b": []},
        {"passed_a": [True], "passed_b": [True], "scores_a": [math.nan], "scores_b": [0.1]},
        {"passed_a": [True], "passed_b": [True], "alpha": 1.5},
        {"passed_a": [True], "passed_b": [True], "resamples": 0},
    ],
)
def test_unusable_inputs_raise_a_domain_invalid_input_error(inputs: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError) as raised:
        compare_paired(**inputs)  # type: ignore[arg-type]

    assert raised.value.instance_code == "PAIRED_INPUT_INVALID"
    assert raised.value.status == 422


def test_length_mismatch_names_both_lengths() -> None:
    with pytest.raises(InvalidInputError) as raised:
        compare_paired(passed_a=[True, True, False], passed_b=[True])

    assert raised.value.extra == {"passed_a": 3, "passed_b": 1}
