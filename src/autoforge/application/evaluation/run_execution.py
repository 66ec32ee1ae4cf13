"""The evaluation job: run every cell of the matrix not stored yet, then sum it up.

The job is rebuilt from the stored evaluation alone (its payload is the evaluation id),
so it can run in any process, and cells already stored by an earlier attempt are not
run again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

import structlog

from autoforge.application.evaluation.comparisons import DEFAULT_ALPHA, compare_arms
from autoforge.application.evaluation.jobs import JobContext
from autoforge.application.evaluation.model_ports import (
    GatewayEmbedder,
    GatewayGrader,
    choose_embedding_model,
)
from autoforge.application.evaluation.run_cells import (
    CellExecutor,
    CellWork,
    LimitedGateway,
    needs_model,
)
from autoforge.application.evaluation.run_ports import (
    ComparisonResult,
    DatasetReader,
    EvaluationRepository,
    PairedComparator,
)
from autoforge.application.evaluation.run_sink import CellSink, run_bounded
from autoforge.application.llm.ports import LLMGateway
from autoforge.application.prompt.rendering import TemplateRenderer
from autoforge.application.prompt.views import PromptQueries, VersionView
from autoforge.domain.evaluation.assertions import (
    AssertionPorts,
    JsonSchemaValidator,
    RegexEngine,
)
from autoforge.domain.evaluation.dataset import Dataset
from autoforge.domain.evaluation.run import Cell, CellKey, EvaluationKind, EvaluationPlan
from autoforge.domain.evaluation.run_errors import DatasetChangedError
from autoforge.domain.evaluation.run_events import evaluation_completed
from autoforge.domain.evaluation.run_metrics import summarize_arms
from autoforge.domain.events import EventMetadata
from autoforge.domain.identity.model import Actor

__all__ = ["EVALUATION_JOB", "EvaluationExecutor"]

EVALUATION_JOB = "evaluation"

log = structlog.get_logger(__name__)


class EvaluationExecutor:
    """The handler of evaluation jobs."""

    def __init__(
        self,
        *,
        repository: EvaluationRepository,
        datasets: DatasetReader,
        queries: PromptQueries,
        renderer: TemplateRenderer,
        gateway_for: Callable[[Actor], LLMGateway],
        schema_validator: JsonSchemaValidator,
        comparator: PairedComparator,
        default_grader: str,
        clock: Callable[[], datetime],
        timeout_s: float = 120.0,
        regex_engine: RegexEngine | None = None,
    ) -> None:
        """`regex_engine` runs `regex` assertions; the server's must have a time limit."""
        self._repository = repository
        self._datasets = datasets
        self._queries = queries
        self._renderer = renderer
        self._gateway_for = gateway_for
        self._schema_validator = schema_validator
        self._comparator = comparator
        self._default_grader = default_grader
        self._clock = clock
        self._timeout_s = timeout_s
        self._regex_engine = regex_engine

    async def __call__(self, context: JobContext) -> None:
        request = context.request
        actor = Actor(request.tenant_id, request.owner_id, request.correlation_id)
        stored = await self._repository.get(actor.tenant_id, str(request.payload["evaluation_id"]))
        plan = stored.plan
        dataset = await self._dataset(plan)
        done = await self._repository.stored_keys(plan.tenant_id, plan.evaluation_id)
        log.info("evaluation_started", evaluation_id=plan.evaluation_id, cells=plan.total_cells)

        await self._run_cells(context, actor=actor, plan=plan, dataset=dataset, done=done)
        await self._complete(actor, plan)

    async def _run_cells(
        self,
        context: JobContext,
        *,
        actor: Actor,
        plan: EvaluationPlan,
        dataset: Dataset,
        done: set[CellKey],
    ) -> None:
        executor = self._executor(actor, plan, dataset)
        versions = await self._versions(plan)
        work = (
            CellWork(key, plan.arms[key.arm], versions[key.arm], dataset.test_cases[key.case_index])
            for key in plan.cell_keys()
            if key not in done
        )

        async def report(stored_cells: int) -> None:
            await context.progress(stored_cells, plan.total_cells)

        sink = CellSink(
            store=partial(self._repository.add_cells, plan),
            on_stored=report,
            already_stored=len(done),
        )
        async with sink:

            async def run_one(item: CellWork) -> None:
                sink.add(await executor.run(item))

            # Twice as many workers as call slots: while some wait on a model, others
            # render prompts and score outputs, so the slots are never idle.
            await run_bounded(work, run_one, concurrency=2 * plan.concurrency)

    def _executor(self, actor: Actor, plan: EvaluationPlan, dataset: Dataset) -> CellExecutor:
        # Every model call of the run, graders' too, shares `concurrency` slots.
        gateway = LimitedGateway(self._gateway_for(actor), asyncio.Semaphore(plan.concurrency))
        return CellExecutor(
            evaluation_id=plan.evaluation_id,
            renderer=self._renderer,
            gateway=gateway,
            ports=self._ports(gateway, plan, dataset),
            clock=self._clock,
            timeout_s=self._timeout_s,
            sampling=plan.sampling,
        )

    async def _dataset(self, plan: EvaluationPlan) -> Dataset:
        dataset = await self._datasets.get(plan.tenant_id, plan.dataset_id)
        if dataset.revision != plan.dataset_revision:
            raise DatasetChangedError(
                dataset_id=plan.dataset_id,
                expected=plan.dataset_revision,
                actual=dataset.revision,
            )
        return dataset

    async def _versions(self, plan: EvaluationPlan) -> list[VersionView]:
        found: dict[tuple[str, int], VersionView] = {}
        for arm in plan.arms:
            if (arm.prompt_id, arm.version) not in found:
                found[(arm.prompt_id, arm.version)] = await self._queries.version(
                    plan.tenant_id, arm.prompt_id, arm.version
                )
        return [found[(arm.prompt_id, arm.version)] for arm in plan.arms]

    def _ports(self, gateway: LLMGateway, plan: EvaluationPlan, dataset: Dataset) -> AssertionPorts:
        graded = any(needs_model(raw) for case in dataset.test_cases for raw in case.assertions)
        if not graded:
            return AssertionPorts(
                schema_validator=self._schema_validator, regex_engine=self._regex_engine
            )
        embedding_model = choose_embedding_model(gateway, None)
        return AssertionPorts(
            schema_validator=self._schema_validator,
            regex_engine=self._regex_engine,
            grader=GatewayGrader(gateway, model=plan.grader_model or self._default_grader),
            embedder=None
            if embedding_model is None
            else GatewayEmbedder(gateway, model=embedding_model),
        )

    async def _complete(self, actor: Actor, plan: EvaluationPlan) -> None:
        cells = await self._repository.cells(plan.tenant_id, plan.evaluation_id)
        summaries = await asyncio.to_thread(summarize_arms, cells, arm_count=len(plan.arms))
        comparison = None
        if plan.kind is EvaluationKind.COMPARISON:
            comparison = await asyncio.to_thread(self._compare, cells, plan)
        verdict = None
        if comparison is not None:
            verdict = comparison.winner or "no_significant_difference"
        await self._repository.complete(
            plan,
            summaries=summaries,
            comparison=comparison,
            event=evaluation_completed(plan, summaries, verdict=verdict),
            metadata=EventMetadata(
                tenant_id=actor.tenant_id,
                actor_id=actor.user_id,
                correlation_id=actor.correlation_id,
            ),
            at=self._clock(),
        )
        log.info(
            "evaluation_completed",
            evaluation_id=plan.evaluation_id,
            cells=len(cells),
            errors=sum(summary.errors for summary in summaries),
            verdict=verdict,
        )

    def _compare(self, cells: Sequence[Cell], plan: EvaluationPlan) -> ComparisonResult:
        return compare_arms(cells, comparator=self._comparator, alpha=plan.alpha or DEFAULT_ALPHA)
