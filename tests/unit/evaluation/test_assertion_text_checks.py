"""Each deterministic text type and its not- form, with promptfoo's semantics."""

from __future__ import annotations

import pytest

from tests.unit.evaluation.assertion_helpers import check, passes


class TestEquals:
    def test_equal_text_passes_and_not_equals_fails(self) -> None:
        assert passes("Hello", {"type": "equals", "value": "Hello"})
        assert not passes("Hello", {"type": "not-equals", "value": "Hello"})

    def test_text_comparison_is_exact_about_whitespace_and_case(self) -> None:
        assert not passes("Hello\n", {"type": "equals", "value": "Hello"})
        assert not passes("hello", {"type": "equals", "value": "Hello"})
        assert passes("hello", {"type": "not-equals", "value": "Hello"})

    def test_object_value_compares_with_output_parsed_as_json(self) -> None:
        output = '{"b": [1, 2.0], "a": {"c": null}}'
        assert passes(output, {"type": "equals", "value": {"a": {"c": None}, "b": [1, 2]}})
        assert not passes(output, {"type": "equals", "value": {"a": {"c": None}}})

    def test_true_is_not_equal_to_one_inside_json(self) -> None:
        assert not passes('{"n": true}', {"type": "equals", "value": {"n": 1}})
        assert not passes("[1]", {"type": "equals", "value": [True]})

    def test_non_json_output_never_equals_an_object(self) -> None:
        assert not passes("not json", {"type": "equals", "value": {"a": 1}})
        assert passes("not json", {"type": "not-equals", "value": {"a": 1}})

    def test_numbers_and_booleans_compare_as_javascript_prints_them(self) -> None:
        assert passes("3", {"type": "equals", "value": 3.0})
        assert not passes("3.0", {"type": "equals", "value": 3.0})
        assert passes("true", {"type": "equals", "value": True})
        assert passes("0.000001", {"type": "equals", "value": 1e-6})

    def test_missing_value_compares_with_the_word_undefined_like_promptfoo(self) -> None:
        assert passes("undefined", {"type": "equals"})
        assert not passes("", {"type": "equals"})

    def test_structured_output_is_compared_as_json_text(self) -> None:
        assert passes({"a": 1.0}, {"type": "equals", "value": '{"a":1}'})


class TestContains:
    def test_substring_found_and_its_inverse(self) -> None:
        assert passes("The answer is 42.", {"type": "contains", "value": "answer"})
        assert not passes("The answer is 42.", {"type": "not-contains", "value": "answer"})

    def test_number_value_is_printed_as_javascript_does(self) -> None:
        assert passes("v2 released", {"type": "contains", "value": 2.0})
        assert not passes("v2 released", {"type": "contains", "value": 2.5})

    def test_empty_output_contains_nothing(self) -> None:
        assert not passes("", {"type": "contains", "value": "a"})
        assert passes("", {"type": "not-contains", "value": "a"})

    def test_japanese_substrings(self) -> None:
        assert passes("東京は日本の首都です。", {"type": "contains", "value": "日本"})
        assert passes("東京は日本の首都です。", {"type": "not-contains", "value": "京都"})

    @pytest.mark.parametrize("value", ["", True, None, {"a": 1}])
    def test_value_that_is_not_a_string_or_number_is_an_error(self, value: object) -> None:
        result = check("text", {"type": "contains", "value": value})
        assert result.error is not None
        assert not result.passed
        assert result.score == 0

    def test_icontains_ignores_case_with_unicode_mappings(self) -> None:
        assert passes("ÄRGER", {"type": "icontains", "value": "ärger"})
        assert not passes("ÄRGER", {"type": "not-icontains", "value": "ärger"})
        # "ß" has no single-letter upper case: STRASSE does not match, as in JavaScript.
        assert not passes("Die Straße", {"type": "icontains", "value": "STRASSE"})


class TestContainsLists:
    def test_any_needs_one_and_all_needs_every_item(self) -> None:
        output = "pizza and sushi"
        assert passes(output, {"type": "contains-any", "value": ["taco", "sushi"]})
        assert not passes(output, {"type": "contains-all", "value": ["taco", "sushi"]})
        assert passes(output, {"type": "contains-all", "value": ["pizza", "sushi"]})

    def test_not_forms_invert(self) -> None:
        output = "pizza and sushi"
        assert passes(output, {"type": "not-contains-any", "value": ["taco", "burger"]})
        assert not passes(output, {"type": "not-contains-all", "value": ["pizza", "sushi"]})
        assert passes(output, {"type": "not-contains-all", "value": ["pizza", "taco"]})

    def test_case_insensitive_variants(self) -> None:
        output = "Pizza and Sushi"
        assert passes(output, {"type": "icontains-all", "value": ["PIZZA", "sushi"]})
        assert passes(output, {"type": "icontains-any", "value": "TACO, SUSHI"})
        assert not passes(output, {"type": "not-icontains-any", "value": ["PIZZA"]})
        assert passes(output, {"type": "not-icontains-all", "value": ["PIZZA", "TACO"]})

    def test_comma_separated_string_is_trimmed_and_quotes_keep_commas(self) -> None:
        assert passes("a,b", {"type": "contains-any", "value": '"a,b", zzz'})
        assert not passes("a b", {"type": "contains-any", "value": '"a,b"'})
        assert passes('say "hi"', {"type": "contains-all", "value": r'"say \"hi\""'})
        assert passes("x", {"type": "contains-all", "value": " x , ,, "})

    def test_unterminated_quote_is_an_error(self) -> None:
        result = check("a", {"type": "contains-any", "value": '"a, b'})
        assert result.error is not None
        assert "unterminated" in result.error

    def test_list_items_are_printed_as_javascript_strings(self) -> None:
        assert passes("Room 101", {"type": "contains-all", "value": [101, 1.0]})


class TestStartsWith:
    def test_prefix_and_inverse(self) -> None:
        assert passes("東京は日本の首都", {"type": "starts-with", "value": "東京"})
        assert not passes("東京は日本の首都", {"type": "not-starts-with", "value": "東京"})
        assert not passes(" Hello", {"type": "starts-with", "value": "Hello"})


class TestRegex:
    def test_match_and_inverse(self) -> None:
        assert passes("Order 12345", {"type": "regex", "value": r"\d{5}"})
        assert not passes("Order 12345", {"type": "not-regex", "value": r"\d{5}"})

    def test_anchors_cover_the_whole_text_as_without_the_m_flag(self) -> None:
        assert not passes("first\nsecond", {"type": "regex", "value": "^second"})
        # Python's $ would also match before a final newline; JavaScript's does not.
        assert not passes("done\n", {"type": "regex", "value": "done$"})

    def test_word_class_is_ascii_but_space_class_is_unicode(self) -> None:
        assert not passes("東京", {"type": "regex", "value": r"^\w+$"})
        assert passes("東京\u3000大阪", {"type": "regex", "value": r"東京\s大阪"})

    def test_dot_stops_at_line_terminators(self) -> None:
        assert not passes("a\u2028b", {"type": "regex", "value": "a.b"})

    @pytest.mark.parametrize("pattern", ["(unclosed", "a**", "(?P<n>x)", "(?i)x", "x++"])
    def test_invalid_or_python_only_pattern_is_an_error_result(self, pattern: str) -> None:
        result = check("x", {"type": "regex", "value": pattern})
        assert result.error is not None
        assert "Invalid regular expression" in result.error
        assert not result.passed
