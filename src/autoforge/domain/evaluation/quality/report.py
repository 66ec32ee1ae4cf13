"""Results of the static quality analysis: one per metric, and the report around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "HIGH_QUALITY_THRESHOLD",
    "Grade",
    "Language",
    "MetricResult",
    "QualityReport",
    "grade_for",
    "metric_result",
]

Language = Literal["en", "ja"]
Grade = Literal["A", "B", "C", "D", "F"]

HIGH_QUALITY_THRESHOLD = 0.8
_GRADE_FLOORS: tuple[tuple[float, Grade], ...] = (
    (0.9, "A"),
    (0.8, "B"),
    (0.7, "C"),
    (0.6, "D"),
)


@dataclass(frozen=True, slots=True)
class MetricResult:
    """One metric's score in [0, 1], why, in English and Japanese, and the evidence."""

    name: str
    score: float
    reason_en: str
    reason_ja: str
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QualityReport:
    language: Language
    overall: float
    grade: Grade
    high_quality: bool
    metrics: tuple[MetricResult, ...]
    token_estimate: int

    def metric(self, name: str) -> MetricResult:
        """The result of the metric called ``name``; KeyError when there is none."""
        for result in self.metrics:
            if result.name == name:
                return result
        raise KeyError(name)


def grade_for(overall: float) -> Grade:
    for floor, grade in _GRADE_FLOORS:
        if overall >= floor:
            return grade
    return "F"


def metric_result(
    name: str,
    score: float,
    *,
    en: str,
    ja: str,
    **details: object,
) -> MetricResult:
    """Build a result with the score clamped to [0, 1] and rounded for stable output."""
    clamped = min(1.0, max(0.0, score))
    return MetricResult(
        name=name,
        score=round(clamped, 4),
        reason_en=en,
        reason_ja=ja,
        details=dict(details),
    )
