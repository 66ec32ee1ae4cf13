"""The variables of a prompt template: the names written as ``{{ name }}``.

A variable name is an identifier in Python's (and Jinja's) sense: letters of any script,
digits and underscores, not starting with a digit, so ``{{ 名前 }}`` is a variable.

Dotted paths such as ``{{ user.name }}`` count as the variable ``user``: the root is what
a caller has to supply, and it is the name the renderer reports as missing. Filters are
allowed (``{{ name | upper }}`` is the variable ``name``); any other expression inside
``{{ }}`` is not read here, because this module only recognises substitutions. Names bound
inside the template itself (``{% for item in ... %}``, ``{% set x = ... %}``) are not
variables, and neither are Jinja's literal words (``true``, ``none``, ``and`` ...).

Every pattern below is free of nested quantifiers, and each match attempt stops at the
next brace, so the scan stays linear on prompts of hundreds of thousands of characters.
"""

from __future__ import annotations

import re

__all__ = ["RESERVED_NAMES", "extract_variables", "is_variable_name"]

# Words the template language reads as literals or operators, never as variables.
RESERVED_NAMES = frozenset(
    {
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
    }
)

_IDENTIFIER = r"[^\W\d]\w*"

# A ``{{`` that is not followed by a simple substitution still matches (bare), so that
# scanning resumes after it the way the template lexer would: ``{{{a}}}`` has no variable.
_SUBSTITUTION = re.compile(
    r"\{\{"
    r"(?:-?\s*"
    rf"(?P<name>{_IDENTIFIER})"
    rf"(?:\s*\.\s*{_IDENTIFIER})*"
    r"\s*(?:\|[^{}]*)?"
    r"-?\}\})?"
)

_LOCAL_BINDING = re.compile(
    r"\{%-?\s*(?:"
    rf"for\s+(?P<targets>{_IDENTIFIER}(?:\s*,\s*{_IDENTIFIER})*)\s+in\b"
    rf"|set\s+(?P<target>{_IDENTIFIER})"
    r")"
)


def is_variable_name(name: str) -> bool:
    """Whether ``name`` can be written as ``{{ name }}`` and read as a variable."""
    return name.isidentifier() and name not in RESERVED_NAMES


# The expression a logic tag reads: ``{% if formal %}``, ``{% for item in items %}``.
_CONDITION = re.compile(r"\{%-?\s*(?:(?:el)?if|for\s+[^%]*?\s+in)\s+(?P<expression>[^%]*?)\s*-?%\}")
_STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
# A name that is not an attribute (after a dot) and not a call (``range(3)``).
_FREE_NAME = re.compile(rf"(?<![\w.])(?P<name>{_IDENTIFIER})(?!\s*\()(?!\w)")


def extract_variables(content: str) -> tuple[str, ...]:
    """The variables of ``content`` in order of first appearance, each once.

    Substitutions and the conditions and loop sources of logic tags both count: a
    template that says ``{% if formal %}`` needs ``formal`` as much as ``{{ name }}``.
    """
    if "{{" not in content and "{%" not in content:
        return ()

    local_names = _locally_bound_names(content)
    found: list[tuple[int, str]] = [
        (match.start(), match.group("name"))
        for match in _SUBSTITUTION.finditer(content)
        if match.group("name") is not None
    ]
    if "{%" in content:
        found.extend(_names_in_conditions(content))
    seen: dict[str, None] = {}
    for _, name in sorted(found):
        if name not in local_names and is_variable_name(name):
            seen.setdefault(name, None)
    return tuple(seen)


def _names_in_conditions(content: str) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for match in _CONDITION.finditer(content):
        expression = _STRING_LITERAL.sub(" ", match.group("expression"))
        names.extend(
            (match.start(), free.group("name")) for free in _FREE_NAME.finditer(expression)
        )
    return names


def _locally_bound_names(content: str) -> frozenset[str]:
    if "{%" not in content:
        return frozenset()

    names: set[str] = set()
    for match in _LOCAL_BINDING.finditer(content):
        targets = match.group("targets")
        if targets is not None:
            names.update(part.strip() for part in targets.split(","))
            names.add("loop")
        else:
            names.add(match.group("target"))
    return frozenset(names)
