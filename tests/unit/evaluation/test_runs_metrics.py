"""The figures of an evaluation arm: rates, percentiles, reproducibility, violations, metrics."""

from __future__ import annotations

import pytest

from autoforge.domain.evaluation.assertions import AssertionResult
from autoforge.domain.evaluation.run import Cell, CellKey, CellStatus, error_cell
from autoforge.domain.evaluation.run_metrics import (
    ArmSummary,
    normalise_output,
    output_similarity,
    paired_outcomes,
    percentile,
    reproducibility,
    summarize_arm,
    summarize_arms,
)
from tests.unit.evaluation.run_fakes import NOW


def result(kind: str, passed: bool, *, error: str | None = None) -> AssertionResult:
    return AssertionResult(type=kind, passed=passed, score=float(passed), reason="", error=error)


def cell(
    case_index: int = 0,
    *,
    arm: int = 0,
    repeat: int = 0,
    output: str = "out",
    passed: bool = True,
    score: float | None = None,
    latency_ms: float = 10.0,
    assertions: tuple[AssertionResult, ...] = (),
    named: dict[str, float] | None = None,
) -> Cell:
    return Cell(
        key=CellKey(arm, case_index, repeat),
        test_case_id=f"c{case_index}",
        output=output,
        passed=passed,
        score=float(passed) if score is None else score,
        finished_at=NOW,
        assertions=assertions,
        named_scores=named or {},
        tokens_in=3,
        tokens_out=2,
        cost_usd=0.25,
        latency_ms=latency_ms,
    )


def failed_call(case_index: int = 0, *, arm: int = 0, repeat: int = 0) -> Cell:
    return error_cell(
        CellKey(arm, case_index, repeat),
        test_case_id="x",
        code="PROVIDER_ERROR",
        message="500",
        at=NOW,
        latency_ms=999.0,
    )


class TestPercentile:
    def test_interpolates_between_the_closest_ranks_of_unsorted_values(self) -> None:
        values = [4.0, 1.0, 3.0, 2.0]

        assert percentile(values, 50) == 2.5
        assert percentile(values, 95) == pytest.approx(3.85)
        assert (percentile(values, 0), percentile(values, 100)) == (1.0, 4.0)

    def test_a_single_value_is_every_percentile_and_no_value_gives_none(self) -> None:
        assert (percentile([7.0], 50), percentile([7.0], 95)) == (7.0, 7.0)
        assert percentile([], 50) is None


class TestPassRateAndScore:
    def test_error_cells_count_as_failed_with_score_zero(self) -> None:
        cells = [cell(0, score=0.8), cell(1, passed=False, score=0.4), failed_call(2)]

        summary = summarize_arm(cells)

        assert (summary.cells, summary.passed, summary.failed, summary.errors) == (3, 1, 1, 1)
        assert summary.pass_rate == pytest.approx(1 / 3)
        assert summary.mean_score == pytest.approx((0.8 + 0.4 + 0.0) / 3)

    def test_cost_and_tokens_are_summed_and_latency_ignores_failed_calls(self) -> None:
        cells = [cell(0, latency_ms=10), cell(1, latency_ms=30), failed_call(2)]

        summary = summarize_arm(cells)

        assert (summary.cost_usd, summary.tokens_in, summary.tokens_out) == (0.5, 6, 4)
        assert (summary.latency_p50_ms, summary.latency_p95_ms) == (20.0, 29.0)

    def test_an_arm_without_cells_has_no_rates(self) -> None:
        summary = summarize_arm([])

        assert (summary.pass_rate, summary.mean_score, summary.latency_p50_ms) == (None, None, None)


class TestNamedMetrics:
    def test_each_metric_is_summed_over_cells_with_its_count(self) -> None:
        cells = [
            cell(0, named={"tone": 1.0, "facts": 0.5}),
            cell(1, named={"tone": 0.25}),
            failed_call(2),
        ]

        summary = summarize_arm(cells)

        assert summary.named_scores == {"tone": 1.25, "facts": 0.5}
        assert summary.named_score_counts == {"tone": 2, "facts": 1}


class TestViolationRate:
    def test_share_of_guarded_cells_in_which_a_not_assertion_failed(self) -> None:
        guarded_ok = (result("not-contains", True), result("contains", False))
        violated = (result("not-icontains", False), result("contains", True))
        unguarded = (result("contains", False),)
        cells = [
            cell(0, assertions=guarded_ok),
            cell(1, assertions=violated),
            cell(2, assertions=guarded_ok),
            cell(3, assertions=unguarded),
        ]

        summary = summarize_arm(cells)

        assert summary.violations == 1
        assert summary.violation_rate == pytest.approx(1 / 3)

    def test_a_not_assertion_that_could_not_run_is_not_a_violation(self) -> None:
        broken = (result("not-regex", False, error="bad pattern"),)

        summary = summarize_arm([cell(0, passed=False, assertions=broken)])

        assert (summary.violations, summary.violation_rate) == (0, 0.0)

    def test_no_not_assertion_anywhere_gives_no_rate(self) -> None:
        summary = summarize_arm([cell(0, assertions=(result("contains", True),)), failed_call(1)])

        assert summary.violation_rate is None


class TestReproducibility:
    def test_identical_share_counts_groups_whose_normalised_outputs_all_agree(self) -> None:
        cells = [
            cell(0, repeat=0, output="Ｔｏｋｙｏ  is\nbig "),
            cell(0, repeat=1, output="Tokyo is big"),
            cell(1, repeat=0, output="yes"),
            cell(1, repeat=1, output="no"),
        ]

        figures = reproducibility(cells)

        assert figures is not None
        assert (figures.groups, figures.identical_share) == (2, 0.5)
        assert figures.mean_similarity == pytest.approx((1.0 + output_similarity("yes", "no")) / 2)

    def test_mean_similarity_averages_every_pair_of_a_group(self) -> None:
        cells = [cell(0, repeat=r, output=text) for r, text in enumerate(["abcd", "abcd", "abxy"])]

        figures = reproducibility(cells)

        partial = output_similarity("abcd", "abxy")
        assert figures is not None
        assert figures.identical_share == 0.0
        assert figures.mean_similarity == pytest.approx((1.0 + partial + partial) / 3)

    def test_a_single_repeat_cannot_measure_agreement(self) -> None:
        assert reproducibility([cell(0), cell(1)]) is None

    def test_failed_calls_take_no_part_in_agreement(self) -> None:
        cells = [cell(0, repeat=0, output="same"), failed_call(0, repeat=1)]

        assert summarize_arm(cells).reproducibility is None

    def test_normalising_folds_width_and_whitespace_but_keeps_case(self) -> None:
        assert normalise_output("  Ｈｉ\t\tthere\n") == "Hi there"
        assert normalise_output("Hi") != normalise_output("hi")
        assert output_similarity("", "") == 1.0
        assert output_similarity("ab", "cd") == 0.0


class TestPairing:
    def test_cells_pair_by_case_and_repeat_leaving_out_errors_and_lone_cells(self) -> None:
        cells = [
            cell(0, arm=0, passed=True),
            cell(0, arm=1, passed=False),
            cell(1, arm=1, repeat=1, passed=True, score=0.5),
            cell(1, arm=0, repeat=1, passed=False, score=0.25),
            cell(2, arm=0),
            failed_call(2, arm=1),
            cell(3, arm=0),
        ]

        pairs = paired_outcomes(cells)

        assert (pairs.passed_a, pairs.passed_b) == ((True, False), (False, True))
        assert (pairs.scores_a, pairs.scores_b) == ((1.0, 0.25), (0.0, 0.5))
        assert pairs.excluded == 2


def test_summaries_split_cells_by_arm_and_survive_a_round_trip_through_json() -> None:
    cells = [cell(0, arm=1, repeat=r, output="x") for r in range(2)] + [cell(0, arm=0)]

    first, second = summarize_arms(cells, arm_count=2)

    assert (first.cells, second.cells) == (1, 2)
    assert ArmSummary.from_dict(second.to_dict()) == second


def test_a_cell_reports_its_status_from_error_and_pass() -> None:
    assert cell(0).status is CellStatus.PASSED
    assert cell(0, passed=False).status is CellStatus.FAILED
    assert failed_call().status is CellStatus.ERROR
