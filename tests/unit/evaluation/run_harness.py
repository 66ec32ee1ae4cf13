"""The real evaluation service, executor and in-process runner, wired over the fakes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from autoforge.application.evaluation.run_execution import EVALUATION_JOB, EvaluationExecutor
from autoforge.application.evaluation.run_ports import PairedFigures
from autoforge.application.evaluation.runs import EvaluationService
from autoforge.domain.evaluation.dataset import Dataset, TestCase
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter
from autoforge.infrastructure.jobs import InProcessJobRunner
from tests.unit.evaluation.run_fakes import (
    NOW,
    FakeDatasets,
    FakeEvaluations,
    FakeGateway,
    FakeJobStore,
    FakePromptQueries,
    FakeRenderer,
)

__all__ = ["FixedComparator", "Harness", "build_harness"]


@dataclass(frozen=True)
class _Figures:
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
    verdict: str
    needed_additional_cases: int | None


@dataclass
class FixedComparator:
    """Answers a set verdict and remembers the paired data it was given."""

    verdict: str = "b"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(
        self,
        *,
        passed_a: Sequence[bool],
        passed_b: Sequence[bool],
        scores_a: Sequence[float] | None,
        scores_b: Sequence[float] | None,
        alpha: float,
    ) -> PairedFigures:
        self.calls.append({"passed_a": list(passed_a), "passed_b": list(passed_b), "alpha": alpha})
        needed = 0 if self.verdict != "no_significant_difference" else 7
        return _Figures(
            len(passed_a),
            0.5,
            0.5,
            1,
            0,
            0.5,
            0.01,
            0.2,
            0.1,
            0.3,
            0.95,
            alpha,
            self.verdict,
            needed,
        )


@dataclass
class Harness:
    service: EvaluationService
    jobs: InProcessJobRunner
    store: FakeJobStore
    evaluations: FakeEvaluations
    gateway: FakeGateway
    comparator: FixedComparator
    datasets: FakeDatasets
    executor: EvaluationExecutor


def build_harness(
    *,
    cases: Sequence[TestCase],
    prompts: Mapping[str, Sequence[str]] | None = None,
    gateway: FakeGateway | None = None,
    max_running: int = 2,
    clock: Callable[[], datetime] = lambda: NOW,
) -> Harness:
    """The real service, executor and in-process runner over fakes of every port."""
    dataset = Dataset("d1", "t1", "u1", "cases", "", (), tuple(cases), 1, NOW, NOW)
    datasets = FakeDatasets(dataset)
    queries = FakePromptQueries(prompts or {"p1": ["Repeat {{word}}", "Say nothing"]})
    gateway = gateway or FakeGateway()
    store, evaluations, comparator = FakeJobStore(), FakeEvaluations(), FixedComparator()
    jobs = InProcessJobRunner(store, max_running=max_running, max_queued=2, clock=clock)
    executor = EvaluationExecutor(
        repository=evaluations,
        datasets=datasets,
        queries=queries,
        renderer=FakeRenderer(),
        gateway_for=lambda actor: gateway,
        schema_validator=JsonSchemaAdapter(),
        comparator=comparator,
        default_grader="m1",
        clock=clock,
    )
    jobs.register(EVALUATION_JOB, executor)
    service = EvaluationService(
        repository=evaluations,
        datasets=datasets,
        queries=queries,
        jobs=jobs,
        gateway_for=lambda actor: gateway,
        default_model="m1",
        clock=clock,
        poll_interval_s=0.01,
    )
    return Harness(service, jobs, store, evaluations, gateway, comparator, datasets, executor)
