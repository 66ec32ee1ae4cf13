"""is-xml and contains-xml, with optional required elements ("root.child" paths).

is-xml wants the whole output to be one well-formed document (namespaces checked,
undefined entities rejected, DTD internal subsets refused as promptfoo refuses them).
contains-xml looks for fragments (see xml_scan) and, like promptfoo's lenient parser,
accepts HTML-style entities and bare "&" in them; unlike it, a fragment still needs
quoted attribute values. A path step is an element name, "@_name" for an attribute,
"#text" for the text of an element that also has attributes or children, or an index
when an element name repeats ("root.item.1").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final
from xml.parsers import expat

from autoforge.domain.evaluation.assertions.context import CheckInput, binary_verdict
from autoforge.domain.evaluation.assertions.errors import AssertionSpecError
from autoforge.domain.evaluation.assertions.js import UNDEFINED, js_string, js_trim
from autoforge.domain.evaluation.assertions.model import AssertionType, Verdict
from autoforge.domain.evaluation.assertions.xml_scan import xml_candidates

__all__ = ["XML_CHECKS", "xml_requirements"]

_UNKNOWN_ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
_WRAPPER: Final = "autoforge-fragment"


class _XmlRejectedError(Exception):
    """The text is not acceptable XML; the message says why."""


@dataclass
class _Element:
    attributes: frozenset[str] = frozenset()
    children: dict[str, list[_Element]] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


def xml_requirements(value: object, kind: str) -> list[str] | None:
    """Required element paths: a comma-separated string, a list, or {requiredElements}."""
    if isinstance(value, str):
        return [js_trim(path) for path in value.split(",")]
    if isinstance(value, list) and value:
        return [js_string(path) for path in value]
    if isinstance(value, Mapping) and value:
        required = value.get("requiredElements")
        if isinstance(required, list):
            return [js_string(path) for path in required]
    elif value is UNDEFINED or value is None or isinstance(value, list | Mapping):
        return None
    raise AssertionSpecError(f'"{kind}" value must be a string, a list or {{requiredElements}}')


def _parse(text: str, *, namespaces: bool) -> _Element:
    """Parse with expat, building the element tree under a top-level pseudo element."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)
    stack = [_Element()]

    def start(name: str, attributes: dict[str, str]) -> None:
        element = _Element(attributes=frozenset(attributes))
        stack[-1].children.setdefault(name, []).append(element)
        stack.append(element)

    def doctype(_name: str, _system: str | None, _public: str | None, internal: int) -> None:
        if internal:
            raise _XmlRejectedError("DTD internal subsets are not supported")

    def end(_name: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        stack[-1].text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise _XmlRejectedError(f"XML parsing failed: {expat.ErrorString(error.code)}") from error
    return stack[0]


def _missing(top: _Element, required: list[str] | None) -> list[str]:
    return [path for path in required or [] if not _has_path(top, path.split("."))]


def _has_path(top: _Element, steps: list[str]) -> bool:
    current: _Element | list[_Element] | None = top
    for step in steps:
        if isinstance(current, list):
            if not step.isdigit() or str(int(step)) != step or int(step) >= len(current):
                return False
            current = current[int(step)]
        elif current is None:
            return False
        elif _is_scalar_step(current, step):
            current = None
        elif step in current.children:
            matches = current.children[step]
            current = _as_value(matches[0]) if len(matches) == 1 else matches
        else:
            return False
    return True


def _is_scalar_step(element: _Element, step: str) -> bool:
    """An attribute, or the text of an element with attributes or children: a leaf value."""
    if step.startswith("@_"):
        return step[2:] in element.attributes
    return step == "#text" and _has_own_text(element)


def _has_own_text(element: _Element) -> bool:
    return bool("".join(element.text).strip()) and bool(element.attributes or element.children)


def _as_value(element: _Element) -> _Element | None:
    """A leaf without attributes is a plain value: no path goes below it."""
    return element if element.attributes or element.children else None


def is_xml(text: str, required: list[str] | None) -> tuple[bool, str]:
    try:
        _parse(text, namespaces=True)
        top = _parse(text, namespaces=False)
    except _XmlRejectedError as error:
        return False, str(error)
    missing = _missing(top, required)
    if missing:
        return False, f"XML is missing required elements: {', '.join(missing)}"
    return True, "XML is valid"


def contains_xml(text: str, required: list[str] | None) -> tuple[bool, str]:
    candidates = xml_candidates(text)
    if not candidates:
        return False, "No XML content found in the output"
    well_formed: list[tuple[int, int]] = []
    for span in candidates:
        if any(start <= span.start and span.end <= end for start, end in well_formed):
            continue
        fragment = _UNKNOWN_ENTITY.sub("&amp;", text[span.start : span.end])
        try:
            top = _parse(f"<{_WRAPPER}>{fragment}</{_WRAPPER}>", namespaces=False)
        except _XmlRejectedError:
            continue
        if not _missing(top.children[_WRAPPER][0], required):
            return True, "XML is valid"
        well_formed.append((span.start, span.end))
    return False, "No valid XML content found matching the requirements"


def _xml_check(
    finder: Callable[[str, list[str] | None], tuple[bool, str]],
) -> Callable[[CheckInput], Verdict]:
    def check_xml(check: CheckInput) -> Verdict:
        required = xml_requirements(check.value, check.kind)
        valid, reason = finder(check.output_text, required)
        failure = reason if not check.inverse else "Output is XML matching the requirements"
        return binary_verdict(check, matched=valid, failure=failure)

    return check_xml


XML_CHECKS: Final[Mapping[AssertionType, Callable[[CheckInput], Verdict]]] = {
    AssertionType.IS_XML: _xml_check(is_xml),
    AssertionType.CONTAINS_XML: _xml_check(contains_xml),
}
