"""Variable substitution in assertion values: {{ var }} and safe filters, nothing that runs code."""

from __future__ import annotations

import pytest

from autoforge.domain.evaluation.assertions.template import TemplateError, render_template
from tests.unit.evaluation.assertion_helpers import check, passes

VARIABLES = {"name": "taro", "city": "東京", "items": ["a", "b"], "user": {"age": 3}, "n": 2.0}


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("Hello {{name}}", "Hello taro"),
        ("{{ name | upper }} SAN", "TARO SAN"),
        ("{{ city }}タワー", "東京タワー"),
        ("{{ user.age }} / {{ items[1] }}", "3 / b"),
        ("{{ items | join(', ') }}", "a, b"),
        ("{{ items }}", "a,b"),
        ("{{ n }}", "2"),
        ("{{ missing }}|{{ missing | default('none') }}", "|none"),
        ("{{ name | capitalize }} {{ 'ab' | length }}".replace("'ab'", "name"), "Taro 4"),
        ("{{ user | dump }}", '{"age":3}'),
        ("a {{- name -}} b", "atarob"),
        ("{# note #}plain", "plain"),
    ],
)
def test_rendering(template: str, rendered: str) -> None:
    assert render_template(template, VARIABLES) == rendered


@pytest.mark.parametrize(
    "template",
    [
        "{% for x in items %}{{ x }}{% endfor %}",
        "{{ range(10) }}",
        "{{ name | attr('x') }}",
        "{{ unterminated",
    ],
)
def test_anything_beyond_substitution_is_refused(template: str) -> None:
    with pytest.raises(TemplateError):
        render_template(template, VARIABLES)


def test_environment_is_not_reachable() -> None:
    assert render_template("[{{ env.PATH }}]", VARIABLES) == "[]"


def test_lookups_go_into_mappings_and_lists_never_into_python_objects() -> None:
    assert render_template("[{{ name.__class__ }}][{{ items.__len__ }}]", VARIABLES) == "[][]"


def test_values_are_rendered_before_checking() -> None:
    assert passes(
        "Order 12345",
        {"type": "regex", "value": "^Order {{digits}}$"},
        variables={"digits": r"\d{5}"},
    )
    assert passes(
        "pizza", {"type": "contains-any", "value": ["{{ food }}", "x"]}, variables={"food": "pizza"}
    )


def test_object_values_are_not_rendered() -> None:
    assert not passes(
        '{"a": "x"}', {"type": "equals", "value": {"a": "{{ v }}"}}, variables={"v": "x"}
    )


def test_template_error_in_a_value_is_an_error_result() -> None:
    assert check("x", {"type": "contains", "value": "{{ x | nope }}"}).error is not None
