"""Paired statistics for an A/B comparison of two prompts run on the same cases.

Each case gives one pass/fail and one score for A and for B. Because the cases are
shared, the tests are paired: McNemar's exact test on the pass/fail flips, the
Wilcoxon signed-rank test on the score differences, and a bootstrap confidence
interval of the mean score difference (B − A).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from autoforge.domain.errors import InvalidInputError

__all__ = [
    "PairedComparison",
    "PairedInputError",
    "Verdict",
    "bootstrap_mean_ci",
    "compare_paired",
    "mcnemar_exact_p",
    "required_paired_cases",
    "wilcoxon_signed_rank_p",
]

Verdict = Literal["a", "b", "no_significant_difference"]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Resample rows are drawn in chunks of about this many cells, so memory stays near
# 8 MB whatever the number of cases and resamples.
_BOOTSTRAP_CELLS_PER_CHUNK = 1_000_000


class PairedInputError(InvalidInputError):
    """The paired results or the test settings cannot be compared."""

    code = "PAIRED_INPUT_INVALID"


@dataclass(frozen=True, slots=True)
class PairedComparison:
    """Every figure of one paired comparison.

    ``b01`` counts cases A failed and B passed; ``b10`` cases A passed and B failed.
    ``mean_difference`` and the confidence interval are of the scores, B − A.
    ``needed_additional_cases`` is 0 when a winner is declared, and None when the
    observed difference is zero (or there is a single case), so no estimate exists.
    """

    n: int
    pass_rate_a: float
    pass_rate_b: float
    b01: int
    b10: int
    mcnemar_p: float
    wilcoxon_p: float
    mean_difference: float
    ci_low: float
    ci_high: float
    confidence: float
    alpha: float
    verdict: Verdict
    needed_additional_cases: int | None


def compare_paired(
    *,
    passed_a: Sequence[bool],
    passed_b: Sequence[bool],
    scores_a: Sequence[float] | None = None,
    scores_b: Sequence[float] | None = None,
    alpha: float = 0.05,
    confidence: float = 0.95,
    resamples: int = 10_000,
    power: float = 0.8,
    seed: int = 0,
) -> PairedComparison:
    """Compare A and B case by case and say which one wins, if either does.

    Without scores, a pass counts as score 1 and a fail as 0.

    Verdict rule: B wins when the bootstrap confidence interval of mean(B − A) lies
    wholly above 0 AND at least one paired test agrees at ``alpha``: the Wilcoxon
    test on the scores, or McNemar's test on pass/fail with more cases flipped to
    pass by B than by A (b01 > b10). A wins by the mirror rule. Requiring the
    interval as well as a test keeps one lucky test from declaring a winner the
    score differences do not support. Otherwise the verdict is
    "no_significant_difference", with an estimate of how many more paired cases a
    test of the observed effect would need at the given ``power``.
    """
    _check_settings(alpha=alpha, confidence=confidence, resamples=resamples, power=power)
    pass_a, pass_b = _bool_array(passed_a, passed_b)
    differences = _score_differences(pass_a, pass_b, scores_a=scores_a, scores_b=scores_b)

    b01 = int(np.count_nonzero(~pass_a & pass_b))
    b10 = int(np.count_nonzero(pass_a & ~pass_b))
    mcnemar_p = mcnemar_exact_p(b01, b10)
    wilcoxon_p = wilcoxon_signed_rank_p(differences)
    rng = np.random.default_rng(seed)
    ci_low, ci_high = bootstrap_mean_ci(
        differences, confidence=confidence, resamples=resamples, rng=rng
    )

    mcnemar_favours: Verdict | None = None
    if mcnemar_p < alpha and b01 != b10:
        mcnemar_favours = "b" if b01 > b10 else "a"
    verdict = _verdict(
        ci=(ci_low, ci_high),
        wilcoxon_significant=wilcoxon_p < alpha,
        mcnemar_favours=mcnemar_favours,
    )
    needed: int | None = 0
    if verdict == "no_significant_difference":
        needed = required_paired_cases(differences, alpha=alpha, power=power)

    return PairedComparison(
        n=len(differences),
        pass_rate_a=float(pass_a.mean()),
        pass_rate_b=float(pass_b.mean()),
        b01=b01,
        b10=b10,
        mcnemar_p=mcnemar_p,
        wilcoxon_p=wilcoxon_p,
        mean_difference=float(differences.mean()),
        ci_low=ci_low,
        ci_high=ci_high,
        confidence=confidence,
        alpha=alpha,
        verdict=verdict,
        needed_additional_cases=needed,
    )


def mcnemar_exact_p(b01: int, b10: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test of b01 among the discordant pairs."""
    discordant = b01 + b10
    if discordant == 0:
        return 1.0
    return float(stats.binomtest(b01, discordant, 0.5, alternative="two-sided").pvalue)


def wilcoxon_signed_rank_p(differences: FloatArray) -> float:
    """Two-sided Wilcoxon signed-rank p-value; zero differences are dropped (Wilcoxon's rule)."""
    if not np.any(differences != 0.0):
        # SciPy divides by zero here; no non-zero difference is no evidence at all.
        return 1.0
    result = stats.wilcoxon(differences, zero_method="wilcox", alternative="two-sided")
    return float(result.pvalue)


def bootstrap_mean_ci(
    differences: FloatArray,
    *,
    confidence: float,
    resamples: int,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean difference, reproducible through ``rng``."""
    n = len(differences)
    rows_per_chunk = max(1, _BOOTSTRAP_CELLS_PER_CHUNK // n)
    means = np.empty(resamples, dtype=np.float64)
    for start in range(0, resamples, rows_per_chunk):
        rows = min(rows_per_chunk, resamples - start)
        picks = rng.integers(0, n, size=(rows, n))
        means[start : start + rows] = differences[picks].mean(axis=1)

    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def required_paired_cases(differences: FloatArray, *, alpha: float, power: float) -> int | None:
    """How many more paired cases a two-sided test of the observed effect would need.

    Normal approximation of the paired t-test: n = ((z[1-α/2] + z[power]) · sd / mean)².
    The total is never below the smallest n at which an exact sign-based test can
    reach ``alpha`` at all (all differences of one sign), and at least one more case
    is always asked for, since the current ones did not suffice. None when the mean
    difference is zero or a single case leaves the spread unknown.
    """
    n = len(differences)
    mean = float(differences.mean())
    if n < 2 or mean == 0.0:
        return None

    spread = float(differences.std(ddof=1))
    normal = NormalDist()
    z_sum = normal.inv_cdf(1.0 - alpha / 2.0) + normal.inv_cdf(power)
    by_effect = math.ceil((z_sum * spread / mean) ** 2)
    # Two-sided exact tests need 2 · 0.5**n < alpha before any sample can be significant.
    smallest_testable = math.floor(math.log2(2.0 / alpha)) + 1
    return max(1, max(by_effect, smallest_testable) - n)


def _verdict(
    *,
    ci: tuple[float, float],
    wilcoxon_significant: bool,
    mcnemar_favours: Verdict | None,
) -> Verdict:
    low, high = ci
    if low > 0.0 and (wilcoxon_significant or mcnemar_favours == "b"):
        return "b"
    if high < 0.0 and (wilcoxon_significant or mcnemar_favours == "a"):
        return "a"
    return "no_significant_difference"


def _check_settings(*, alpha: float, confidence: float, resamples: int, power: float) -> None:
    for name, value in (("alpha", alpha), ("confidence", confidence), ("power", power)):
        if not 0.0 < value < 1.0:
            raise PairedInputError(
                f"{name} must lie strictly between 0 and 1.",
                f"{name} は 0 より大きく 1 より小さい値にしてください。",
            )
    if resamples < 1:
        raise PairedInputError(
            "resamples must be at least 1.", "resamples は 1 以上にしてください。"
        )


def _bool_array(passed_a: Sequence[bool], passed_b: Sequence[bool]) -> tuple[BoolArray, BoolArray]:
    if len(passed_a) != len(passed_b):
        raise _length_mismatch("passed_a", len(passed_a), "passed_b", len(passed_b))
    if len(passed_a) == 0:
        raise PairedInputError(
            "At least one paired case is needed.", "比較には少なくとも 1 件のペアが必要です。"
        )
    return np.asarray(passed_a, dtype=np.bool_), np.asarray(passed_b, dtype=np.bool_)


def _score_differences(
    pass_a: BoolArray,
    pass_b: BoolArray,
    *,
    scores_a: Sequence[float] | None,
    scores_b: Sequence[float] | None,
) -> FloatArray:
    if scores_a is None and scores_b is None:
        return pass_b.astype(np.float64) - pass_a.astype(np.float64)
    if scores_a is None or scores_b is None:
        raise PairedInputError(
            "Give scores for both A and B, or for neither.",
            "スコアは A と B の両方に指定するか、どちらも省略してください。",
        )
    n = len(pass_a)
    for name, scores in (("scores_a", scores_a), ("scores_b", scores_b)):
        if len(scores) != n:
            raise _length_mismatch("passed_a", n, name, len(scores))

    a = np.asarray(scores_a, dtype=np.float64)
    b = np.asarray(scores_b, dtype=np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise PairedInputError(
            "Scores must be finite numbers.", "スコアは有限の数値でなければなりません。"
        )
    return b - a


def _length_mismatch(left: str, left_n: int, right: str, right_n: int) -> PairedInputError:
    return PairedInputError(
        f"Paired inputs differ in length: {left} has {left_n}, {right} has {right_n}.",
        f"ペアの入力の件数が一致しません: {left} は {left_n} 件、{right} は {right_n} 件です。",
        extra={left: left_n, right: right_n},
    )
