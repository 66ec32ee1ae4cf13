"""Rendering prompt templates: plain substitutions in-process, logic in the sandbox."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from autoforge.domain.errors import InvalidInputError
from autoforge.domain.prompt.rendering import (
    MissingTemplateVariablesError,
    RenderResult,
    TemplateRenderError,
    TemplateSyntaxError,
)
from autoforge.infrastructure.rendering import JinjaTemplateRenderer, RenderLimits
from autoforge.infrastructure.rendering.plain import render_plain
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def renderer() -> Iterator[JinjaTemplateRenderer]:
    instance = JinjaTemplateRenderer()
    yield instance
    instance.close()


def real_prompts() -> list[str]:
    csv.field_size_limit(10_000_000)
    with shared_data("prompts_en.csv").open(encoding="utf-8", newline="") as handle:
        english = [row["prompt"] for row in csv.DictReader(handle)]
    lines = shared_data("prompts_ja.jsonl").read_text(encoding="utf-8").splitlines()
    return english + [json.loads(line)["prompt"] for line in lines if line.strip()]


def test_plain_text_renders_to_itself(renderer: JinjaTemplateRenderer) -> None:
    text = "Braces { and } alone, {# a heading id #}, 100%}, ${x}, [Name] and a CRLF\r\nend\n"

    result = renderer.render(text, {"unused": "value"})

    assert result == RenderResult(text=text, missing=(), unused=("unused",))


def test_every_real_prompt_without_template_syntax_renders_untouched(
    renderer: JinjaTemplateRenderer,
) -> None:
    plain = [p for p in real_prompts() if "{{" not in p and "{%" not in p and "{##" not in p]

    assert len(plain) > 1_200
    for prompt in plain:
        assert renderer.render(prompt, {}).text == prompt


def test_plain_substitutions_use_the_fast_path_and_report_missing_and_unused(
    renderer: JinjaTemplateRenderer,
) -> None:
    content = "Translate {{ text }} into {{language}}, tone {{ tone }}; again {{text}}."
    values = {"text": "hello", "extra": "x", "language": "Japanese"}

    result = renderer.render(content, values)

    assert render_plain(content, values, max_output_chars=1_000_000) == result
    assert result.text == "Translate hello into Japanese, tone {{ tone }}; again hello."
    assert result.missing == ("tone",)
    assert result.unused == ("extra",)


def test_japanese_variable_names_are_substituted(renderer: JinjaTemplateRenderer) -> None:
    result = renderer.render(
        "{{ 名前 }}さん、{{対象}}について教えてください。", {"名前": "田中", "対象": "剣道"}
    )

    assert result.text == "田中さん、剣道について教えてください。"
    assert result.missing == result.unused == ()


@pytest.mark.parametrize(
    "content",
    [
        "{% if a %}x{% endif %}",
        "{{ a | upper }}",
        "{{ a.b }}",
        "{{ none }}",
        "{{ self }}",
        "{## c ##}",
    ],
)
def test_anything_beyond_plain_substitution_leaves_the_fast_path(content: str) -> None:
    assert render_plain(content, {"a": "1"}, max_output_chars=1_000_000) is None


def test_conditions_loops_filters_and_assignments_render(renderer: JinjaTemplateRenderer) -> None:
    content = (
        "{% set greeting = 'Hello' %}{{ greeting }} {{ name | title }}!\n"
        "{% if formal %}Dear guest.{% else %}Hi.{% endif %}\n"
        "{% for letter in name %}{{ loop.index }}{{ letter | upper }} {% endfor %}\n"
        "{{ range(3) | join(',') }} {{ 'a,b' | replace(',', ';') }} {{ name | length }}"
    )

    result = renderer.render(content, {"name": "ann", "formal": ""})

    assert result.text == "Hello Ann!\nHi.\n1A 2N 3N \n0,1,2 a;b 3"
    assert result.missing == result.unused == ()


def test_logic_templates_report_missing_names_in_order_and_leave_them_visible(
    renderer: JinjaTemplateRenderer,
) -> None:
    content = "{% if tone %}({{ tone }}){% endif %} {{ topic }} {{ audience }}"

    result = renderer.render(content, {"tone": "calm", "spare": "x"})

    assert result.text == "(calm) {{ topic }} {{ audience }}"
    assert result.missing == ("topic", "audience")
    assert result.unused == ("spare",)


def test_arithmetic_on_missing_names_reports_them_instead_of_failing(
    renderer: JinjaTemplateRenderer,
) -> None:
    content = "Topic: {{Product / decision / topic}}\n{% if x %}x{% endif %}"

    result = renderer.render(content, {})

    assert result.missing == ("Product", "decision", "topic", "x")
    with pytest.raises(MissingTemplateVariablesError) as raised:
        result.require_complete()
    assert raised.value.missing == ("Product", "decision", "topic", "x")
    assert raised.value.code == "MISSING_VARIABLES"


def test_range_is_callable_while_a_variable_named_range_is_an_ordinary_value(
    renderer: JinjaTemplateRenderer,
) -> None:
    content = "{% for i in range(2) %}{{ i }}{% endfor %} budget {{ range }}"

    assert renderer.render(content, {"range": "$5-10"}).text == "01 budget $5-10"
    assert renderer.render(content, {}).missing == ("range",)


def test_prompt_text_that_jinja_would_swallow_is_kept(renderer: JinjaTemplateRenderer) -> None:
    content = "## Intro {#intro}\n{% if a %}{# not a comment #}{% endif %}{## a comment ##}end"

    assert renderer.render(content, {"a": "1"}).text == "## Intro {#intro}\n{# not a comment #}end"


def test_raw_blocks_keep_their_content(renderer: JinjaTemplateRenderer) -> None:
    content = "{% raw %}{{ not_a_variable }}{% endraw %} {{ x }}{% if x %}!{% endif %}"

    result = renderer.render(content, {"x": "ok"})

    assert result.text == "{{ not_a_variable }} ok!"
    assert result.missing == ()


def test_logic_templates_keep_crlf_line_breaks_and_the_trailing_newline(
    renderer: JinjaTemplateRenderer,
) -> None:
    content = "first\r\n{% if a %}A{% endif %}\r\nlast\r\n"

    assert renderer.render(content, {"a": "1"}).text == "first\r\nA\r\nlast\r\n"


def test_syntax_errors_carry_the_line_number_in_both_languages(
    renderer: JinjaTemplateRenderer,
) -> None:
    content = "line one\nline two\n{{ name }\nline four"

    with pytest.raises(TemplateSyntaxError) as raised:
        renderer.render(content, {"name": "x"})

    error = raised.value
    assert error.code == "TEMPLATE_SYNTAX_ERROR"
    assert error.line == 3
    assert error.extra["line"] == 3
    assert "line 3" in error.detail("en")
    assert "3 行目" in error.detail("ja")
    assert isinstance(error, InvalidInputError)
    assert error.status == 422


def test_unclosed_blocks_are_syntax_errors(renderer: JinjaTemplateRenderer) -> None:
    with pytest.raises(TemplateSyntaxError) as raised:
        renderer.render("a\n{% if x %}\nb\n", {"x": "1"})

    assert raised.value.line is not None


def test_filters_outside_the_allowed_set_are_refused(renderer: JinjaTemplateRenderer) -> None:
    with pytest.raises(TemplateRenderError) as raised:
        renderer.render("{{ name | pprint }}", {"name": "x"})

    assert raised.value.code == "TEMPLATE_RENDER_ERROR"
    assert raised.value.reason == "unsupported_syntax"
    assert "pprint" in raised.value.detail("en")
    assert "pprint" in raised.value.detail("ja")


def test_a_complete_result_gives_its_text() -> None:
    assert RenderResult(text="done").require_complete() == "done"


def test_concurrent_logic_renders_each_get_their_own_result(
    renderer: JinjaTemplateRenderer,
) -> None:
    template = "{% for i in range(n | int) %}{{ i }}{% endfor %}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(lambda n: renderer.render(template, {"n": str(n)}).text, range(40)))

    assert texts == ["".join(str(i) for i in range(n)) for n in range(40)]


def test_plain_substitution_refuses_output_past_the_limit_before_building_it() -> None:
    renderer = JinjaTemplateRenderer(limits=RenderLimits(max_output_chars=10_000))

    with pytest.raises(TemplateRenderError) as refused:
        renderer.render("{{a}}" * 1_000, {"a": "x" * 1_000_000})

    assert refused.value.extra["reason"] == "output_limit"
    renderer.close()
