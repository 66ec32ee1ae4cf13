"""The dataset model: normalised test cases, limits, revisions and assertion checks on save."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from autoforge.domain.evaluation.assertions import InvalidAssertionError
from autoforge.domain.evaluation.dataset import (
    MAX_TEST_CASES,
    TestCase,
    check_assertions,
    new_dataset,
    new_test_case,
)
from autoforge.domain.evaluation.dataset_errors import (
    DatasetTooLargeError,
    InvalidDatasetError,
    InvalidTestCaseError,
)
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_non_string_variable_values_are_kept_as_json_text() -> None:
    case = new_test_case(
        label="0",
        vars={"n": 2.0, "flag": True, "items": ["a", "東京"], "obj": {"k": 1}, "text": "as is"},
    )

    assert case.vars == {
        "n": "2",
        "flag": "true",
        "items": '["a","東京"]',
        "obj": '{"k":1}',
        "text": "as is",
    }


def test_tags_are_trimmed_lowercased_and_deduplicated() -> None:
    case = new_test_case(label="0", tags=[" Smoke ", "smoke", "JA"])

    assert case.tags == ("smoke", "ja")


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan"), float("inf")])
def test_a_threshold_outside_zero_to_one_is_rejected_naming_the_test(threshold: float) -> None:
    with pytest.raises(InvalidTestCaseError) as caught:
        new_test_case(label="3 (capital)", threshold=threshold)

    assert caught.value.extra["test"] == "3 (capital)"
    assert caught.value.status == 422


@pytest.mark.parametrize("name", ["", "__expected", "x" * 101])
def test_unusable_variable_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidTestCaseError):
        new_test_case(label="0", vars={name: "v"})


def test_an_empty_expected_output_means_none() -> None:
    assert new_test_case(label="0", expected="").expected is None
    assert new_test_case(label="0", expected={"a": 1}).expected == '{"a":1}'


def test_identity_does_not_take_part_in_equality() -> None:
    case = new_test_case(
        label="0", vars={"q": "hi"}, assertions=[{"type": "contains", "value": "h"}]
    )

    assert case.with_id("a") == case.with_id("b")
    assert case.with_id("a").test_case_id == "a"


def test_assertions_are_copied_so_later_edits_of_the_input_do_not_leak_in() -> None:
    raw = {"type": "contains", "value": "x"}
    case = new_test_case(label="0", assertions=[raw])
    raw["value"] = "changed"

    assert case.assertions[0]["value"] == "x"


def test_check_assertions_names_the_test_and_assertion_of_an_invalid_regex() -> None:
    cases = [
        new_test_case(label="0", assertions=[{"type": "contains", "value": "ok"}]),
        new_test_case(
            label="1",
            description="bad regex",
            assertions=[{"type": "equals", "value": "x"}, {"type": "regex", "value": "("}],
        ),
    ]

    with pytest.raises(InvalidAssertionError) as caught:
        check_assertions(cases, schema_validator=JsonSchemaAdapter(), first_index=5)

    error = caught.value
    assert (error.test, error.index, error.assertion_type) == ("6 (bad regex)", 1, "regex")
    assert error.instance_code == "INVALID_ASSERTION"


def test_check_assertions_rejects_an_invalid_json_schema_and_an_unknown_type() -> None:
    schema_case = new_test_case(
        label="0", assertions=[{"type": "is-json", "value": {"type": "no-such-type"}}]
    )
    unknown_case = new_test_case(label="0", assertions=[{"type": "javascript", "value": "1"}])

    with pytest.raises(InvalidAssertionError, match="JSON Schema"):
        check_assertions([schema_case], schema_validator=JsonSchemaAdapter())
    with pytest.raises(InvalidAssertionError, match="javascript"):
        check_assertions([unknown_case], schema_validator=JsonSchemaAdapter())


def test_a_new_dataset_starts_at_revision_one_and_each_change_adds_one() -> None:
    dataset = new_dataset(
        dataset_id="d1", tenant_id="t", owner_id="u", name=" QA set ", at=NOW, tags=["A"]
    )
    later = NOW + timedelta(minutes=1)

    renamed = dataset.revised(at=later, name="Renamed")
    replaced = renamed.revised(at=later, test_cases=[TestCase(vars={"q": "1"})])

    assert (dataset.name, dataset.revision, dataset.tags) == ("QA set", 1, ("a",))
    assert (renamed.name, renamed.revision, renamed.updated_at) == ("Renamed", 2, later)
    assert (replaced.revision, len(replaced.test_cases), replaced.name) == (3, 1, "Renamed")


def test_dataset_names_must_not_be_blank() -> None:
    with pytest.raises(InvalidDatasetError):
        new_dataset(dataset_id="d", tenant_id="t", owner_id="u", name="   ", at=NOW)


def test_a_dataset_holds_at_most_the_limit_of_test_cases() -> None:
    cases = [TestCase(vars={})] * (MAX_TEST_CASES + 1)

    with pytest.raises(DatasetTooLargeError):
        new_dataset(dataset_id="d", tenant_id="t", owner_id="u", name="n", at=NOW, test_cases=cases)
