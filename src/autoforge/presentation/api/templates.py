"""Templates: browse the catalogue, save your own, start a prompt from one."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from autoforge.domain.template.model import Category, Template, TemplateParameter
from autoforge.presentation.api.prompts import respond_with_prompt
from autoforge.presentation.api.schemas import PromptOut
from autoforge.presentation.container import CurrentActor, Services

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/templates", tags=["templates"])


class ParameterBody(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=1000)
    required: bool = True
    default: str | None = None
    example: str | None = None


class TemplateIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=2000)
    category: Category
    language: Literal["en", "ja"]
    content: str = Field(min_length=1, max_length=200_000)
    parameters: list[ParameterBody] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=30)


class TemplateOut(TemplateIn):
    template_id: str
    builtin: bool


class InstantiateIn(BaseModel):
    values: dict[str, str] = Field(default_factory=dict)
    title: str | None = Field(default=None, min_length=1, max_length=1000)
    tags: list[str] = Field(default_factory=list, max_length=50)


class InstantiatedOut(BaseModel):
    prompt: PromptOut
    unused_values: list[str]


def _out(template: Template) -> TemplateOut:
    return TemplateOut(
        template_id=template.id,
        builtin=template.builtin,
        name=template.name,
        description=template.description,
        category=template.category,
        language=template.language,
        content=template.content,
        parameters=[
            ParameterBody(
                name=p.name,
                description=p.description,
                required=p.required,
                default=p.default,
                example=p.example,
            )
            for p in template.parameters
        ],
        tags=list(template.tags),
    )


@router.get("", response_model=list[TemplateOut])
async def list_templates(
    services: Services,
    actor: CurrentActor,
    category: Annotated[str | None, Query(max_length=50)] = None,
    language: Annotated[Literal["en", "ja"] | None, Query()] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> list[TemplateOut]:
    found = await services.templates.search(
        actor, category=category, language=language, tag=tag, text=q
    )
    return [_out(template) for template in found]


@router.get("/{template_id}", response_model=TemplateOut)
async def get_template(template_id: str, services: Services, actor: CurrentActor) -> TemplateOut:
    return _out(await services.templates.get(actor, template_id))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TemplateOut)
async def save_template(
    body: TemplateIn, services: Services, actor: CurrentActor, response: Response
) -> TemplateOut:
    template = Template(
        id="draft",
        name=body.name,
        description=body.description,
        category=body.category,
        language=body.language,
        content=body.content,
        parameters=tuple(TemplateParameter(**p.model_dump()) for p in body.parameters),
        tags=tuple(body.tags),
    )
    saved = await services.templates.save(actor, template)
    response.headers["Location"] = f"/api/v1/templates/{saved.id}"
    return _out(saved)


@router.post(
    "/{template_id}/instantiate",
    status_code=status.HTTP_201_CREATED,
    response_model=InstantiatedOut,
)
async def instantiate_template(
    template_id: str,
    body: InstantiateIn,
    services: Services,
    actor: CurrentActor,
    response: Response,
) -> InstantiatedOut:
    prompt, unused = await services.templates.instantiate(
        actor, template_id, values=body.values, title=body.title, tags=body.tags
    )
    response.headers["Location"] = f"/api/v1/prompts/{prompt.prompt_id}"
    out = await respond_with_prompt(services, actor, prompt.prompt_id, response)
    return InstantiatedOut(prompt=out, unused_values=list(unused))
