"""is-json and contains-json, with an optional JSON Schema as the value.

contains-json finds objects the way promptfoo does: from each "{", braces are counted
(ignoring strings, so `{"a": "}"}` is cut short and not found), and a text that ends
with objects still open gets the missing "}" appended. Where promptfoo then parses the
candidate as YAML, this engine parses it as strict JSON: prose such as "use {name}"
or JSON with comments, single quotes or trailing commas does not count as JSON here.
The search is linear in the output and capped (see extract_json_objects).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from autoforge.domain.evaluation.assertions.context import CheckInput, binary_verdict
from autoforge.domain.evaluation.assertions.errors import (
    AssertionSpecError,
    CheckError,
    InvalidJsonSchemaError,
)
from autoforge.domain.evaluation.assertions.js import JsonParseError, is_truthy, parse_json
from autoforge.domain.evaluation.assertions.model import AssertionType, Verdict
from autoforge.domain.evaluation.assertions.ports import JsonSchemaValidator

__all__ = ["JSON_CHECKS", "extract_json_objects", "json_schema"]

# promptfoo gives up on a candidate object after this many characters.
MAX_JSON_CANDIDATE: Final = 100_000
# Bounds on the work of one contains-json check, whatever the output holds.
_MAX_ATTEMPTS: Final = 1_000
_MAX_PARSED_CHARACTERS: Final = 2_000_000
_JSON_WHITESPACE: Final = " \t\n\r"
_NO_VALIDATOR = "no JSON Schema validator is configured"


def json_schema(value: object, validator: JsonSchemaValidator | None, kind: str) -> object | None:
    """The schema an is-json/contains-json value holds (None when it holds none), checked."""
    if not is_truthy(value):
        return None
    if not isinstance(value, str | Mapping):
        raise AssertionSpecError(
            f'"{kind}" value must be a JSON Schema object or its JSON/YAML text'
        )
    if validator is None:
        raise CheckError(_NO_VALIDATOR)
    try:
        schema = validator.load_schema_text(value) if isinstance(value, str) else value
        validator.check_schema(schema)
    except InvalidJsonSchemaError as error:
        raise AssertionSpecError(f'"{kind}": invalid JSON Schema: {error}') from error
    return schema


def _schema_errors(check: CheckInput, schema: object, instance: object) -> list[str]:
    validator = check.ports.schema_validator
    if validator is None:
        raise CheckError(_NO_VALIDATOR)
    return validator.validate(schema, instance)


def check_is_json(check: CheckInput) -> Verdict:
    schema = json_schema(check.value, check.ports.schema_validator, check.kind)
    try:
        parsed = parse_json(check.output_text)
    except JsonParseError:
        return binary_verdict(check, matched=False, failure=check.expect("be valid JSON"))
    if schema is None:
        return binary_verdict(check, matched=True, failure=check.expect("be valid JSON"))
    errors = _schema_errors(check, schema, parsed)
    failure = (
        "Output is JSON that conforms to the schema"
        if check.inverse
        else "JSON does not conform to the schema: " + "; ".join(errors)
    )
    return binary_verdict(check, matched=not errors, failure=failure)


def check_contains_json(check: CheckInput) -> Verdict:
    schema = json_schema(check.value, check.ports.schema_validator, check.kind)
    found = extract_json_objects(check.output_text)
    failure = check.expect("contain valid JSON")
    if schema is None or not found:
        return binary_verdict(check, matched=bool(found), failure=failure)
    for candidate in found:
        errors = _schema_errors(check, schema, candidate)
        if not errors:
            return binary_verdict(
                check, matched=True, failure="Output contains JSON that conforms to the schema"
            )
        failure = "JSON does not conform to the schema: " + "; ".join(errors)
    return binary_verdict(check, matched=False, failure=failure)


def extract_json_objects(text: str) -> list[object]:
    """Every JSON object embedded in `text`, outermost first, left to right.

    One pass pairs the braces; each "{" then has one candidate span, parsed only when
    it can start an object. Attempts and parsed characters are capped, so hostile text
    ("{" repeated) costs linear time: objects past the cap are not found.
    """
    closers = _matching_braces(text)
    budget = _Budget()
    found: list[object] = []
    index = text.find("{")
    while index != -1 and budget.allows():
        parsed, end = _object_at(text, index, closers.get(index), budget)
        if parsed is not None:
            found.append(parsed)
        index = text.find("{", end if parsed is not None else index + 1)
    return found


@dataclass
class _Budget:
    attempts: int = 0
    characters: int = 0

    def allows(self) -> bool:
        return self.attempts < _MAX_ATTEMPTS and self.characters < _MAX_PARSED_CHARACTERS

    def spend(self, candidate: str) -> None:
        self.attempts += 1
        self.characters += len(candidate)


def _matching_braces(text: str) -> dict[int, int]:
    """Each "{" that is closed, mapped to the index just past its "}" (strings ignored)."""
    closers: dict[int, int] = {}
    open_at: list[int] = []
    for position, char in enumerate(text):
        if char == "{":
            open_at.append(position)
        elif char == "}" and open_at:
            closers[open_at.pop()] = position + 1
    return closers


def _object_at(
    text: str, start: int, closer: int | None, budget: _Budget
) -> tuple[object | None, int]:
    """The object starting at `start` and where it ends, or (None, start)."""
    if not _may_open_object(text, start):
        return None, start
    stop = min(start + MAX_JSON_CANDIDATE, len(text))
    if closer is not None and closer <= stop:
        candidate, end = text[start:closer], closer
    else:
        # Unclosed within reach: close what is still open, as promptfoo does.
        window = text[start:stop]
        candidate, end = window + "}" * (window.count("{") - window.count("}")), stop
    budget.spend(candidate)
    parsed = _parse_object(candidate)
    return (parsed, end) if parsed is not None else (None, start)


def _may_open_object(text: str, start: int) -> bool:
    """JSON allows only a key or "}" after "{"; anything else cannot parse."""
    position = start + 1
    while position < len(text) and text[position] in _JSON_WHITESPACE:
        position += 1
    return position < len(text) and text[position] in '"}'


def _parse_object(candidate: str) -> object | None:
    try:
        parsed = parse_json(candidate)
    except JsonParseError:
        return None
    return parsed if isinstance(parsed, dict) else None


JSON_CHECKS: Final[Mapping[AssertionType, Callable[[CheckInput], Verdict]]] = {
    AssertionType.IS_JSON: check_is_json,
    AssertionType.CONTAINS_JSON: check_contains_json,
}
