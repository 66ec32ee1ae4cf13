"""The built-in template catalogue, shipped as package data in builtin.json.

In the file each template's `content` is a list of lines, joined with newlines on load:
long prompts stay readable and reviewable line by line. Every template is validated when
the catalogue is first loaded, so a broken entry fails at start-up rather than when a user
picks it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import structlog

from autoforge.domain.template.model import (
    InvalidTemplateError,
    Template,
    TemplateParameter,
    is_category,
    is_language,
    validate_template,
)

__all__ = ["load_builtin_templates", "parse_templates"]

_RESOURCE = "builtin.json"

logger = structlog.get_logger(__name__)


@cache
def load_builtin_templates() -> tuple[Template, ...]:
    text = resources.files(__name__).joinpath(_RESOURCE).read_text(encoding="utf-8")
    templates = parse_templates(json.loads(text), builtin=True)
    logger.info("builtin_templates_loaded", count=len(templates))
    return templates


def parse_templates(document: Mapping[str, Any], *, builtin: bool) -> tuple[Template, ...]:
    """Templates from a catalogue document (`{"templates": [...]}`), each one validated."""
    templates = tuple(_template(raw, builtin=builtin) for raw in document["templates"])
    for template in templates:
        validate_template(template)

    ids = [t.id for t in templates]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidTemplateError(
            f"Duplicate template ids: {', '.join(duplicates)}.",
            f"テンプレートIDが重複しています: {', '.join(duplicates)}",
            extra={"duplicates": duplicates},
        )
    return templates


def _template(raw: Mapping[str, Any], *, builtin: bool) -> Template:
    category, language = str(raw["category"]), str(raw["language"])
    if not is_category(category) or not is_language(language):
        raise InvalidTemplateError(
            f"Template '{raw['id']}' has an unknown category or language.",
            f"テンプレート「{raw['id']}」のカテゴリまたは言語が不明です。",
            extra={"template_id": raw["id"], "category": category, "language": language},
        )

    content = raw["content"]
    return Template(
        id=str(raw["id"]),
        name=str(raw["name"]),
        description=str(raw["description"]),
        category=category,
        language=language,
        content="\n".join(content) if isinstance(content, list) else str(content),
        parameters=tuple(_parameter(p) for p in raw.get("parameters", ())),
        tags=tuple(str(tag) for tag in raw.get("tags", ())),
        builtin=builtin,
    )


def _parameter(raw: Mapping[str, Any]) -> TemplateParameter:
    default, example = raw.get("default"), raw.get("example")
    return TemplateParameter(
        name=str(raw["name"]),
        description=str(raw["description"]),
        required=bool(raw.get("required", True)),
        default=None if default is None else str(default),
        example=None if example is None else str(example),
    )
