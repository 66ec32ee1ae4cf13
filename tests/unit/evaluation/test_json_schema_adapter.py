"""The jsonschema-backed JsonSchemaValidator adapter."""

from __future__ import annotations

import pytest

from autoforge.domain.evaluation.assertions import InvalidJsonSchemaError, JsonSchemaValidator
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter

ADAPTER = JsonSchemaAdapter()


def test_adapter_satisfies_the_port() -> None:
    validator: JsonSchemaValidator = ADAPTER
    assert validator.validate({"type": "string"}, "x") == []


def test_schema_text_is_read_as_json_then_yaml() -> None:
    assert ADAPTER.load_schema_text('{"required": ["a"]}') == {"required": ["a"]}
    assert ADAPTER.load_schema_text("type: object\nrequired: [a]") == {
        "type": "object",
        "required": ["a"],
    }
    with pytest.raises(InvalidJsonSchemaError):
        ADAPTER.load_schema_text("a: [unclosed")


@pytest.mark.parametrize(
    "schema", [{"type": "nope"}, {"minimum": "ten"}, {"pattern": "("}, "text", [1]]
)
def test_invalid_schemas_are_rejected(schema: object) -> None:
    with pytest.raises(InvalidJsonSchemaError):
        ADAPTER.check_schema(schema)


def test_boolean_schemas_are_valid() -> None:
    ADAPTER.check_schema(True)
    assert ADAPTER.validate(True, {"anything": 1}) == []
    assert ADAPTER.validate(False, 1) != []


def test_errors_name_the_failing_location() -> None:
    schema = {"properties": {"items": {"type": "array", "items": {"type": "integer"}}}}
    assert ADAPTER.validate(schema, {"items": [1, "two"]}) == [
        "/items/1: 'two' is not of type 'integer'"
    ]


def test_draft_named_in_the_schema_is_used() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "prefixItems": [{"type": "integer"}],
    }
    assert ADAPTER.validate(schema, ["x"]) != []


@pytest.mark.parametrize(
    ("format_name", "good", "bad"),
    [
        ("email", "taro@example.co.jp", "taro@localhost"),
        ("hostname", "api.example.com", "-bad-.example"),
        ("uri", "https://example.com/a?b=c", "not a uri"),
        ("date-time", "2024-05-01T10:00:00+09:00", "2024-05-01 25:00:00Z"),
        ("date", "2024-02-29", "2023-02-29"),
        ("ipv4", "192.168.0.1", "999.1.1.1"),
    ],
)
def test_formats_are_asserted(format_name: str, good: str, bad: str) -> None:
    schema = {"type": "string", "format": format_name}
    assert ADAPTER.validate(schema, good) == []
    assert ADAPTER.validate(schema, bad) != []
