"""Static prompt quality: metrics computed from the text alone, in English and Japanese."""

from autoforge.domain.evaluation.quality.analyzer import METRIC_WEIGHTS, analyze_prompt_quality
from autoforge.domain.evaluation.quality.report import (
    HIGH_QUALITY_THRESHOLD,
    Grade,
    Language,
    MetricResult,
    QualityReport,
    grade_for,
)
from autoforge.domain.evaluation.quality.text import detect_language, estimate_tokens
from autoforge.domain.evaluation.quality.variables import PlaceholderScan, scan_placeholders

__all__ = [
    "HIGH_QUALITY_THRESHOLD",
    "METRIC_WEIGHTS",
    "Grade",
    "Language",
    "MetricResult",
    "PlaceholderScan",
    "QualityReport",
    "analyze_prompt_quality",
    "detect_language",
    "estimate_tokens",
    "grade_for",
    "scan_placeholders",
]
