from __future__ import annotations

import pytest

from autoforge.domain.errors import InvalidInputError
from autoforge.domain.template.model import (
    InvalidTemplateError,
    MissingTemplateParametersError,
    Template,
    TemplateParameter,
    instantiate,
    placeholders,
    validate_template,
)


def make_template(
    content: str = "Write about {{ topic }} for {{audience}} in a {{ tone }} tone.",
    parameters: tuple[TemplateParameter, ...] | None = None,
) -> Template:
    if parameters is None:
        parameters = (
            TemplateParameter("topic", "What to write about", example="tea"),
            TemplateParameter("audience", "Who reads it", example="students"),
            TemplateParameter("tone", "Voice", required=False, default="friendly"),
        )
    return Template(
        id="en-writing-test",
        name="Test",
        description="A test template",
        category="writing",
        language="en",
        content=content,
        parameters=parameters,
    )


def test_instantiate_fills_placeholders_with_and_without_spaces() -> None:
    result = instantiate(make_template(), {"topic": "tea", "audience": "students", "tone": "dry"})

    assert result.text == "Write about tea for students in a dry tone."
    assert result.unused == ()


def test_instantiate_uses_default_for_omitted_optional_parameter() -> None:
    result = instantiate(make_template(), {"topic": "tea", "audience": "students"})

    assert result.text == "Write about tea for students in a friendly tone."


def test_optional_parameter_without_default_becomes_empty() -> None:
    template = make_template(
        content="A{{ note }}B {{ topic }}",
        parameters=(
            TemplateParameter("note", "Optional note", required=False),
            TemplateParameter("topic", "Topic"),
        ),
    )

    assert instantiate(template, {"topic": "x"}).text == "AB x"


def test_missing_required_parameters_are_all_named() -> None:
    with pytest.raises(MissingTemplateParametersError) as caught:
        instantiate(make_template(), {"tone": "dry"})

    error = caught.value
    assert isinstance(error, InvalidInputError)
    assert error.instance_code == "MISSING_TEMPLATE_PARAMETERS"
    assert error.extra["missing"] == ["topic", "audience"]
    assert "topic" in error.detail("en")
    assert "audience" in error.detail("en")
    assert "必要" in error.detail("ja")
    assert "audience" in error.detail("ja")


def test_whitespace_only_value_counts_as_missing_for_required_parameter() -> None:
    with pytest.raises(MissingTemplateParametersError) as caught:
        instantiate(make_template(), {"topic": "  \n", "audience": "students"})

    assert caught.value.extra["missing"] == ["topic"]


def test_unknown_values_are_reported_as_unused_not_rejected() -> None:
    result = instantiate(
        make_template(), {"topic": "tea", "audience": "students", "colour": "red", "aa": "1"}
    )

    assert result.unused == ("aa", "colour")
    assert "red" not in result.text


def test_values_are_inserted_literally_and_never_substituted_again() -> None:
    result = instantiate(make_template(), {"topic": "{{ audience }}", "audience": "students"})

    assert result.text == "Write about {{ audience }} for students in a friendly tone."


def test_every_occurrence_of_a_placeholder_is_filled() -> None:
    template = make_template(
        content="{{ name }} and {{name}} again",
        parameters=(TemplateParameter("name", "A name"),),
    )

    assert instantiate(template, {"name": "Ada"}).text == "Ada and Ada again"


def test_japanese_parameter_names_are_allowed() -> None:
    template = make_template(
        content="「{{ 商品名 }}」の広告文を書いてください。",
        parameters=(TemplateParameter("商品名", "商品の名前"),),
    )

    validate_template(template)
    assert (
        instantiate(template, {"商品名": "ねむりの森"}).text
        == "「ねむりの森」の広告文を書いてください。"
    )


def test_placeholders_lists_names_once_in_order_of_appearance() -> None:
    assert placeholders("{{ b }} {{a}} {{ b }} {{ c_1 }}") == ("b", "a", "c_1")


def test_validate_template_accepts_a_consistent_template() -> None:
    validate_template(make_template())


def test_validate_template_names_undeclared_and_unused_parameters() -> None:
    template = make_template(
        content="About {{ topic }} for {{ reader }} and {{ length }}.",
        parameters=(
            TemplateParameter("topic", "Topic"),
            TemplateParameter("audience", "Audience"),
        ),
    )

    with pytest.raises(InvalidTemplateError) as caught:
        validate_template(template)

    error = caught.value
    assert isinstance(error, InvalidInputError)
    assert error.instance_code == "INVALID_TEMPLATE"
    assert error.extra["undeclared"] == ["reader", "length"]
    assert error.extra["unused"] == ["audience"]
    assert "reader" in error.detail("en")
    assert "audience" in error.detail("en")
    assert "未定義" in error.detail("ja")


def test_validate_template_rejects_malformed_placeholders() -> None:
    template = make_template(
        content="{{ topic }} {{ topic | upper }} {{ two words }}",
        parameters=(TemplateParameter("topic", "Topic"),),
    )

    with pytest.raises(InvalidTemplateError) as caught:
        validate_template(template)

    assert caught.value.extra["malformed"] == ["{{ topic | upper }}", "{{ two words }}"]


def test_validate_template_rejects_empty_content() -> None:
    with pytest.raises(InvalidTemplateError) as caught:
        validate_template(make_template(content="  ", parameters=()))

    assert caught.value.extra["empty"] is True


def test_template_rejects_unknown_category_and_duplicate_parameters() -> None:
    with pytest.raises(InvalidTemplateError) as caught:
        Template(
            id="x",
            name="X",
            description="",
            category="astrology",  # type: ignore[arg-type]
            language="en",
            content="{{ a }}",
            parameters=(TemplateParameter("a", "A"), TemplateParameter("a", "A again")),
        )

    problems = caught.value.extra["problems"]
    assert any("astrology" in p for p in problems)
    assert any("duplicate parameters: a" in p for p in problems)


def test_template_rejects_unknown_language() -> None:
    with pytest.raises(InvalidTemplateError):
        Template(
            id="x",
            name="X",
            description="",
            category="writing",
            language="fr",  # type: ignore[arg-type]
            content="hi",
        )


@pytest.mark.parametrize("name", ["1st", "two words", "a-b", "", "name\n"])
def test_parameter_rejects_names_that_cannot_be_placeholders(name: str) -> None:
    with pytest.raises(InvalidTemplateError):
        TemplateParameter(name, "desc")


def test_required_parameter_cannot_have_a_default() -> None:
    with pytest.raises(InvalidTemplateError):
        TemplateParameter("tone", "Voice", required=True, default="friendly")


def test_template_rejects_id_with_spaces() -> None:
    with pytest.raises(InvalidTemplateError) as caught:
        Template(
            id="my template",
            name="X",
            description="",
            category="writing",
            language="en",
            content="hi",
        )

    assert caught.value.extra["template_id"] == "my template"


def test_placeholder_may_be_padded_with_ideographic_spaces() -> None:
    template = make_template(
        content="{{\u3000topic\u3000}}について", parameters=(TemplateParameter("topic", "話題"),)
    )

    validate_template(template)
    assert instantiate(template, {"topic": "お茶"}).text == "お茶について"
