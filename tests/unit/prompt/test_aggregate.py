"""The prompt aggregate's rules, driven through its commands and rebuilt from its events."""

from __future__ import annotations

import pytest

from autoforge.domain.prompt.errors import (
    EmptyContentError,
    InvalidLabelError,
    PromptArchivedError,
    PromptTooLargeError,
    TitleRequiredError,
    TitleTooLongError,
    VersionNotFoundError,
)
from autoforge.domain.prompt.events import LabelMoved, PromptCreated, PromptVersionCommitted
from autoforge.domain.prompt.model import Prompt, PromptLimits

LIMITS = PromptLimits(max_content_chars=1_000)


def make(content: str = "Summarise {{ text }} in {{ n }} bullet points.") -> Prompt:
    return Prompt.create(
        prompt_id="p1",
        owner_id="u1",
        title="  Summariser ",
        content=content,
        tags=[" Writing", "writing", "SUMMARY ", ""],
        limits=LIMITS,
    )


def test_creating_records_creation_and_version_one_with_variables() -> None:
    prompt = make()

    assert [type(e) for e in prompt.pending] == [PromptCreated, PromptVersionCommitted]
    assert prompt.title == "Summariser"
    assert prompt.tags == ("writing", "summary")
    assert prompt.latest.number == 1
    assert prompt.latest.variables == ("text", "n")


@pytest.mark.parametrize("content", ["", "   ", "\n\t \u3000"])
def test_empty_or_blank_content_is_refused(content: str) -> None:
    with pytest.raises(EmptyContentError):
        make(content)


def test_content_over_the_configured_limit_is_refused_with_sizes() -> None:
    with pytest.raises(PromptTooLargeError) as caught:
        make("x" * 1_001)

    assert caught.value.extra == {"length": 1_001, "limit": 1_000}


def test_title_longer_than_200_characters_is_refused() -> None:
    prompt = make()
    with pytest.raises(TitleTooLongError):
        prompt.update_metadata(title="題" * 201)


def test_each_content_change_is_the_next_version_and_unchanged_content_is_not() -> None:
    prompt = make()
    assert prompt.commit_content("v2 {{ x }}", message="second", limits=LIMITS)
    assert not prompt.commit_content("v2 {{ x }}", message="again", limits=LIMITS)
    assert prompt.commit_content("v3", message="third", limits=LIMITS)

    assert [v.number for v in prompt.versions] == [1, 2, 3]
    assert prompt.version(2).variables == ("x",)


def test_archived_prompt_refuses_changes_until_restored() -> None:
    prompt = make()
    prompt.archive()
    with pytest.raises(PromptArchivedError):
        prompt.commit_content("new", message="", limits=LIMITS)

    prompt.restore()
    assert prompt.commit_content("new", message="", limits=LIMITS)


def test_labels_point_at_existing_versions_and_move_as_events() -> None:
    prompt = make()
    prompt.commit_content("second", message="", limits=LIMITS)
    prompt.move_label("production", version=1)
    prompt.move_label("production", version=2)

    moves = [e for e in prompt.pending if isinstance(e, LabelMoved)]
    assert [(m.version, m.previous_version) for m in moves] == [(1, None), (2, 1)]
    assert prompt.resolve_label("production").content == "second"
    assert prompt.resolve_label("latest").number == 2
    with pytest.raises(VersionNotFoundError):
        prompt.move_label("staging", version=9)


@pytest.mark.parametrize("label", ["latest", "Production", "", "has space", "x" * 51])
def test_reserved_or_malformed_label_names_are_refused(label: str) -> None:
    with pytest.raises(InvalidLabelError):
        make().move_label(label, version=1)


def test_rebuilding_from_history_gives_the_same_state_and_revision() -> None:
    prompt = make()
    prompt.commit_content("second {{ y }}", message="m", limits=LIMITS)
    prompt.update_metadata(description="desc", tags=["a"])
    prompt.move_label("staging", version=2)
    prompt.archive()

    rebuilt = Prompt.from_history("p1", prompt.pending)

    assert rebuilt.revision == len(prompt.pending)
    assert rebuilt.versions == prompt.versions
    assert (rebuilt.title, rebuilt.description, rebuilt.tags) == ("Summariser", "desc", ("a",))
    assert rebuilt.labels == {"staging": 2}
    assert rebuilt.archived
    assert rebuilt.pending == []


@pytest.mark.parametrize("title", ["", "   ", "\u3000"])
def test_a_blank_title_is_refused(title: str) -> None:
    with pytest.raises(TitleRequiredError):
        Prompt.create(prompt_id="p", owner_id="u", title=title, content="x", limits=LIMITS)
