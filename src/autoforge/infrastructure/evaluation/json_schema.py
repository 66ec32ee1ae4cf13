"""JSON Schema validation for the is-json and contains-json assertions, on `jsonschema`.

promptfoo validates with Ajv (draft-07 by default, plus ajv-formats). This adapter
uses the draft a schema names in `$schema`, draft-07 otherwise, and checks formats:
those `jsonschema` checks itself (date, ipv4, ipv6, uuid, regex ...) and, written here
to follow ajv-formats' "fast" rules, email, hostname, uri and date-time. Unlike Ajv's
strict mode, unknown keywords are allowed. Remote `$ref`s are never fetched.

Schema text (an assertion value given as a string) is read as JSON, or else as YAML,
as promptfoo reads it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Final

import yaml
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from autoforge.domain.evaluation.assertions.errors import InvalidJsonSchemaError

__all__ = ["JsonSchemaAdapter"]

_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?",
    re.IGNORECASE,
)
_HOSTNAME = re.compile(
    r"(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?",
    re.IGNORECASE,
)
_URI = re.compile(r"[a-z][a-z0-9+.-]*:\S*", re.IGNORECASE)
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)

_FORMATS: Final = FormatChecker()


@_FORMATS.checks("email")
def _is_email(instance: object) -> bool:
    return not isinstance(instance, str) or _EMAIL.fullmatch(instance) is not None


@_FORMATS.checks("hostname")
def _is_hostname(instance: object) -> bool:
    return not isinstance(instance, str) or _HOSTNAME.fullmatch(instance) is not None


@_FORMATS.checks("uri")
def _is_uri(instance: object) -> bool:
    return not isinstance(instance, str) or _URI.fullmatch(instance) is not None


@_FORMATS.checks("date-time")
def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if _DATE_TIME.fullmatch(instance) is None:
        return False
    try:
        # fromisoformat rejects impossible dates and times such as 2024-02-30 or 25:00.
        datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class JsonSchemaAdapter:
    """The JsonSchemaValidator port, on the `jsonschema` library."""

    def load_schema_text(self, text: str) -> object:
        try:
            return json.loads(text)
        except ValueError:
            pass
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise InvalidJsonSchemaError(f"the schema is neither JSON nor YAML: {error}") from error

    def check_schema(self, schema: object) -> None:
        checked = _as_schema(schema)
        if isinstance(checked, bool):
            return
        try:
            _validator_class(checked).check_schema(checked)
        except SchemaError as error:
            raise InvalidJsonSchemaError(_describe(error)) from error

    def validate(self, schema: object, instance: object) -> list[str]:
        self.check_schema(schema)
        checked = _as_schema(schema)
        validator = _validator_class(checked)(checked, format_checker=_FORMATS)
        document: Any = instance  # any JSON value; the library's annotation is narrower
        errors = sorted(validator.iter_errors(document), key=lambda e: [str(s) for s in e.path])
        return [_describe(error) for error in errors]


def _as_schema(schema: object) -> dict[str, Any] | bool:
    if isinstance(schema, bool):
        return schema
    if isinstance(schema, dict) and all(isinstance(key, str) for key in schema):
        return schema
    raise InvalidJsonSchemaError("a JSON Schema must be an object")


def _validator_class(schema: dict[str, Any] | bool) -> type[Validator]:
    if isinstance(schema, bool):
        return Draft7Validator
    cls: type[Validator] = validator_for(schema, default=Draft7Validator)
    return cls


def _describe(error: ValidationError | SchemaError) -> str:
    location = "/".join(str(step) for step in error.absolute_path)
    return f"/{location}: {error.message}" if location else error.message
