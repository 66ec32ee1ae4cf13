"""Running prompts on models, the run history, and the model catalogue."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request

from autoforge.application.llm.runs import RunPrompt
from autoforge.presentation.api.schemas import ModelOut, RunIn, RunOut, RunPageOut
from autoforge.presentation.container import CurrentActor, Services

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["runs"])


@router.post("/prompts/{prompt_id}/runs", response_model=RunOut)
async def run_prompt(
    prompt_id: str, body: RunIn, services: Services, actor: CurrentActor
) -> RunOut:
    command = RunPrompt(
        prompt_id=prompt_id,
        variables=body.variables,
        model=body.model,
        version=body.version,
        label=body.label,
        temperature=body.temperature,
        max_tokens=body.max_tokens,
    )
    result = await services.runs.run(actor, command)
    return RunOut.model_validate(
        {**asdict(result.record), "unused_variables": result.unused_variables}
    )


@router.get("/prompts/{prompt_id}/runs", response_model=RunPageOut)
async def list_runs(
    prompt_id: str,
    services: Services,
    actor: CurrentActor,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> RunPageOut:
    result = await services.queries.runs(
        actor.tenant_id, prompt_id, version=version, page=page, page_size=page_size
    )
    return RunPageOut(
        items=[RunOut(**asdict(item)) for item in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


@router.get("/models", response_model=list[ModelOut])
async def list_models(request: Request, services: Services, actor: CurrentActor) -> list[ModelOut]:
    default = request.app.state.settings.default_model
    return [
        ModelOut(**asdict(model), default=model.name == default)
        for model in services.gateway.models()
    ]
