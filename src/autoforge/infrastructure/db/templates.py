"""Users' own templates in the database."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, insert, select

from autoforge.domain.identity.model import Actor
from autoforge.domain.template.model import Template
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.tables import user_templates
from autoforge.infrastructure.templates import parse_templates

__all__ = ["SqlUserTemplateStore"]


def _template(row: Row[Any]) -> Template:
    raw = {
        "id": row.template_id,
        "name": row.name,
        "description": row.description,
        "category": row.category,
        "language": row.language,
        "tags": row.tags,
        "content": row.content,
        "parameters": row.parameters,
    }
    return parse_templates({"templates": [raw]}, builtin=False)[0]


class SqlUserTemplateStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def list(self, tenant_id: str) -> list[Template]:
        async with self._database.reader.connect() as connection:
            rows = await connection.execute(
                select(user_templates)
                .where(user_templates.c.tenant_id == tenant_id)
                .order_by(user_templates.c.name)
            )
            return [_template(row) for row in rows]

    async def add(self, actor: Actor, template: Template) -> None:
        async with self._database.writer.begin() as connection:
            await connection.execute(
                insert(user_templates).values(
                    template_id=template.id,
                    tenant_id=actor.tenant_id,
                    owner_id=actor.user_id,
                    name=template.name,
                    description=template.description,
                    category=template.category,
                    language=template.language,
                    tags=list(template.tags),
                    content=template.content,
                    parameters=[asdict(parameter) for parameter in template.parameters],
                    created_at=datetime.now(UTC),
                )
            )
