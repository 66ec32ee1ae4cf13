"""One cell of an evaluation: render the version with the case's values, call the model,
score the output. Deterministic checks run in a worker thread (a backtracking regex must
not stall the event loop); model-graded ones go through the gateway on the loop. A cell
whose scoring breaks is an error cell: one test case never ends the whole run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import structlog

from autoforge.application.llm.ports import LLMGateway
from autoforge.application.llm.runs import render_version
from autoforge.application.prompt.rendering import TemplateRenderer
from autoforge.application.prompt.views import VersionView
from autoforge.domain.errors import DomainError
from autoforge.domain.evaluation.assertions import (
    MODEL_GRADED_TYPES,
    AssertionPorts,
    AssertionResult,
    TestResult,
    evaluate_test,
    evaluate_test_sync,
)
from autoforge.domain.evaluation.assertions.scoring import score_test
from autoforge.domain.evaluation.dataset import TestCase
from autoforge.domain.evaluation.run import (
    DEFAULT_SAMPLING,
    Arm,
    Cell,
    CellKey,
    Sampling,
    error_cell,
)
from autoforge.domain.llm.model import ChatMessage, Completion, CompletionRequest, ModelInfo

__all__ = ["SCORING_FAILED", "CellExecutor", "CellWork", "LimitedGateway", "needs_model"]

_GRADED_NAMES: Final = frozenset(str(kind) for kind in MODEL_GRADED_TYPES)
SCORING_FAILED: Final = "SCORING_FAILED"

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CellWork:
    key: CellKey
    arm: Arm
    version: VersionView
    case: TestCase


def needs_model(raw: Mapping[str, Any]) -> bool:
    """The assertion calls a grader or an embedding model (its `not-` form too)."""
    type_name = raw.get("type")
    return isinstance(type_name, str) and type_name.removeprefix("not-") in _GRADED_NAMES


class LimitedGateway:
    """A gateway through which at most `limit` calls run at once (embeddings included).

    The limit sits on the calls rather than around whole cells, so a cell renders its
    prompt and scores its output while another cell's call has the slot.
    """

    def __init__(self, gateway: LLMGateway, limit: asyncio.Semaphore) -> None:
        self._gateway = gateway
        self._limit = limit

    async def complete(self, request: CompletionRequest) -> Completion:
        async with self._limit:
            return await self._gateway.complete(request)

    async def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        async with self._limit:
            return await self._gateway.embed(model, texts)

    def models(self) -> list[ModelInfo]:
        return self._gateway.models()

    async def ping(self) -> None:
        await self._gateway.ping()


class CellExecutor:
    def __init__(
        self,
        *,
        evaluation_id: str,
        renderer: TemplateRenderer,
        gateway: LLMGateway,
        ports: AssertionPorts,
        clock: Callable[[], datetime],
        timeout_s: float = 120.0,
        sampling: Sampling = DEFAULT_SAMPLING,
    ) -> None:
        self._evaluation_id = evaluation_id
        self._sampling = sampling
        self._renderer = renderer
        self._gateway = gateway
        self._ports = ports
        self._clock = clock
        self._timeout_s = timeout_s

    async def run(self, work: CellWork) -> Cell:
        try:
            text, _ = await render_version(self._renderer, work.version, work.case.vars)
        except DomainError as error:  # a missing variable or a refused template
            return self._error(work, error)

        started = time.perf_counter()
        try:
            completion = await self._gateway.complete(self._request(work, text))
        except DomainError as error:
            return self._error(work, error, latency_ms=(time.perf_counter() - started) * 1000)

        try:
            result = await self._score(completion, prompt=text, case=work.case)
        except Exception as error:  # a bulkhead: this cell fails, never the whole run
            return self._scoring_failed(work, completion, error)
        return Cell(
            key=work.key,
            test_case_id=work.case.test_case_id,
            output=completion.text,
            passed=result.passed,
            score=result.score,
            finished_at=self._clock(),
            assertions=result.components,
            named_scores=dict(result.named_scores),
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            cost_usd=completion.cost_usd,
            latency_ms=completion.latency_ms,
        )

    def _request(self, work: CellWork, text: str) -> CompletionRequest:
        return CompletionRequest(
            model=work.arm.model,
            messages=(ChatMessage(role="user", content=text),),
            temperature=self._sampling.temperature,
            max_tokens=self._sampling.max_tokens,
            timeout_s=self._timeout_s,
            tags={
                "prompt_id": work.version.prompt_id,
                "prompt_version": str(work.version.version),
                "evaluation_id": self._evaluation_id,
            },
        )

    async def _score(self, completion: Completion, *, prompt: str, case: TestCase) -> TestResult:
        graded = [needs_model(raw) for raw in case.assertions]
        common: dict[str, Any] = {
            "variables": case.vars,
            "cost": completion.cost_usd,
            "latency_ms": completion.latency_ms,
            "ports": self._ports,
        }
        if not any(graded):
            return await asyncio.to_thread(
                lambda: evaluate_test_sync(
                    completion.text, assertions=case.assertions, threshold=case.threshold, **common
                )
            )
        # Split, score each part where it belongs, and put the results back in order.
        plain = [
            raw for raw, is_graded in zip(case.assertions, graded, strict=True) if not is_graded
        ]
        model = [raw for raw, is_graded in zip(case.assertions, graded, strict=True) if is_graded]
        plain_result = await asyncio.to_thread(
            lambda: evaluate_test_sync(completion.text, assertions=plain, threshold=None, **common)
        )
        model_result = await evaluate_test(
            completion.text, assertions=model, threshold=None, prompt=prompt, **common
        )
        return score_test(
            _interleave(graded, plain_result.components, model_result.components),
            threshold=case.threshold,
        )

    def _scoring_failed(self, work: CellWork, completion: Completion, error: Exception) -> Cell:
        # Each assertion's own failure is already an ERROR result; this is what slipped past.
        log.warning(
            "evaluation_cell_scoring_failed",
            evaluation_id=self._evaluation_id,
            test_case_id=work.case.test_case_id,
            error_type=type(error).__name__,
        )
        return Cell(
            key=work.key,
            test_case_id=work.case.test_case_id,
            output=completion.text,
            passed=False,
            score=0.0,
            finished_at=self._clock(),
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            cost_usd=completion.cost_usd,
            latency_ms=completion.latency_ms,
            error_code=SCORING_FAILED,
            error=f"The assertions could not be scored ({type(error).__name__}).",
        )

    def _error(self, work: CellWork, error: DomainError, *, latency_ms: float = 0.0) -> Cell:
        return error_cell(
            work.key,
            test_case_id=work.case.test_case_id,
            code=error.instance_code,
            message=error.detail_en,
            at=self._clock(),
            latency_ms=latency_ms,
        )


def _interleave(
    graded: Sequence[bool],
    plain: Sequence[AssertionResult],
    model: Sequence[AssertionResult],
) -> list[AssertionResult]:
    plain_results, model_results = iter(plain), iter(model)
    return [next(model_results) if is_graded else next(plain_results) for is_graded in graded]
