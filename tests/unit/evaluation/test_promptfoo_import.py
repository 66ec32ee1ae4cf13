"""promptfoo configs: prompts, providers, tests, defaultTest merging, list expansion, reports."""

from __future__ import annotations

import pytest

from autoforge.application.evaluation.promptfoo import PromptfooConfig, read_promptfoo_config
from autoforge.application.evaluation.promptfoo_providers import map_provider_id
from autoforge.domain.errors import InvalidInputError
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter
from autoforge.presentation.api.evaluation_wiring import load_config_text

CONFIG = """
description: Translation checks
prompts:
  - 'Translate into {{language}}: {{input}}'
  - file://prompts/formal.txt
  - label: terse
    raw: 'Say "{{input}}" in {{language}}, nothing else.'
providers:
  - openai:gpt-4o-mini
  - id: anthropic:messages:claude-3-5-haiku-20241022
    label: haiku
    config:
      temperature: 0.2
      apiKey: sk-never-echoed
  - exec:./my_provider.sh
defaultTest:
  vars:
    language: French
    tone: neutral
  assert:
    - type: not-icontains
      value: as an ai
  threshold: 0.5
  options:
    provider: openai:gpt-4o
tests:
  - description: greeting
    vars:
      input: Good morning
      tone: warm
    assert:
      - type: icontains
        value: bonjour
  - vars:
      language: [German, Japanese]
      input: [Thank you, Goodbye]
    threshold: 0.75
  - vars:
      input: '{"a": 1}'
      picture: file://cat.png
  - file://more_tests.yaml
  - vars:
      input: regex please
    assert:
      - type: regex
        value: '('
      - type: javascript
        value: output.length < 100
      - type: llm-rubric
        value: is polite
        provider: openai:gpt-4o
scenarios:
  - config: []
env:
  OPENAI_API_KEY: sk-secret
"""


def _read(text: str = CONFIG) -> PromptfooConfig:
    return read_promptfoo_config(load_config_text(text), schema_validator=JsonSchemaAdapter())


def _reasons(config: PromptfooConfig) -> dict[str, str]:
    return {note.item: note.reason for note in config.not_imported}


def test_prompt_texts_come_over_and_prompt_files_are_reported() -> None:
    config = _read()

    assert [(p.text, p.label) for p in config.prompts] == [
        ("Translate into {{language}}: {{input}}", None),
        ('Say "{{input}}" in {{language}}, nothing else.', "terse"),
    ]
    assert "cannot be read on the server" in _reasons(config)["prompts[1]"]


def test_providers_map_to_our_model_names_and_the_rest_is_reported() -> None:
    config = _read()

    assert [(p.source, p.model) for p in config.providers] == [
        ("openai:gpt-4o-mini", "gpt-4o-mini"),
        ("anthropic:messages:claude-3-5-haiku-20241022", "anthropic/claude-3-5-haiku-20241022"),
        ("exec:./my_provider.sh", None),
    ]
    assert config.providers[1].options == {"temperature": 0.2}
    assert config.providers[1].label == "haiku"
    reasons = _reasons(config)
    assert "providers[2]" in reasons
    assert "providers[1].config.apiKey" in reasons
    assert all("sk-" not in note.reason for note in config.not_imported)


@pytest.mark.parametrize(
    ("source", "model"),
    [
        ("openai:chat:gpt-4o", "gpt-4o"),
        ("anthropic:claude-3-opus-20240229", "anthropic/claude-3-opus-20240229"),
        ("vertex:gemini-1.5-pro", "vertex_ai/gemini-1.5-pro"),
        ("ollama:chat:llama3.1:8b", "ollama/llama3.1:8b"),
        ("openrouter:meta-llama/llama-3-70b", "openrouter/meta-llama/llama-3-70b"),
        ("echo", None),
        ("https://example.test/api", None),
    ],
)
def test_provider_ids_map_as_documented(source: str, model: str | None) -> None:
    assert map_provider_id(source)[0] == model


def test_default_test_is_merged_with_the_test_winning() -> None:
    greeting = _read().tests[0]

    assert greeting.vars == {"language": "French", "tone": "warm", "input": "Good morning"}
    assert greeting.assertions == (
        {"type": "not-icontains", "value": "as an ai"},
        {"type": "icontains", "value": "bonjour"},
    )
    assert (greeting.threshold, greeting.description) == (0.5, "greeting")


def test_list_valued_variables_expand_into_the_cartesian_product() -> None:
    expanded = [case for case in _read().tests if case.threshold == 0.75]

    assert [(case.vars["language"], case.vars["input"]) for case in expanded] == [
        ("German", "Thank you"),
        ("German", "Goodbye"),
        ("Japanese", "Thank you"),
        ("Japanese", "Goodbye"),
    ]
    assert all(case.vars["tone"] == "neutral" for case in expanded)


def test_disabling_var_expansion_keeps_a_list_as_json_text() -> None:
    config = _read("tests:\n  - vars: {items: [a, b]}\n    options: {disableVarExpansion: true}\n")

    assert [case.vars for case in config.tests] == [{"items": '["a","b"]'}]


def test_unsupported_parts_are_reported_never_silently_dropped() -> None:
    config = _read()
    reasons = _reasons(config)

    assert set(reasons) >= {
        "scenarios",
        "env",
        "defaultTest.options.provider",
        "tests[2]",
        "tests[3]",
        "tests[4], assertion 0",
        "tests[4], assertion 1",
        "tests[4], assertion 2, provider",
    }
    assert "picture" in reasons["tests[2]"]
    assert "files cannot be read" in reasons["tests[3]"]
    assert "user-supplied code" in reasons["tests[4], assertion 1"]


def test_invalid_assertions_are_left_out_and_valid_ones_kept() -> None:
    last = _read().tests[-1]

    assert last.vars["input"] == "regex please"
    assert last.assertions == (
        {"type": "not-icontains", "value": "as an ai"},
        {"type": "llm-rubric", "value": "is polite"},
    )


def test_the_whole_config_is_counted() -> None:
    config = _read()

    assert len(config.tests) == 1 + 4 + 1
    assert config.description == "Translation checks"


def test_an_empty_list_variable_is_reported_instead_of_vanishing() -> None:
    config = _read("tests:\n  - vars: {x: []}\n")

    assert config.tests == []
    assert "empty list" in _reasons(config)["tests[0]"]


def test_a_config_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        _read("- just\n- a list\n")


def test_yaml_that_expands_into_a_huge_tree_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]\n"

    with pytest.raises(InvalidInputError, match="expands"):
        load_config_text(bomb)


def test_a_json_config_with_targets_reads_like_yaml() -> None:
    config = _read(
        '{"targets": [{"id": "openai:gpt-4o", "config": {"max_tokens": 50}}],'
        ' "tests": [{"vars": {"n": 1}, "assert": [{"type": "equals", "value": "1"}]}]}'
    )

    assert [(p.model, p.options) for p in config.providers] == [("gpt-4o", {"max_tokens": 50})]
    assert [(case.vars, case.assertions) for case in config.tests] == [
        ({"n": "1"}, ({"type": "equals", "value": "1"},))
    ]
    assert config.not_imported == []
