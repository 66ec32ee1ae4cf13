"""Prompt templates: the entity, filling and validation, and catalogue search."""

from autoforge.domain.template.catalog import (
    category_counts,
    find_template,
    search_templates,
    tag_counts,
)
from autoforge.domain.template.model import (
    CATEGORIES,
    LANGUAGES,
    Category,
    Instantiation,
    InvalidTemplateError,
    Language,
    MissingTemplateParametersError,
    Template,
    TemplateNotFoundError,
    TemplateParameter,
    instantiate,
    is_category,
    is_language,
    placeholders,
    validate_template,
)

__all__ = [
    "CATEGORIES",
    "LANGUAGES",
    "Category",
    "Instantiation",
    "InvalidTemplateError",
    "Language",
    "MissingTemplateParametersError",
    "Template",
    "TemplateNotFoundError",
    "TemplateParameter",
    "category_counts",
    "find_template",
    "instantiate",
    "is_category",
    "is_language",
    "placeholders",
    "search_templates",
    "tag_counts",
    "validate_template",
]
