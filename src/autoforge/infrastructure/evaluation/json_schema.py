"""JSON Schema validation for the is-json and contains-json assertions, on `jsonschema`.

promptfoo validates with Ajv (draft-07 by default, plus ajv-formats). This adapter
uses the draft a schema names in `$schema`, draft-07 otherwise, and checks formats:
those `jsonschema` checks itself (date, ipv4, ipv6, uuid, regex ...) and, written here
to follow ajv-formats' "fast" rules, email, hostname, uri and date-time. Unlike Ajv's
strict mode, unknown keywords are allowed. Remote `$ref`s are never fetched.

A schema is user input run on the server: its patterns go through a time-limited
RegexEngine (json_schema_safety), a `$ref` that leads nowhere or only to itself makes
the schema invalid, and whatever else breaks during validation (a stack exhausted by
nesting) is reported as InvalidJsonSchemaError, never as a crash.

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
from referencing.exceptions import Unresolvable

from autoforge.domain.evaluation.assertions.errors import InvalidJsonSchemaError
from autoforge.domain.evaluation.assertions.ports import RegexEngine
from autoforge.infrastructure.evaluation.json_schema_safety import (
    check_refs,
    outline,
    safe_validator_class,
)
from autoforge.infrastructure.evaluation.safe_regex import SafeRegexEngine

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
# Instances a schema is tried on when checked: a `$ref` loop at the root shows on any.
_PROBES: Final[tuple[object, ...]] = (None, {}, [], "", 0)


@_FORMATS.checks("email")
def _is_email(instance: object) -> bool:
    return not isinstance(instance, str) or _EMAIL.fullmatch(instance) is not None


@_FORMATS.checks("regex")
def _is_regex(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        re.compile(instance)  # compiled, never run: no backtracking to bound
    except (re.error, OverflowError, RecursionError):
        return False
    return True


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

    def __init__(self, *, regex_engine: RegexEngine | None = None) -> None:
        self._regex = regex_engine or SafeRegexEngine()
        self._classes: dict[type[Validator], type[Validator]] = {}

    def load_schema_text(self, text: str) -> object:
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            pass
        try:
            return yaml.safe_load(text)
        except (yaml.YAMLError, RecursionError) as error:
            raise InvalidJsonSchemaError(f"the schema is neither JSON nor YAML: {error}") from error

    def check_schema(self, schema: object) -> None:
        checked = _as_schema(schema)
        if isinstance(checked, bool):
            return
        _check_meta(checked)
        parts = outline(checked)
        if parts.has_pattern_properties and parts.has_unevaluated_properties:
            raise InvalidJsonSchemaError(
                "patternProperties together with unevaluatedProperties is not supported"
            )
        for pattern in parts.patterns:
            try:
                self._regex.check(pattern)
            except ValueError as error:
                raise InvalidJsonSchemaError(f"pattern {pattern[:80]!r}: {error}") from error
        check_refs(checked, parts.refs)
        for probe in _PROBES:
            self._errors(checked, probe)

    def validate(self, schema: object, instance: object) -> list[str]:
        checked = _as_schema(schema)
        if not isinstance(checked, bool):
            _check_meta(checked)
        return [_describe(error) for error in self._errors(checked, instance)]

    def _errors(self, schema: dict[str, Any] | bool, instance: object) -> list[ValidationError]:
        """Every error, in path order; a broken or looping $ref is InvalidJsonSchemaError."""
        validator = self._validator_class(schema)(schema, format_checker=_FORMATS)
        document: Any = instance  # any JSON value; the library's annotation is narrower
        try:
            errors = list(validator.iter_errors(document))
        except Unresolvable as error:  # also jsonschema's (deprecated) RefResolutionError
            raise InvalidJsonSchemaError(f"unresolvable $ref: {error}") from error
        except RecursionError as error:
            raise InvalidJsonSchemaError(
                "the schema refers to itself without end, or the JSON nests too deeply"
            ) from error
        return sorted(errors, key=lambda e: [str(s) for s in e.path])

    def _validator_class(self, schema: dict[str, Any] | bool) -> type[Validator]:
        base = _validator_class(schema)
        if base not in self._classes:
            self._classes[base] = safe_validator_class(base, self._regex)
        return self._classes[base]


def _check_meta(schema: dict[str, Any]) -> None:
    try:
        _validator_class(schema).check_schema(schema)
    except SchemaError as error:
        raise InvalidJsonSchemaError(_describe(error)) from error
    except OverflowError as error:  # the meta-schema compiles a pattern like a{99999999999}
        raise InvalidJsonSchemaError(f"a pattern in the schema is invalid: {error}") from error
    except RecursionError as error:
        raise InvalidJsonSchemaError("the schema nests too deeply") from error


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
