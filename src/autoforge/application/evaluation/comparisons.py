"""The verdict of an A/B comparison from its paired cells."""

from __future__ import annotations

from collections.abc import Iterable

from autoforge.application.evaluation.run_ports import ComparisonResult, PairedComparator
from autoforge.domain.evaluation.run import Cell
from autoforge.domain.evaluation.run_metrics import paired_outcomes

__all__ = ["DEFAULT_ALPHA", "compare_arms"]

DEFAULT_ALPHA = 0.05


def compare_arms(
    cells: Iterable[Cell], *, comparator: PairedComparator, alpha: float
) -> ComparisonResult:
    """Pair arm 0 (A) and arm 1 (B) by test case and repeat, and test the difference.

    Pairs where either side is an error cell are left out and counted: an outage says
    nothing about which prompt is better. Scores are the test scores (B − A).
    """
    outcomes = paired_outcomes(cells)
    if not outcomes.passed_a:
        return _no_pairs(excluded=outcomes.excluded, alpha=alpha)
    figures = comparator(
        passed_a=outcomes.passed_a,
        passed_b=outcomes.passed_b,
        scores_a=outcomes.scores_a,
        scores_b=outcomes.scores_b,
        alpha=alpha,
    )
    winner = figures.verdict if figures.verdict in ("a", "b") else None
    return ComparisonResult(
        pairs=figures.n,
        excluded_pairs=outcomes.excluded,
        pass_rate_a=figures.pass_rate_a,
        pass_rate_b=figures.pass_rate_b,
        b01=figures.b01,
        b10=figures.b10,
        mcnemar_p=figures.mcnemar_p,
        wilcoxon_p=figures.wilcoxon_p,
        mean_difference=figures.mean_difference,
        ci_low=figures.ci_low,
        ci_high=figures.ci_high,
        confidence=figures.confidence,
        alpha=figures.alpha,
        winner=winner,
        significant=winner is not None,
        needed_additional_cases=figures.needed_additional_cases,
        message=_message(winner, figures.needed_additional_cases),
    )


def _message(winner: str | None, needed: int | None) -> str:
    if winner is not None:
        return f"{winner.upper()} is better (significant at the chosen alpha)."
    if needed is None:
        return "No significant difference: the two arms scored the same on every pair."
    return (
        f"No significant difference; about {needed} more paired cases would be needed "
        "to detect a difference of the size observed."
    )


def _no_pairs(*, excluded: int, alpha: float) -> ComparisonResult:
    return ComparisonResult(
        pairs=0,
        excluded_pairs=excluded,
        pass_rate_a=None,
        pass_rate_b=None,
        b01=0,
        b10=0,
        mcnemar_p=None,
        wilcoxon_p=None,
        mean_difference=None,
        ci_low=None,
        ci_high=None,
        confidence=None,
        alpha=alpha,
        winner=None,
        significant=False,
        needed_additional_cases=None,
        message="No pair of cells produced output on both arms, so nothing can be compared.",
    )
