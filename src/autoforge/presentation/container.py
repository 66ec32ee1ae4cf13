"""What the routers need, built once by the composition root and kept on app.state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request

from autoforge.application.llm.ports import LLMGateway
from autoforge.application.llm.runs import RunService
from autoforge.application.ports import UnitOfWorkFactory
from autoforge.application.prompt.handlers import PromptService
from autoforge.application.prompt.rendering import TemplateRenderer
from autoforge.application.prompt.views import PromptQueries
from autoforge.application.template.service import TemplateService
from autoforge.domain.identity.model import Actor

__all__ = ["Authenticator", "Container", "CurrentActor", "Services", "current_actor", "services"]


class Authenticator(Protocol):
    async def authenticate(self, authorization: str | None) -> Actor: ...


@dataclass(frozen=True, slots=True)
class Container:
    authenticator: Authenticator
    uow_factory: UnitOfWorkFactory
    prompts: PromptService
    queries: PromptQueries
    renderer: TemplateRenderer
    runs: RunService
    templates: TemplateService
    gateway: LLMGateway
    gateway_for: Callable[[Actor], LLMGateway]


async def services(request: Request) -> Container:
    # async on purpose: FastAPI runs a plain-def dependency in a worker thread per request.
    container = request.app.state.container
    assert isinstance(container, Container)
    return container


Services = Annotated[Container, Depends(services)]


async def current_actor(request: Request, container: Services) -> Actor:
    actor = await container.authenticator.authenticate(request.headers.get("authorization"))
    request_id = getattr(request.state, "request_id", None)
    return actor.with_correlation(request_id if isinstance(request_id, str) else None)


CurrentActor = Annotated[Actor, Depends(current_actor)]
