"""Prompts: create, browse, change, archive, label, diff and render."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from autoforge.application.llm.runs import render_version, resolve_version
from autoforge.application.prompt.commands import (
    ArchivePrompt,
    CreatePrompt,
    MoveLabel,
    RestorePrompt,
    UpdatePrompt,
)
from autoforge.application.prompt.views import PromptFilter, PromptView
from autoforge.domain.prompt.diff import char_diff, line_diff
from autoforge.presentation.api.revisions import IfMatch, etag, expected_revision
from autoforge.presentation.api.schemas import (
    DiffOut,
    LabelIn,
    PromptCreateIn,
    PromptOut,
    PromptPageOut,
    PromptSummaryOut,
    PromptUpdateIn,
    RenderIn,
    RenderOut,
    RevisionIn,
    VariablesOut,
    VersionOut,
)
from autoforge.presentation.container import CurrentActor, Services

__all__ = ["respond_with_prompt", "router"]

router = APIRouter(prefix="/api/v1/prompts", tags=["prompts"])


def _prompt_out(view: PromptView) -> PromptOut:
    return PromptOut(**asdict(view), content_version=view.version)


async def respond_with_prompt(
    services: Services, actor: CurrentActor, prompt_id: str, response: Response
) -> PromptOut:
    view = await services.queries.get(actor.tenant_id, prompt_id)
    response.headers["ETag"] = etag(view.revision)
    return _prompt_out(view)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PromptOut)
async def create_prompt(
    body: PromptCreateIn, services: Services, actor: CurrentActor, response: Response
) -> PromptOut:
    command = CreatePrompt(
        title=body.title, content=body.content, description=body.description, tags=tuple(body.tags)
    )
    prompt = await services.prompts.create(services.uow_factory(actor), actor, command)
    response.headers["Location"] = f"/api/v1/prompts/{prompt.prompt_id}"
    return await respond_with_prompt(services, actor, prompt.prompt_id, response)


@router.get("", response_model=PromptPageOut)
async def list_prompts(
    services: Services,
    actor: CurrentActor,
    q: Annotated[str | None, Query(max_length=500, description="Text in title or content")] = None,
    tag: Annotated[
        list[str] | None, Query(max_length=20, description="Only prompts with every tag")
    ] = None,
    archived: Annotated[bool | None, Query(description="Omit to list only active ones")] = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> PromptPageOut:
    query = PromptFilter(
        text=q, tags=tuple(tag or ()), archived=archived, page=page, page_size=page_size
    )
    result = await services.queries.search(actor.tenant_id, query)
    return PromptPageOut(
        items=[PromptSummaryOut(**asdict(item)) for item in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


@router.get("/{prompt_id}", response_model=PromptOut)
async def get_prompt(
    prompt_id: str,
    services: Services,
    actor: CurrentActor,
    response: Response,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    label: Annotated[str | None, Query(max_length=50)] = None,
) -> PromptOut:
    out = await respond_with_prompt(services, actor, prompt_id, response)
    if version is None and label is None:
        return out
    chosen = await resolve_version(
        services.queries, actor, prompt_id=prompt_id, version=version, label=label
    )
    return out.model_copy(
        update={
            "content": chosen.content,
            "variables": chosen.variables,
            "content_version": chosen.version,
        }
    )


@router.patch("/{prompt_id}", response_model=PromptOut)
async def update_prompt(
    prompt_id: str,
    body: PromptUpdateIn,
    services: Services,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> PromptOut:
    command = UpdatePrompt(
        prompt_id=prompt_id,
        content=body.content,
        message=body.message,
        title=body.title,
        description=body.description,
        tags=None if body.tags is None else tuple(body.tags),
        expected_revision=expected_revision(if_match, body.expected_revision),
    )
    await services.prompts.update(services.uow_factory(actor), command)
    return await respond_with_prompt(services, actor, prompt_id, response)


@router.post("/{prompt_id}/archive", response_model=PromptOut)
async def archive_prompt(
    prompt_id: str,
    services: Services,
    actor: CurrentActor,
    response: Response,
    body: RevisionIn | None = None,
    if_match: IfMatch = None,
) -> PromptOut:
    revision = expected_revision(if_match, body.expected_revision if body else None)
    await services.prompts.archive(services.uow_factory(actor), ArchivePrompt(prompt_id, revision))
    return await respond_with_prompt(services, actor, prompt_id, response)


@router.post("/{prompt_id}/restore", response_model=PromptOut)
async def restore_prompt(
    prompt_id: str,
    services: Services,
    actor: CurrentActor,
    response: Response,
    body: RevisionIn | None = None,
    if_match: IfMatch = None,
) -> PromptOut:
    revision = expected_revision(if_match, body.expected_revision if body else None)
    await services.prompts.restore(services.uow_factory(actor), RestorePrompt(prompt_id, revision))
    return await respond_with_prompt(services, actor, prompt_id, response)


@router.get("/{prompt_id}/versions", response_model=list[VersionOut])
async def list_versions(
    prompt_id: str, services: Services, actor: CurrentActor
) -> list[VersionOut]:
    versions = await services.queries.versions(actor.tenant_id, prompt_id)
    return [VersionOut(**asdict(version)) for version in versions]


@router.get("/{prompt_id}/versions/{version}", response_model=VersionOut)
async def get_version(
    prompt_id: str,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
    services: Services,
    actor: CurrentActor,
) -> VersionOut:
    return VersionOut(**asdict(await services.queries.version(actor.tenant_id, prompt_id, version)))


@router.get("/{prompt_id}/labels/{label}", response_model=VersionOut)
async def get_by_label(
    prompt_id: str, label: str, services: Services, actor: CurrentActor
) -> VersionOut:
    view = await services.queries.version_by_label(actor.tenant_id, prompt_id, label)
    return VersionOut(**asdict(view))


@router.put("/{prompt_id}/labels/{label}", response_model=PromptOut)
async def move_label(
    prompt_id: str,
    label: str,
    body: LabelIn,
    services: Services,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> PromptOut:
    command = MoveLabel(
        prompt_id=prompt_id,
        label=label,
        version=body.version,
        expected_revision=expected_revision(if_match, body.expected_revision),
    )
    await services.prompts.move_label(services.uow_factory(actor), command)
    return await respond_with_prompt(services, actor, prompt_id, response)


@router.get("/{prompt_id}/variables", response_model=VariablesOut)
async def list_variables(
    prompt_id: str,
    services: Services,
    actor: CurrentActor,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    label: Annotated[str | None, Query(max_length=50)] = None,
) -> VariablesOut:
    chosen = await resolve_version(
        services.queries, actor, prompt_id=prompt_id, version=version, label=label
    )
    return VariablesOut(prompt_id=prompt_id, version=chosen.version, variables=chosen.variables)


@router.get("/{prompt_id}/diff", response_model=DiffOut)
async def diff_versions(
    prompt_id: str,
    services: Services,
    actor: CurrentActor,
    from_version: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=1_000_000)],
    mode: Literal["line", "char"] = "line",
) -> DiffOut:
    old = await services.queries.version(actor.tenant_id, prompt_id, from_version)
    new = await services.queries.version(actor.tenant_id, prompt_id, to_version)
    # Diffing long texts is CPU work; keep it off the event loop.
    if mode == "line":
        lines = await asyncio.to_thread(line_diff, old.content, new.content)
        added, removed, unified, operations = (
            lines.lines_added,
            lines.lines_removed,
            lines.unified,
            lines.operations,
        )
    else:
        chars = await asyncio.to_thread(char_diff, old.content, new.content)
        added, removed, unified, operations = (
            chars.chars_added,
            chars.chars_removed,
            None,
            chars.operations,
        )
    return DiffOut(
        prompt_id=prompt_id,
        from_version=from_version,
        to_version=to_version,
        mode=mode,
        added=added,
        removed=removed,
        unified=unified,
        operations=[asdict(operation) for operation in operations],
    )


@router.post("/{prompt_id}/render", response_model=RenderOut)
async def render_prompt(
    prompt_id: str, body: RenderIn, services: Services, actor: CurrentActor
) -> RenderOut:
    chosen = await resolve_version(
        services.queries, actor, prompt_id=prompt_id, version=body.version, label=body.label
    )
    text, unused = await render_version(services.renderer, chosen, body.variables)
    return RenderOut(
        prompt_id=prompt_id,
        version=chosen.version,
        text=text,
        variables=chosen.variables,
        unused_variables=unused,
    )
