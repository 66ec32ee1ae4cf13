"""What makes a user's JSON Schema safe to run: patterns through a time-limited engine,
and `$ref`s that resolve and do not loop.

`jsonschema` matches `pattern` and `patternProperties` with the standard library's
`re`, which a pattern like `(a+)+$` can hold for minutes with the GIL taken. The
keywords that match patterns are replaced here by ones that go through a RegexEngine.
In drafts 2019-09 and 2020-12, `unevaluatedProperties` also matches `patternProperties`
with `re`; a schema using both is refused rather than run unbounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from jsonschema import validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.exceptions import CannotDetermineSpecification, Unresolvable
from referencing.jsonschema import DRAFT7

from autoforge.domain.evaluation.assertions.errors import InvalidJsonSchemaError
from autoforge.domain.evaluation.assertions.ports import RegexEngine

__all__ = ["SchemaOutline", "check_refs", "outline", "safe_validator_class"]

_Keyword = Callable[[Any, Any, Any, dict[str, Any]], Iterator[ValidationError]]
# Keywords whose values are data, not subschemas: a "$ref" or "pattern" in them is text.
_DATA_KEYWORDS: Final = frozenset({"enum", "const", "examples", "default"})


@dataclass
class SchemaOutline:
    """The parts of a schema that need checking beyond its meta-schema."""

    refs: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    has_pattern_properties: bool = False
    has_unevaluated_properties: bool = False


def outline(schema: Mapping[str, Any]) -> SchemaOutline:
    """Every `$ref` outside nested `$id` scopes, and every pattern (walked, not recursed)."""
    found = SchemaOutline()
    pending: list[tuple[object, bool]] = [(schema, True)]
    while pending:
        node, is_root = pending.pop()
        if isinstance(node, list):
            pending.extend((item, False) for item in node)
            continue
        if not isinstance(node, Mapping) or (not is_root and "$id" in node):
            continue
        _note(node, found)
        pending.extend((value, False) for key, value in node.items() if key not in _DATA_KEYWORDS)
    return found


def _note(node: Mapping[str, Any], found: SchemaOutline) -> None:
    if isinstance(ref := node.get("$ref"), str):
        found.refs.append(ref)
    if isinstance(pattern := node.get("pattern"), str):
        found.patterns.append(pattern)
    if isinstance(patterns := node.get("patternProperties"), Mapping):
        found.has_pattern_properties = True
        found.patterns.extend(key for key in patterns if isinstance(key, str))
    found.has_unevaluated_properties |= "unevaluatedProperties" in node


def check_refs(schema: Mapping[str, Any], refs: list[str]) -> None:
    """Raise InvalidJsonSchemaError for a `$ref` that leads nowhere (none is fetched)."""
    try:
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        base = resource.id() or ""
        resolver = Registry().with_resource(uri=base, resource=resource).resolver(base_uri=base)
        for ref in refs:
            resolver.lookup(ref)
    except (Unresolvable, CannotDetermineSpecification) as error:
        raise InvalidJsonSchemaError(f"unresolvable $ref: {error}") from error


def safe_validator_class(base: type[Validator], engine: RegexEngine) -> type[Validator]:
    """`base` with its pattern-matching keywords going through `engine`."""
    replaced: dict[str, _Keyword] = {
        "pattern": _pattern(engine),
        "patternProperties": _pattern_properties(engine),
        "additionalProperties": _additional_properties(engine),
    }
    # The stubs leave `extend` unannotated; it returns a class like `base`.
    extended: type[Validator] = validators.extend(base, validators=replaced)  # type: ignore[no-untyped-call]
    return extended


def _pattern(engine: RegexEngine) -> _Keyword:
    def pattern(
        validator: Any, wanted: Any, instance: Any, _schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and not engine.search(wanted, instance):
            yield ValidationError(f"{instance!r} does not match {wanted!r}")

    return pattern


def _pattern_properties(engine: RegexEngine) -> _Keyword:
    def pattern_properties(
        validator: Any, patterns: Any, instance: Any, _schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        for pattern, subschema in patterns.items():
            for key, value in instance.items():
                if engine.search(pattern, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=pattern)

    return pattern_properties


def _additional_properties(engine: RegexEngine) -> _Keyword:
    def additional_properties(
        validator: Any, allowed: Any, instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        extras = [key for key in instance if _is_additional(key, schema, engine)]
        if validator.is_type(allowed, "object"):
            for key in extras:
                yield from validator.descend(instance[key], allowed, path=key)
        elif allowed is False and extras:
            listed = ", ".join(repr(key) for key in sorted(extras))
            yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")

    return additional_properties


def _is_additional(key: str, schema: Mapping[str, Any], engine: RegexEngine) -> bool:
    if key in schema.get("properties", {}):
        return False
    patterns = schema.get("patternProperties", {})
    return not any(engine.search(pattern, key) for pattern in patterns)
