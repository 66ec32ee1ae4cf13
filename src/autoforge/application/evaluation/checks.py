"""Scoring a given output against assertions: for logged production outputs, and for trying
assertions out. Deterministic types call no model; model-graded ones use the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from autoforge.application.evaluation.model_ports import (
    GatewayEmbedder,
    GatewayGrader,
    choose_embedding_model,
)
from autoforge.application.llm.ports import LLMGateway
from autoforge.domain.errors import InvalidInputError
from autoforge.domain.evaluation.assertions import (
    AssertionPorts,
    AssertionType,
    JsonSchemaValidator,
    RegexEngine,
    TestResult,
    evaluate_test,
    evaluate_test_sync,
    validate_assertions,
)
from autoforge.domain.evaluation.assertions.values import nesting_exceeds
from autoforge.domain.identity.model import Actor

__all__ = ["MAX_OUTPUT_DEPTH", "AssertionCheckService", "CheckAssertions"]

# The engine compares outputs recursively; a deeper one is refused rather than crashing.
MAX_OUTPUT_DEPTH = 100


@dataclass(frozen=True, slots=True)
class CheckAssertions:
    output: object
    assertions: Sequence[Mapping[str, Any]]
    vars: Mapping[str, object] = field(default_factory=dict)
    threshold: float | None = None
    cost: float | None = None
    latency_ms: float | None = None
    # The prompt that produced the output: factuality and closed QA grade against it.
    prompt: str | None = None


class AssertionCheckService:
    def __init__(
        self,
        *,
        schema_validator: JsonSchemaValidator,
        gateway_for: Callable[[Actor], LLMGateway],
        grader_model: str,
        embedding_model: str | None = None,
        regex_engine: RegexEngine | None = None,
    ) -> None:
        """`regex_engine` runs `regex` assertions; the server's must have a time limit."""
        self._schema_validator = schema_validator
        self._regex_engine = regex_engine
        self._gateway_for = gateway_for
        self._grader_model = grader_model
        self._embedding_model = embedding_model

    async def check(self, actor: Actor, command: CheckAssertions) -> TestResult:
        """Raise InvalidAssertionError for an assertion that cannot run; else score the output."""
        _check_output_depth(command.output)
        parsed = validate_assertions(
            command.assertions, test="0", schema_validator=self._schema_validator
        )
        if not any(assertion.is_model_graded for assertion in parsed):
            # A backtracking regex can run long: keep it off the event loop.
            return await asyncio.to_thread(self._check_deterministic, command)
        needs_embeddings = any(a.base_type is AssertionType.SIMILAR for a in parsed)
        return await evaluate_test(
            command.output,
            assertions=command.assertions,
            variables=command.vars,
            threshold=command.threshold,
            prompt=command.prompt,
            cost=command.cost,
            latency_ms=command.latency_ms,
            ports=self._model_ports(actor, embeddings=needs_embeddings),
        )

    def _check_deterministic(self, command: CheckAssertions) -> TestResult:
        return evaluate_test_sync(
            command.output,
            assertions=command.assertions,
            variables=command.vars,
            threshold=command.threshold,
            cost=command.cost,
            latency_ms=command.latency_ms,
            ports=AssertionPorts(
                schema_validator=self._schema_validator, regex_engine=self._regex_engine
            ),
        )

    def _model_ports(self, actor: Actor, *, embeddings: bool) -> AssertionPorts:
        gateway = self._gateway_for(actor)
        embedding_model = (
            choose_embedding_model(gateway, self._embedding_model) if embeddings else None
        )
        return AssertionPorts(
            schema_validator=self._schema_validator,
            regex_engine=self._regex_engine,
            grader=GatewayGrader(gateway, model=self._grader_model),
            embedder=None
            if embedding_model is None
            else GatewayEmbedder(gateway, model=embedding_model),
        )


def _check_output_depth(output: object) -> None:
    if nesting_exceeds(output, MAX_OUTPUT_DEPTH):
        raise InvalidInputError(
            f"The output nests deeper than {MAX_OUTPUT_DEPTH} levels.",
            f"出力の入れ子が {MAX_OUTPUT_DEPTH} 段を超えています。",
            code="OUTPUT_TOO_DEEP",
        )
