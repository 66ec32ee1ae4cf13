"""Import and export over HTTP: CSV and JSONL round trips, and a promptfoo config."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

DATASETS = "/api/v1/datasets"

CASES: list[dict[str, Any]] = [
    {
        "vars": {"text": "Hello, world", "language": "French"},
        "assert": [
            {"type": "icontains", "value": "bonjour"},
            {"type": "not-contains", "value": "AI"},
        ],
        "description": "greeting",
        "threshold": 0.5,
        "tags": ["smoke"],
    },
    {
        "vars": {"text": "ありがとう\n二行目", "language": "English"},
        "assert": [
            {"type": "contains-any", "value": ["thank", "Thank"]},
            {"type": "is-json", "value": {"type": "object"}, "weight": 2, "metric": "shape"},
        ],
        "expected": "Thank you",
    },
    {"vars": {"text": "no language"}, "assert": []},
]


async def _created(api: httpx.AsyncClient) -> dict[str, Any]:
    response = await api.post(DATASETS, json={"name": "Translations", "test_cases": CASES})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _content(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in c.items() if key != "test_case_id"} for c in cases]


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
async def test_export_then_import_gives_the_same_test_cases(
    api: httpx.AsyncClient, file_format: str
) -> None:
    original = await _created(api)

    exported = await api.get(
        f"{DATASETS}/{original['dataset_id']}/export", params={"format": file_format}
    )
    imported = await api.post(
        f"{DATASETS}/import",
        json={"format": file_format, "content": exported.text, "name": "Copy"},
    )

    assert exported.status_code == 200
    assert exported.headers["content-disposition"].endswith(f'.{file_format}"')
    assert imported.status_code == 201, imported.text
    body = imported.json()
    assert (body["imported"], body["not_imported"]) == (3, [])
    copy = (await api.get(imported.headers["location"])).json()
    assert _content(copy["test_cases"]) == _content(original["test_cases"])


async def test_csv_export_is_promptfoo_shaped(api: httpx.AsyncClient) -> None:
    original = await _created(api)

    exported = await api.get(f"{DATASETS}/{original['dataset_id']}/export?format=csv")

    header = exported.text.splitlines()[0]
    assert exported.headers["content-type"].startswith("text/csv")
    assert header.startswith("text,language,__expected1,__expected2")


async def test_csv_import_reports_what_it_left_out(api: httpx.AsyncClient) -> None:
    content = (
        "question,__expected,__suffix\n"
        "Capital of Japan?,contains:Tokyo,!\n"
        "2+2?,python: output == '4',\n"
    )

    response = await api.post(f"{DATASETS}/import", json={"format": "csv", "content": content})

    body = response.json()
    assert response.status_code == 201, response.text
    assert body["imported"] == 2
    assert body["dataset"]["name"] == "Imported CSV dataset"
    assert [item["item"] for item in body["not_imported"]] == [
        "column __suffix",
        "line 3, column __expected",
    ]


PROMPTFOO_CONFIG = """
# Modelled on promptfoo's getting-started example.
description: Getting started with translations
prompts:
  - 'Convert this English to {{language}}: {{input}}'
  - file://prompts/translate.txt
providers:
  - openai:gpt-4o-mini
  - anthropic:messages:claude-3-5-sonnet-20241022
  - vertex:gemini-1.5-pro
  - python:my_provider.py
defaultTest:
  assert:
    - type: not-icontains
      value: as an ai language model
tests:
  - vars:
      language: French
      input: Hello world
    assert:
      - type: contains
        value: Bonjour le monde
  - vars:
      language: [Spanish, German]
      input: Where is the library?
    assert:
      - type: javascript
        value: output.length < 200
  - tests/more.yaml
outputPath: results.json
"""


async def test_a_promptfoo_config_imports_tests_prompts_and_providers(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(
        f"{DATASETS}/import", json={"format": "promptfoo", "content": PROMPTFOO_CONFIG}
    )

    body = response.json()
    assert response.status_code == 201, response.text
    assert body["dataset"]["name"] == "Getting started with translations"
    assert body["imported"] == 3
    assert [p["text"] for p in body["prompts"]] == [
        "Convert this English to {{language}}: {{input}}"
    ]
    assert [(p["source"], p["model"], p["available"]) for p in body["providers"]] == [
        ("openai:gpt-4o-mini", "gpt-4o-mini", False),
        (
            "anthropic:messages:claude-3-5-sonnet-20241022",
            "anthropic/claude-3-5-sonnet-20241022",
            False,
        ),
        ("vertex:gemini-1.5-pro", "vertex_ai/gemini-1.5-pro", False),
        ("python:my_provider.py", None, None),
    ]
    reported = {item["item"] for item in body["not_imported"]}
    assert reported == {
        "outputPath",
        "prompts[1]",
        "providers[3]",
        "tests[1], assertion 0",
        "tests[2]",
    }

    dataset = (await api.get(response.headers["location"])).json()
    first, *expanded = dataset["test_cases"]
    assert first["assertions"] == [
        {"type": "not-icontains", "value": "as an ai language model"},
        {"type": "contains", "value": "Bonjour le monde"},
    ]
    assert [case["vars"]["language"] for case in expanded] == ["Spanish", "German"]


async def test_unreadable_yaml_is_refused(api: httpx.AsyncClient) -> None:
    response = await api.post(
        f"{DATASETS}/import", json={"format": "promptfoo", "content": "tests: [unclosed"}
    )

    assert (response.status_code, response.json()["code"]) == (422, "INVALID_IMPORT")
    assert (await api.get(DATASETS)).json()["total"] == 0
