"""is-json, contains-json, is-xml and contains-xml, with schemas and required elements."""

from __future__ import annotations

from typing import Any

import pytest

from autoforge.domain.evaluation.assertions import AssertionPorts
from autoforge.domain.evaluation.assertions.json_checks import extract_json_objects
from tests.unit.evaluation.assertion_helpers import check, passes

PERSON: dict[str, Any] = {
    "type": "object",
    "required": ["name", "age"],
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
}


class TestIsJson:
    def test_json_text_and_inverse(self) -> None:
        assert passes('{"a": [1, 2]}', {"type": "is-json"})
        assert not passes('{"a": 1}', {"type": "not-is-json"})
        assert passes("hello", {"type": "not-is-json"})

    @pytest.mark.parametrize("output", ["", "{'a': 1}", '{"a": 1,}', "NaN", '{"a": Infinity}'])
    def test_text_javascript_json_parse_rejects_is_not_json(self, output: str) -> None:
        assert not passes(output, {"type": "is-json"})

    def test_schema_conformance_and_its_inverse(self) -> None:
        assert passes('{"name": "太郎", "age": 3}', {"type": "is-json", "value": PERSON})
        failed = check('{"name": "太郎", "age": -1}', {"type": "is-json", "value": PERSON})
        assert not failed.passed
        assert "/age" in failed.reason
        assert passes('{"name": "太郎"}', {"type": "not-is-json", "value": PERSON})

    def test_schema_given_as_yaml_text(self) -> None:
        assert passes('{"a": 1}', {"type": "is-json", "value": "required: [a]"})
        assert not passes('{"b": 1}', {"type": "is-json", "value": "required: [a]"})

    def test_formats_are_checked(self) -> None:
        schema = {"properties": {"email": {"format": "email"}, "at": {"format": "date-time"}}}
        assert passes(
            '{"email": "a@example.com", "at": "2024-05-01T10:00:00Z"}',
            {"type": "is-json", "value": schema},
        )
        assert not passes('{"email": "a@b"}', {"type": "is-json", "value": schema})
        assert not passes('{"at": "2024-02-30T10:00:00Z"}', {"type": "is-json", "value": schema})

    def test_invalid_schema_is_an_error_result(self) -> None:
        result = check("{}", {"type": "is-json", "value": {"type": "no-such-type"}})
        assert result.error is not None
        assert "invalid JSON Schema" in result.error

    def test_schema_without_a_validator_is_an_error_not_a_pass(self) -> None:
        result = check("{}", {"type": "is-json", "value": PERSON}, ports=AssertionPorts())
        assert result.error is not None
        assert not result.passed

    def test_structured_output_is_json(self) -> None:
        assert passes({"a": 1}, {"type": "is-json", "value": {"required": ["a"]}})


class TestContainsJson:
    def test_json_inside_prose_and_fences(self) -> None:
        assert passes('The result is {"a": 1} as requested.', {"type": "contains-json"})
        assert passes('```json\n{"ok": true}\n```', {"type": "contains-json"})
        assert not passes('The result is {"a": 1}.', {"type": "not-contains-json"})

    def test_objects_are_found_left_to_right_and_outermost(self) -> None:
        text = 'first {"a": {"b": 1}} then {"c": 2} and {broken'
        assert extract_json_objects(text) == [{"a": {"b": 1}}, {"c": 2}]

    def test_unclosed_object_at_the_end_is_completed(self) -> None:
        assert extract_json_objects('partial {"a": 1, "b": {"c": 2') == [{"a": 1, "b": {"c": 2}}]

    def test_braces_in_strings_cut_the_candidate_short_like_promptfoo(self) -> None:
        assert extract_json_objects('{"a": "}"}') == []

    def test_placeholders_in_prose_are_not_json(self) -> None:
        assert not passes("Use {name} and {{var}} here", {"type": "contains-json"})

    def test_schema_passes_when_any_object_conforms(self) -> None:
        output = 'a {"name": 1} b {"name": "x", "age": 2}'
        assert passes(output, {"type": "contains-json", "value": PERSON})
        assert not passes(output, {"type": "not-contains-json", "value": PERSON})
        assert passes('{"name": 1}', {"type": "not-contains-json", "value": PERSON})

    def test_japanese_prose_around_json(self) -> None:
        assert passes(
            '結果は{"都市": "東京"}です。',
            {"type": "contains-json", "value": {"required": ["都市"]}},
        )


class TestXml:
    def test_well_formed_document_and_inverse(self) -> None:
        assert passes("<root><a>1</a></root>", {"type": "is-xml"})
        assert not passes("<root><a>1</a></root>", {"type": "not-is-xml"})

    @pytest.mark.parametrize(
        "output",
        ["", "<a/><b/>", "<a>&nbsp;</a>", "<a><b></a></b>", "text <a/>", "<x:a/>", "<a b=1/>"],
    )
    def test_documents_that_are_not_well_formed(self, output: str) -> None:
        assert not passes(output, {"type": "is-xml"})

    def test_dtd_internal_subset_is_refused(self) -> None:
        doc = '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
        result = check(doc, {"type": "is-xml"})
        assert not result.passed
        assert "internal subset" in result.reason

    def test_required_element_paths(self) -> None:
        doc = '<root id="7"><item>1</item><item>2</item><note lang="ja">メモ</note></root>'
        assert passes(doc, {"type": "is-xml", "value": "root.item.1, root.@_id"})
        assert passes(doc, {"type": "is-xml", "value": ["root.note.#text", "root.note.@_lang"]})
        assert passes(doc, {"type": "is-xml", "value": {"requiredElements": ["root.note"]}})
        assert not passes(doc, {"type": "is-xml", "value": "root.item.2"})
        assert not passes(doc, {"type": "is-xml", "value": "root.item.0.x"})

    def test_japanese_element_names(self) -> None:
        assert passes("<都市><名前>東京</名前></都市>", {"type": "is-xml", "value": "都市.名前"})

    def test_contains_xml_finds_fragments_in_prose(self) -> None:
        assert passes(
            "回答: <結果><値>42</値></結果>", {"type": "contains-xml", "value": "結果.値"}
        )
        assert passes("See <a>x</a> and <b/> here", {"type": "contains-xml", "value": "a, b"})
        assert passes("no xml here", {"type": "not-contains-xml"})

    def test_contains_xml_tolerates_html_entities_and_bare_ampersands(self) -> None:
        assert passes("text <p>R&D&nbsp;team</p>", {"type": "contains-xml", "value": "p"})

    def test_contains_xml_with_missing_element_fails(self) -> None:
        result = check("<a><b/></a>", {"type": "contains-xml", "value": "a.c"})
        assert not result.passed
        assert result.error is None

    @pytest.mark.parametrize("value", [5, True, {"other": ["a"]}])
    def test_bad_required_elements_value_is_an_error(self, value: object) -> None:
        assert check("<a/>", {"type": "is-xml", "value": value}).error is not None


class TestXmlFragmentScan:
    @pytest.mark.parametrize(
        ("output", "required"),
        [
            ("<!-- a comment with <b> --> then <a>1</a>", "a"),
            ("<?xml version='1.0'?><a>1</a>", "a"),
            ("<![CDATA[<x>]]> then <y>1</y>", "y"),
            ("<!DOCTYPE html [ <!ELEMENT p ANY> ]><p>hi</p>", "p"),
            ("<a title='x > y'>t</a>", "a.@_title"),
            ("<a><b></c></a> then <d>1</d>", "d"),
            ("<list><i>1</i><i>2</i></list>", "list.i.1"),
        ],
    )
    def test_fragments_are_found_around_other_markup(self, output: str, required: str) -> None:
        assert passes(output, {"type": "contains-xml", "value": required})

    @pytest.mark.parametrize("output", ["<a", "a < b and c > d", "</a>", "<1a>x</1a>", "<a>x</b>"])
    def test_text_without_a_complete_element_has_no_xml(self, output: str) -> None:
        assert not passes(output, {"type": "contains-xml"})

    def test_sibling_fragments_are_also_tried_together(self) -> None:
        assert passes("x <a>1</a> y <b>2</b> z", {"type": "contains-xml", "value": "a, b"})
