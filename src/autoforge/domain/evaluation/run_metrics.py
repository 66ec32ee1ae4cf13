"""The figures of an evaluation, per arm (prompt version × model), from its cells.

Definitions (docs/evaluation-runs.md repeats them for API users):

- pass rate and mean score count every cell; an error cell counts as failed with score
  0, as promptfoo counts errors.
- named metrics are summed over the cells that produced an output, as promptfoo sums
  `namedScores` per prompt; the count of cells naming each metric comes alongside, so
  a mean is one division away.
- p50/p95 latency interpolate linearly between the closest ranks of the latencies of
  the cells that produced an output (a failed call's time says nothing about the model).
- reproducibility looks at each (arm, test case) whose repeats produced at least two
  outputs: `identical_share` is the share of them whose outputs are all equal once
  normalised (Unicode NFKC, trimmed, runs of whitespace made one space); the mean
  pairwise similarity averages, per group, difflib's ratio over every pair of outputs
  (their first 2,000 characters), then over the groups. None with a single repeat.
- violation rate: among the cells that produced an output and have at least one `not-`
  assertion, the share in which a `not-` assertion failed: the output held content the
  test forbids. None when no cell has a `not-` assertion.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from autoforge.domain.evaluation.run import Cell

__all__ = [
    "ArmSummary",
    "PairedOutcomes",
    "Reproducibility",
    "normalise_output",
    "output_similarity",
    "paired_outcomes",
    "percentile",
    "reproducibility",
    "summarize_arm",
    "summarize_arms",
]

SIMILARITY_CHARS: Final = 2_000
_WHITESPACE: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Reproducibility:
    groups: int
    identical_share: float
    mean_similarity: float


@dataclass(frozen=True, slots=True)
class ArmSummary:
    cells: int
    passed: int
    failed: int
    errors: int
    pass_rate: float | None
    mean_score: float | None
    cost_usd: float
    tokens_in: int
    tokens_out: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    violations: int
    violation_rate: float | None
    reproducibility: Reproducibility | None
    named_scores: dict[str, float] = field(default_factory=dict)
    named_score_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArmSummary:
        values = dict(data)
        figures = values.pop("reproducibility", None)
        return cls(
            **values,
            reproducibility=None if figures is None else Reproducibility(**figures),
        )


@dataclass(frozen=True, slots=True)
class PairedOutcomes:
    """A/B results paired by (test case, repeat); pairs with an error cell are left out."""

    passed_a: tuple[bool, ...]
    passed_b: tuple[bool, ...]
    scores_a: tuple[float, ...]
    scores_b: tuple[float, ...]
    excluded: int


def summarize_arms(cells: Iterable[Cell], *, arm_count: int) -> list[ArmSummary]:
    by_arm: list[list[Cell]] = [[] for _ in range(arm_count)]
    for cell in cells:
        by_arm[cell.key.arm].append(cell)
    return [summarize_arm(arm_cells) for arm_cells in by_arm]


def summarize_arm(cells: Sequence[Cell]) -> ArmSummary:
    answered = [cell for cell in cells if cell.error_code is None]
    passed = sum(1 for cell in answered if cell.passed)
    guarded = [cell for cell in answered if cell.checks_forbidden_content]
    violations = sum(1 for cell in guarded if cell.violates)
    latencies = [cell.latency_ms for cell in answered]
    sums, counts = _named_scores(answered)
    return ArmSummary(
        cells=len(cells),
        passed=passed,
        failed=len(answered) - passed,
        errors=len(cells) - len(answered),
        pass_rate=passed / len(cells) if cells else None,
        mean_score=math.fsum(cell.score for cell in cells) / len(cells) if cells else None,
        cost_usd=math.fsum(cell.cost_usd for cell in cells),
        tokens_in=sum(cell.tokens_in for cell in cells),
        tokens_out=sum(cell.tokens_out for cell in cells),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        violations=violations,
        violation_rate=violations / len(guarded) if guarded else None,
        reproducibility=reproducibility(answered),
        named_scores=sums,
        named_score_counts=counts,
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), interpolating between closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def reproducibility(cells: Iterable[Cell]) -> Reproducibility | None:
    """Agreement of the outputs of repeats; pass only cells that produced an output."""
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    for cell in cells:
        groups[(cell.key.arm, cell.key.case_index)].append(cell.output)
    repeated = [outputs for outputs in groups.values() if len(outputs) > 1]
    if not repeated:
        return None
    identical = 0
    similarities: list[float] = []
    for outputs in repeated:
        normalised = [normalise_output(output) for output in outputs]
        if len(set(normalised)) == 1:
            identical += 1
        pairs = itertools.combinations(normalised, 2)
        ratios = [output_similarity(a, b) for a, b in pairs]
        similarities.append(math.fsum(ratios) / len(ratios))
    return Reproducibility(
        groups=len(repeated),
        identical_share=identical / len(repeated),
        mean_similarity=math.fsum(similarities) / len(similarities),
    )


def normalise_output(text: str) -> str:
    """Equal after normalising = the same answer: width, trailing spaces and wrapping aside."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def output_similarity(a: str, b: str) -> float:
    """difflib's ratio of the texts' first characters: 1.0 for equal texts, 0.0 for disjoint."""
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a[:SIMILARITY_CHARS], b[:SIMILARITY_CHARS]).ratio()


def paired_outcomes(cells: Iterable[Cell], *, arm_a: int = 0, arm_b: int = 1) -> PairedOutcomes:
    """Pair the two arms' cells by (test case, repeat), in that order."""
    sides: dict[tuple[int, int], dict[int, Cell]] = defaultdict(dict)
    for cell in cells:
        if cell.key.arm in (arm_a, arm_b):
            sides[(cell.key.case_index, cell.key.repeat)][cell.key.arm] = cell
    pairs: list[tuple[Cell, Cell]] = []
    excluded = 0
    for position in sorted(sides):
        a, b = sides[position].get(arm_a), sides[position].get(arm_b)
        # An error says nothing about either prompt, and a lone cell has no partner.
        if a is None or b is None or a.error_code is not None or b.error_code is not None:
            excluded += 1
            continue
        pairs.append((a, b))
    return PairedOutcomes(
        passed_a=tuple(a.passed for a, _ in pairs),
        passed_b=tuple(b.passed for _, b in pairs),
        scores_a=tuple(a.score for a, _ in pairs),
        scores_b=tuple(b.score for _, b in pairs),
        excluded=excluded,
    )


def _named_scores(cells: Iterable[Cell]) -> tuple[dict[str, float], dict[str, int]]:
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for cell in cells:
        for name, value in cell.named_scores.items():
            sums[name] += value
            counts[name] += 1
    return dict(sums), dict(counts)
