"""Value objects of the assertion engine: what is checked, and what came out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from autoforge.domain.evaluation.assertions.js import UNDEFINED

__all__ = [
    "MODEL_GRADED_TYPES",
    "Assertion",
    "AssertionResult",
    "AssertionType",
    "TestResult",
    "Verdict",
]


class AssertionType(StrEnum):
    """The base types; each may also be written with a `not-` prefix."""

    EQUALS = "equals"
    CONTAINS = "contains"
    ICONTAINS = "icontains"
    CONTAINS_ANY = "contains-any"
    CONTAINS_ALL = "contains-all"
    ICONTAINS_ANY = "icontains-any"
    ICONTAINS_ALL = "icontains-all"
    STARTS_WITH = "starts-with"
    REGEX = "regex"
    WORD_COUNT = "word-count"
    LEVENSHTEIN = "levenshtein"
    IS_JSON = "is-json"
    CONTAINS_JSON = "contains-json"
    IS_XML = "is-xml"
    CONTAINS_XML = "contains-xml"
    COST = "cost"
    LATENCY = "latency"
    ROUGE_N = "rouge-n"
    BLEU = "bleu"
    SIMILAR = "similar"
    LLM_RUBRIC = "llm-rubric"
    FACTUALITY = "factuality"
    MODEL_GRADED_CLOSEDQA = "model-graded-closedqa"


# Types that need a model (grader or embeddings), hence the async path.
MODEL_GRADED_TYPES: Final = frozenset(
    {
        AssertionType.SIMILAR,
        AssertionType.LLM_RUBRIC,
        AssertionType.FACTUALITY,
        AssertionType.MODEL_GRADED_CLOSEDQA,
    }
)


@dataclass(frozen=True, slots=True)
class Assertion:
    """One parsed assertion. `value` is UNDEFINED when the assertion has no value key."""

    type: str
    base_type: AssertionType
    inverse: bool
    value: Any = UNDEFINED
    threshold: float | None = None
    weight: float = 1.0
    metric: str | None = None

    @property
    def is_model_graded(self) -> bool:
        return self.base_type in MODEL_GRADED_TYPES


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a check decided, before weight and metric are attached."""

    passed: bool
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class AssertionResult:
    """The outcome of one assertion. An error always fails, whatever the weight."""

    type: str
    passed: bool
    score: float
    reason: str
    weight: float = 1.0
    metric: str | None = None
    error: str | None = None
    grader_output: str | None = None

    @property
    def is_error(self) -> bool:
        return self.error is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "pass": self.passed,
            "score": self.score,
            "reason": self.reason,
            "weight": self.weight,
            "metric": self.metric,
            "error": self.error,
            "grader_output": self.grader_output,
        }


@dataclass(frozen=True, slots=True)
class TestResult:
    """The outcome of a whole test: the weighted score and each assertion's result."""

    passed: bool
    score: float
    reason: str
    components: tuple[AssertionResult, ...] = ()
    named_scores: Mapping[str, float] = field(default_factory=dict)
    threshold: float | None = None

    # pytest would otherwise try to collect this class from test modules importing it.
    __test__ = False

    @property
    def has_errors(self) -> bool:
        return any(component.is_error for component in self.components)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass": self.passed,
            "score": self.score,
            "reason": self.reason,
            "threshold": self.threshold,
            "named_scores": dict(self.named_scores),
            "components": [component.to_dict() for component in self.components],
        }
