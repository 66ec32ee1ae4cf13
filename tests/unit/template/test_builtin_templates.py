from __future__ import annotations

import re
from collections import Counter

import pytest

from autoforge.domain.template.catalog import search_templates
from autoforge.domain.template.model import (
    CATEGORIES,
    InvalidTemplateError,
    Template,
    instantiate,
    validate_template,
)
from autoforge.infrastructure.templates import load_builtin_templates, parse_templates

BUILTIN = load_builtin_templates()
SLUG = re.compile(r"^(en|ja)-[a-z]+(-[a-z0-9]+)+$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def by_id(template: Template) -> str:
    return template.id


def test_catalogue_is_large_and_covers_both_languages_and_many_categories() -> None:
    languages = Counter(t.language for t in BUILTIN)

    assert len(BUILTIN) >= 40
    assert languages["en"] >= 15
    assert languages["ja"] >= 15
    assert len({t.category for t in BUILTIN}) >= 10


def test_ids_are_unique() -> None:
    ids = [t.id for t in BUILTIN]

    assert len(ids) == len(set(ids))


def test_loader_returns_the_same_cached_tuple() -> None:
    assert load_builtin_templates() is BUILTIN


@pytest.mark.parametrize("template", BUILTIN, ids=by_id)
def test_builtin_template_is_well_formed(template: Template) -> None:
    validate_template(template)

    assert template.builtin
    assert SLUG.match(template.id)
    assert template.id.startswith(f"{template.language}-{template.category.replace('_', '-')}-")
    assert template.category in CATEGORIES
    assert template.name.strip()
    assert template.description.strip()
    assert template.tags
    assert 2 <= len(template.parameters) <= 6


@pytest.mark.parametrize("template", BUILTIN, ids=by_id)
def test_every_parameter_is_described_with_an_example(template: Template) -> None:
    for parameter in template.parameters:
        assert parameter.description.strip(), parameter.name
        assert (parameter.example or "").strip(), parameter.name


@pytest.mark.parametrize("template", [t for t in BUILTIN if t.language == "ja"], ids=by_id)
def test_japanese_templates_are_written_in_japanese(template: Template) -> None:
    texts = [template.name, template.description, template.content]
    texts += [p.description for p in template.parameters]

    assert all(JAPANESE.search(text) for text in texts)


@pytest.mark.parametrize("template", [t for t in BUILTIN if t.language == "en"], ids=by_id)
def test_english_templates_are_written_in_english(template: Template) -> None:
    texts = [template.name, template.description, template.content]
    texts += [p.description for p in template.parameters]

    assert not any(JAPANESE.search(text) for text in texts)


@pytest.mark.parametrize("template", BUILTIN, ids=by_id)
def test_instantiates_with_example_values_leaving_no_placeholder(template: Template) -> None:
    values = {p.name: p.example or "" for p in template.parameters}

    result = instantiate(template, values)

    assert "{{" not in result.text
    assert "}}" not in result.text
    assert result.unused == ()
    for value in values.values():
        assert value in result.text


@pytest.mark.parametrize("template", BUILTIN, ids=by_id)
def test_instantiates_with_only_required_values(template: Template) -> None:
    values = {p.name: p.example or "" for p in template.parameters if p.required}

    result = instantiate(template, values)

    assert "{{" not in result.text
    for parameter in template.parameters:
        if not parameter.required:
            assert parameter.default
            assert parameter.default in result.text


def test_japanese_search_finds_builtin_minutes_template() -> None:
    found = search_templates(BUILTIN, language="ja", text="議事録")

    assert found[0].id == "ja-business-meeting-minutes"


def test_full_width_search_finds_builtin_seo_brief() -> None:
    found = search_templates(BUILTIN, text="ＳＥＯ")

    assert "en-marketing-seo-brief" in [t.id for t in found]


def test_parse_templates_joins_content_lines_and_rejects_invalid_entries() -> None:
    entry = {
        "id": "en-writing-x",
        "name": "X",
        "description": "d",
        "category": "writing",
        "language": "en",
        "parameters": [{"name": "a", "description": "A"}],
        "content": ["line {{ a }}", "second"],
    }

    (parsed,) = parse_templates({"templates": [entry]}, builtin=False)
    assert parsed.content == "line {{ a }}\nsecond"
    assert not parsed.builtin

    with pytest.raises(InvalidTemplateError):
        parse_templates({"templates": [{**entry, "content": "no placeholder"}]}, builtin=False)
    with pytest.raises(InvalidTemplateError):
        parse_templates({"templates": [entry, entry]}, builtin=False)
    with pytest.raises(InvalidTemplateError):
        parse_templates({"templates": [{**entry, "category": "magic"}]}, builtin=False)
