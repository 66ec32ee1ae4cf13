"""The static quality report of a prompt: every metric, weighted into one grade.

Static means no model is called: the metrics read the text with lexicons and
patterns in English and Japanese. They are heuristics that point at likely
weaknesses, quick enough to run on every keystroke of an editor.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType

from autoforge.domain.evaluation.quality.content import clarity, context, role, specificity, task
from autoforge.domain.evaluation.quality.form import ambiguity, length, structure
from autoforge.domain.evaluation.quality.instructions import constraints, examples, output_format
from autoforge.domain.evaluation.quality.report import (
    HIGH_QUALITY_THRESHOLD,
    Language,
    MetricResult,
    QualityReport,
    grade_for,
)
from autoforge.domain.evaluation.quality.text import PromptText, prepare
from autoforge.domain.evaluation.quality.variables import variable_hygiene

__all__ = ["METRIC_WEIGHTS", "analyze_prompt_quality"]

# What the model needs most is to know the task, in clear and specific words; role,
# examples and tidy variables help, but many good prompts do without them.
METRIC_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "clarity": 0.12,
        "specificity": 0.10,
        "role": 0.06,
        "task": 0.14,
        "context": 0.10,
        "output_format": 0.10,
        "constraints": 0.08,
        "examples": 0.05,
        "structure": 0.07,
        "length": 0.08,
        "variable_hygiene": 0.05,
        "ambiguity": 0.05,
    }
)

_TEXT_METRICS: tuple[Callable[[PromptText], MetricResult], ...] = (
    clarity,
    specificity,
    role,
    task,
    context,
    output_format,
    constraints,
    examples,
    structure,
    length,
)


def analyze_prompt_quality(
    text: str,
    *,
    declared_variables: Collection[str] | None = None,
    provided_variables: Collection[str] | None = None,
    language: Language | None = None,
) -> QualityReport:
    """Measure ``text`` on every metric; the language is detected unless given."""
    prompt = prepare(text, language)
    results = [measure(prompt) for measure in _TEXT_METRICS]
    results.append(variable_hygiene(text, declared=declared_variables, provided=provided_variables))
    results.append(ambiguity(prompt))

    overall = round(
        sum(METRIC_WEIGHTS[r.name] * r.score for r in results) / sum(METRIC_WEIGHTS.values()), 4
    )
    return QualityReport(
        language=prompt.language,
        overall=overall,
        grade=grade_for(overall),
        high_quality=overall >= HIGH_QUALITY_THRESHOLD,
        metrics=tuple(results),
        token_estimate=prompt.token_estimate,
    )
