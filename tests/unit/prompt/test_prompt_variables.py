"""Which names of a template are variables, and that finding them stays linear-time."""

from __future__ import annotations

import time

import pytest

from autoforge.domain.prompt.variables import extract_variables, is_variable_name


def test_variables_come_in_order_of_first_appearance_once_each() -> None:
    content = "{{ b }} and {{a}} then {{  b  }} and {{c}} and {{ a }}"

    assert extract_variables(content) == ("b", "a", "c")


def test_whitespace_control_and_filters_still_name_the_variable() -> None:
    content = "{{- tone -}} {{ topic | upper }} {{ n|default('3') }}"

    assert extract_variables(content) == ("tone", "topic", "n")


def test_japanese_and_other_unicode_letters_are_variable_names() -> None:
    content = "{{ 名前 }}さん、{{対象言語}}で{{ café_ñame }}を説明してください。"

    assert extract_variables(content) == ("名前", "対象言語", "café_ñame")


def test_a_dotted_path_counts_as_its_root_variable() -> None:
    assert extract_variables("{{ user.name }} {{ user . email }} {{ order.id }}") == (
        "user",
        "order",
    )


@pytest.mark.parametrize(
    "content",
    [
        "{{ }}",
        '{{"a": 1}}',
        "{{ 1 }}",
        "{{ 1name }}",
        "{{ true }} {{ None }} {{ and }}",
        "{{{a}}}",
        "{{#1761815388187.sourceName#}}",
        "{{ width: '100vw' }}",
        "{ name } and ${name} and [Name]",
        "{{ a + b }}",
    ],
)
def test_text_that_is_not_a_plain_substitution_has_no_variables(content: str) -> None:
    assert extract_variables(content) == ()


def test_names_bound_by_the_template_itself_are_not_variables() -> None:
    content = (
        "{% for item, score in results %}{{ item }}={{ score }} ({{ loop.index }}){% endfor %}"
        "{% set greeting = 'hi' %}{{ greeting }} {{ audience }}"
    )

    # `results` is read by the loop, so the caller must supply it; the loop's own names are not.
    assert extract_variables(content) == ("results", "audience")


def test_names_read_by_conditions_and_loops_are_variables() -> None:
    content = (
        '{% if formal and lang == "ja" %}拝啓{% elif casual %}hi{% endif %} {{ name }}'
        "{% for i in range(3) %}{{ i }}{% endfor %}{% for row in rows %}{{ row.title }}{% endfor %}"
    )

    assert extract_variables(content) == ("formal", "lang", "casual", "name", "rows")


def test_is_variable_name_accepts_identifiers_and_refuses_literal_words() -> None:
    assert is_variable_name("topic")
    assert is_variable_name("対象")
    assert not is_variable_name("none")
    assert not is_variable_name("2nd")
    assert not is_variable_name("your name")


@pytest.mark.parametrize(
    "content",
    [
        "{{" * 100_000,
        "{{ a" + " " * 199_990,
        "{{ a |" * 40_000,
        "{{ " + "a" * 199_990,
        "{{ a." * 50_000,
        "{%- for " + "x, " * 60_000,
        "{{ x }}" * 28_000,
    ],
)
def test_adversarial_200k_inputs_are_scanned_in_linear_time(content: str) -> None:
    started = time.perf_counter()

    extract_variables(content)

    assert time.perf_counter() - started < 0.5
