"""Chat messages become a plain transcript the base model can continue."""

from __future__ import annotations

from autoforge.infrastructure.llm.local_prompt import STOP_SEQUENCES, transcript


def test_turns_are_labelled_and_the_assistant_is_cued() -> None:
    text = transcript(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": " Hi! "},
        ]
    )

    assert text == "System: Be brief.\nUser: Hi!\nAssistant:"


def test_a_final_assistant_turn_is_continued_not_closed() -> None:
    text = transcript(
        [{"role": "user", "content": "Count."}, {"role": "assistant", "content": "One, two,"}]
    )

    assert text.endswith("Assistant: One, two,")
    assert text.count("Assistant:") == 1


def test_only_the_text_parts_of_structured_content_are_kept() -> None:
    content = [
        {"type": "text", "text": "Describe"},
        {"type": "image_url", "image_url": {"url": "data:..."}},
        {"type": "text", "text": "this."},
    ]

    assert transcript([{"role": "user", "content": content}]) == "User: Describe this.\nAssistant:"


def test_developer_messages_read_as_system_and_unknown_roles_keep_their_name() -> None:
    text = transcript(
        [{"role": "developer", "content": "Rules."}, {"role": "tool", "content": "42"}]
    )

    assert text.splitlines()[:2] == ["System: Rules.", "Tool: 42"]


def test_generation_stops_at_any_new_turn() -> None:
    for speaker in ("User", "System", "Assistant"):
        assert any(stop.strip() == f"{speaker}:" for stop in STOP_SEQUENCES)
