"""What a check receives, and the small helpers every check family shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autoforge.domain.evaluation.assertions.errors import AssertionSpecError
from autoforge.domain.evaluation.assertions.model import Assertion, Verdict
from autoforge.domain.evaluation.assertions.ports import AssertionPorts

__all__ = ["PASSED_REASON", "CheckInput", "binary_verdict", "graded_verdict"]

PASSED_REASON = "Assertion passed"


@dataclass(frozen=True, slots=True)
class CheckInput:
    """One assertion to check against one output.

    `value` is the assertion's value after variable substitution; `output_text` is the
    output as promptfoo sees it (a string, or JSON text for a structured output).
    """

    assertion: Assertion
    value: Any
    output: object
    output_text: str
    prompt: str | None = None
    cost: float | None = None
    latency_ms: float | None = None
    ports: AssertionPorts = field(default_factory=AssertionPorts)

    @property
    def inverse(self) -> bool:
        return self.assertion.inverse

    @property
    def kind(self) -> str:
        return self.assertion.type

    def expect(self, what: str) -> str:
        """A failure reason: "Expected output to <what>", negated for not- types."""
        return f"Expected output {'not ' if self.inverse else ''}to {what}"

    def threshold_or(self, default: float) -> float:
        threshold = self.assertion.threshold
        return default if threshold is None else threshold

    def required_threshold(self) -> float:
        if self.assertion.threshold is None:
            raise AssertionSpecError(f'"{self.kind}" needs a threshold')
        return self.assertion.threshold


def binary_verdict(check: CheckInput, *, matched: bool, failure: str) -> Verdict:
    """Pass when `matched` differs from the not- flag; score 1 or 0."""
    passed = matched != check.inverse
    return Verdict(
        passed=passed, score=1.0 if passed else 0.0, reason=PASSED_REASON if passed else failure
    )


def graded_verdict(check: CheckInput, *, score: float, threshold: float, label: str) -> Verdict:
    """Metric types: pass at or above the threshold; a not- type scores 1 - score."""
    reached = score >= threshold
    passed = reached != check.inverse
    relation = "at or above" if reached else "below"
    return Verdict(
        passed=passed,
        score=1 - score if check.inverse else score,
        reason=f"{label} score {score:.4f} is {relation} threshold {threshold}",
    )
