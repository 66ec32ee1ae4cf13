"""Running a prompt version on a model, and keeping a record of the run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from autoforge.application.llm.ports import LLMGateway
from autoforge.application.llm.records import RunRecord
from autoforge.application.ports import UnitOfWorkFactory
from autoforge.application.prompt.rendering import TemplateRenderer
from autoforge.application.prompt.views import PromptQueries, VersionView
from autoforge.domain.errors import DomainError
from autoforge.domain.identity.model import Actor
from autoforge.domain.llm.model import (
    ChatMessage,
    Completion,
    CompletionRequest,
    UnknownModelError,
)

__all__ = [
    "RunPrompt",
    "RunResult",
    "RunService",
    "render_version",
    "resolve_version",
]


@dataclass(frozen=True, slots=True)
class RunPrompt:
    prompt_id: str
    variables: Mapping[str, str]
    model: str | None = None
    version: int | None = None
    label: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    record: RunRecord
    unused_variables: list[str]


async def resolve_version(
    queries: PromptQueries, actor: Actor, *, prompt_id: str, version: int | None, label: str | None
) -> VersionView:
    if version is not None:
        return await queries.version(actor.tenant_id, prompt_id, version)
    return await queries.version_by_label(actor.tenant_id, prompt_id, label or "latest")


async def render_version(
    renderer: TemplateRenderer, version: VersionView, values: Mapping[str, str]
) -> tuple[str, list[str]]:
    """Render a version off the event loop (templates with logic run in a sandbox process).

    Raises MissingTemplateVariablesError naming every variable that has no value.
    """
    result = await asyncio.to_thread(renderer.render, version.content, values)
    return result.require_complete(), list(result.unused)


class RunService:
    def __init__(
        self,
        *,
        queries: PromptQueries,
        renderer: TemplateRenderer,
        gateway_for: Callable[[Actor], LLMGateway],
        uow_factory: UnitOfWorkFactory,
        default_model: str,
        timeout_s: float,
    ) -> None:
        self._queries = queries
        self._renderer = renderer
        self._gateway_for = gateway_for
        self._uow_factory = uow_factory
        self._default_model = default_model
        self._timeout_s = timeout_s

    async def run(self, actor: Actor, command: RunPrompt) -> RunResult:
        version = await resolve_version(
            self._queries,
            actor,
            prompt_id=command.prompt_id,
            version=command.version,
            label=command.label,
        )
        text, unused = await render_version(self._renderer, version, command.variables)
        request = CompletionRequest(
            model=command.model or self._default_model,
            messages=(ChatMessage(role="user", content=text),),
            temperature=command.temperature,
            max_tokens=command.max_tokens,
            timeout_s=self._timeout_s,
            tags={"prompt_id": version.prompt_id, "prompt_version": str(version.version)},
        )
        try:
            completion = await self._gateway_for(actor).complete(request)
        except UnknownModelError:
            raise  # a refused request, not a run
        except DomainError as error:
            await self._save(actor, self._record(request, version, command, text, error=error))
            raise
        record = self._record(request, version, command, text, completion=completion)
        await self._save(actor, record)
        return RunResult(record=record, unused_variables=unused)

    async def _save(self, actor: Actor, record: RunRecord) -> None:
        async with self._uow_factory(actor) as uow:
            uow.runs.add(record)
            await uow.commit()

    def _record(
        self,
        request: CompletionRequest,
        version: VersionView,
        command: RunPrompt,
        text: str,
        *,
        completion: Completion | None = None,
        error: DomainError | None = None,
    ) -> RunRecord:
        return RunRecord(
            run_id=uuid.uuid4().hex,
            prompt_id=version.prompt_id,
            prompt_version=version.version,
            model=request.model,
            provider=completion.provider if completion else request.model.split("/", 1)[0],
            variables=dict(command.variables),
            rendered_prompt=text,
            temperature=command.temperature,
            max_tokens=command.max_tokens,
            status="succeeded" if completion else "failed",
            output=completion.text if completion else "",
            finish_reason=completion.finish_reason if completion else None,
            tokens_in=completion.tokens_in if completion else 0,
            tokens_out=completion.tokens_out if completion else 0,
            cost_usd=completion.cost_usd if completion else 0.0,
            latency_ms=completion.latency_ms if completion else 0.0,
            error_code=error.instance_code if error else None,
            created_at=datetime.now(UTC),
        )
