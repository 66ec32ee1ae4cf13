"""Placeholder styles of real prompts become {{name}} variables, conservatively."""

from __future__ import annotations

import csv
import json

import pytest

from autoforge.domain.prompt.placeholders import (
    convert_placeholders,
    normalize_placeholders,
    placeholder_name,
)
from autoforge.domain.prompt.variables import extract_variables
from tests.conftest import shared_data


def english_prompts() -> list[str]:
    csv.field_size_limit(10_000_000)
    with shared_data("prompts_en.csv").open(encoding="utf-8", newline="") as handle:
        return [row["prompt"] for row in csv.DictReader(handle)]


def japanese_prompts() -> list[str]:
    lines = shared_data("prompts_ja.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["prompt"] for line in lines if line.strip()]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("topic", "topic"),
        ("projectName", "projectName"),
        ("Target Language", "target_language"),
        ("Your Name", "your_name"),
        ("feature-name", "feature_name"),
        ("Brand's core product", "brands_core_product"),
        ("対象言語", "対象言語"),
        ("e.g. FinesseOS", None),
        ("index + 1", None),
        ("1st", None),
        ("none", None),
    ],
)
def test_placeholder_name_snake_cases_labels_and_keeps_identifiers(
    label: str, name: str | None
) -> None:
    assert placeholder_name(label) == name


def test_dollar_placeholders_become_variables() -> None:
    text = "Translate ${text} into ${Target Language}."

    assert normalize_placeholders(text) == "Translate {{text}} into {{target_language}}."


def test_dollar_defaults_are_returned_and_the_first_default_wins() -> None:
    text = "Write in ${language:English}, ${length: medium} long; again ${language:French}."

    result = convert_placeholders(text)

    assert result.content == "Write in {{language}}, {{length}} long; again {{language}}."
    assert dict(result.defaults) == {"language": "English", "length": "medium"}
    assert result.converted == 3


@pytest.mark.parametrize(
    "text",
    [
        "Use ${var:-default} or ${var:?message} in bash.",
        "${response.status} ${Date.now()} ${items[0]}",
        'headers: {"KEY": "${{ secrets.API_KEY }}"}',
        "const url = `https://x.test/${repoName}`;",
        "```javascript\nconsole.log(`Saved to ${outputPath}`)\n```",
        "```bash\necho ${HOME}\n```",
    ],
)
def test_dollar_syntax_of_code_is_left_alone(text: str) -> None:
    assert normalize_placeholders(text) == text


def test_dollar_default_form_is_converted_even_inside_javascript_fences() -> None:
    text = "```javascript\ntest('${component_name:Button} renders', () => {});\n```"

    result = convert_placeholders(text)

    assert "test('{{component_name}} renders'" in result.content
    assert dict(result.defaults) == {"component_name": "Button"}


def test_bare_dollar_placeholders_in_plain_fences_and_prose_code_spans_are_converted() -> None:
    text = "```\nDear ${recruiter_name},\n```\nSave it as `${path_to_folder}/notes.md`."

    assert normalize_placeholders(text) == (
        "```\nDear {{recruiter_name}},\n```\nSave it as `{{path_to_folder}}/notes.md`."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sincerely,\n[Your Name]", "Sincerely,\n{{your_name}}"),
        ("Audit [INSERT COMPANY NAME] now.", "Audit {{company_name}} now."),
        ("Here is my code:\n[PASTE YOUR CODE HERE]", "Here is my code:\n{{your_code}}"),
        ("宛名: [あなたの名前]", "宛名: {{あなたの名前}}"),
        ("[ここに本文を入力]を要約して", "{{本文}}を要約して"),
        ("You are {character} from {series}.", "You are {{character}} from {{series}}."),
        ("Summarise {Link or Transcript}", "Summarise {{link_or_transcript}}"),
    ],
)
def test_brackets_and_braces_with_fill_in_cues_become_variables(text: str, expected: str) -> None:
    assert normalize_placeholders(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See [your site](https://example.com) and [Your Name][ref].",
        "- [ ] todo\n- [x] done\n- [X] also done",
        "As shown in [1] and [23].",
        "[Verse]\nla la\n[Chorus]\nna na",
        "メニューの [ファイル] → [保存] を選びます。",
        "Talk to me inside curly brackets {like this}.",
        "Format: [Question/Guess {n}]",
        '{"a": 1, "b": {"c": [1, 2]}}',
        "function add() { return 1; }",
        "Empty braces { } stay.",
        "Keep {{already}} and {{ spaced }} as they are.",
        "Insert [Insert or NOT STATED] here.",
    ],
)
def test_text_that_only_looks_like_a_placeholder_is_left_alone(text: str) -> None:
    assert normalize_placeholders(text) == text


def test_single_braces_are_left_alone_when_the_prompt_already_has_variables() -> None:
    text = "Plan for ${project}: write docs/{feature-name}/plan.md"

    assert normalize_placeholders(text) == "Plan for {{project}}: write docs/{feature-name}/plan.md"


def test_single_braces_are_left_alone_in_a_prompt_with_code() -> None:
    text = 'Greet {name}.\n```python\nprint(f"Hello {name}")\n```'

    assert normalize_placeholders(text) == text


def test_real_json_prompts_stay_valid_json() -> None:
    json_prompts = []
    for prompt in english_prompts():
        try:
            json.loads(prompt)
        except ValueError:
            continue
        json_prompts.append(prompt)

    assert len(json_prompts) > 100
    for prompt in json_prompts:
        json.loads(normalize_placeholders(prompt))


def test_real_prompts_convert_without_creating_triple_braces_and_idempotently() -> None:
    prompts = english_prompts() + japanese_prompts()
    converted_prompts = 0

    for prompt in prompts:
        result = convert_placeholders(prompt)
        converted_prompts += result.converted > 0
        assert ("{{{" in result.content) == ("{{{" in prompt)
        assert normalize_placeholders(result.content) == result.content
        assert set(result.defaults) <= set(extract_variables(result.content))

    assert converted_prompts > 300


def test_real_japanese_prompts_have_no_placeholders_to_convert() -> None:
    for prompt in japanese_prompts():
        assert normalize_placeholders(prompt) == prompt
