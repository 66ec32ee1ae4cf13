"""llm-rubric, factuality, closed QA and similar, through fake grader and embedder ports."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from autoforge.domain.errors import UpstreamError
from autoforge.domain.evaluation.assertions import AssertionPorts, evaluate_test, evaluate_test_sync
from tests.unit.evaluation.assertion_helpers import check_async


@dataclass
class FakeGrader:
    answer: str = '{"pass": true, "score": 1, "reason": "fine"}'
    failure: Exception | None = None
    prompts: list[str] = field(default_factory=list)
    active: int = 0
    most_active: int = 0

    async def grade(self, prompt: str) -> str:
        self.prompts.append(prompt)
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        await asyncio.sleep(0.01)
        self.active -= 1
        if self.failure is not None:
            raise self.failure
        return self.answer


@dataclass
class FakeEmbedder:
    vectors: dict[str, list[float]]
    model_name: str = "fake-minilm"
    multilingual: bool = True
    drop_one: bool = False

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        found = [self.vectors[text] for text in texts]
        return found[:-1] if self.drop_one else found


def grader_ports(answer: str) -> tuple[FakeGrader, AssertionPorts]:
    grader = FakeGrader(answer=answer)
    return grader, AssertionPorts(grader=grader)


class TestLlmRubric:
    async def test_grader_verdict_and_score_are_used(self) -> None:
        grader, ports = grader_ports('{"reason": "polite", "pass": true, "score": 0.8}')
        result = await check_async(
            "Thank you!", {"type": "llm-rubric", "value": "Is polite"}, ports=ports
        )
        assert (result.passed, result.score, result.reason) == (True, 0.8, "polite")
        assert "Thank you!" in grader.prompts[0]
        assert "Is polite" in grader.prompts[0]

    async def test_not_form_flips_the_verdict_and_inverts_the_score(self) -> None:
        _, ports = grader_ports('{"pass": true, "score": 0.8}')
        result = await check_async("x", {"type": "not-llm-rubric", "value": "r"}, ports=ports)
        assert not result.passed
        assert result.score == pytest.approx(0.2)

    async def test_threshold_fails_a_low_score_even_when_the_grader_passes(self) -> None:
        _, ports = grader_ports('{"pass": true, "score": 0.4}')
        result = await check_async(
            "x", {"type": "llm-rubric", "value": "r", "threshold": 0.5}, ports=ports
        )
        assert not result.passed

    async def test_json_answer_inside_prose_and_word_verdicts_are_read(self) -> None:
        _, ports = grader_ports('Sure.\n```json\n{"pass": "yes", "score": "0.9"}\n```')
        result = await check_async("x", {"type": "llm-rubric", "value": "r"}, ports=ports)
        assert (result.passed, result.score) == (True, 0.9)

    async def test_score_without_verdict_passes_at_one_half(self) -> None:
        _, ports = grader_ports('{"score": 0.3}')
        assert not (
            await check_async("x", {"type": "llm-rubric", "value": "r"}, ports=ports)
        ).passed

    @pytest.mark.parametrize(
        "answer",
        ["I think it passes.", '{"verdict": "good"}', '{"pass": "maybe"}', '{"score": 7}', "   "],
    )
    async def test_unreadable_answer_is_an_error_that_keeps_the_raw_text(self, answer: str) -> None:
        _, ports = grader_ports(answer)
        result = await check_async("x", {"type": "llm-rubric", "value": "r"}, ports=ports)
        assert not result.passed
        assert result.error is not None
        assert result.grader_output == answer

    async def test_unreadable_answer_is_not_a_pass_for_the_not_form_either(self) -> None:
        _, ports = grader_ports("no idea")
        result = await check_async("x", {"type": "not-llm-rubric", "value": "r"}, ports=ports)
        assert not result.passed
        assert result.error is not None

    async def test_missing_or_failing_grader_is_an_error(self) -> None:
        missing = await check_async("x", {"type": "llm-rubric", "value": "r"})
        assert missing.error is not None
        grader = FakeGrader(failure=UpstreamError("provider down"))
        failing = await check_async(
            "x", {"type": "llm-rubric", "value": "r"}, ports=AssertionPorts(grader=grader)
        )
        assert failing.error is not None
        assert "provider down" in failing.error


class TestFactuality:
    @pytest.mark.parametrize(
        ("category", "passed"), [("A", True), ("b", True), ("C", True), ("D", False), ("E", True)]
    )
    async def test_categories(self, category: str, passed: bool) -> None:
        _, ports = grader_ports(f'{{"category": "{category}", "reason": "r"}}')
        result = await check_async(
            "Tokyo", {"type": "factuality", "value": "Tokyo"}, ports=ports, prompt="Capital?"
        )
        assert (result.passed, result.score) == (passed, float(passed))

    async def test_prompt_holds_question_expert_answer_and_submission(self) -> None:
        grader, ports = grader_ports('{"category": "C"}')
        await check_async(
            "東京です", {"type": "factuality", "value": "東京"}, ports=ports, prompt="日本の首都は?"
        )
        assert all(
            part in grader.prompts[0] for part in ("東京です", "東京", "日本の首都は?", "(D)")
        )

    async def test_letter_in_parentheses_is_read_when_there_is_no_json(self) -> None:
        _, ports = grader_ports("The answer is (D) because it contradicts.")
        result = await check_async(
            "x", {"type": "factuality", "value": "y"}, ports=ports, prompt="q"
        )
        assert not result.passed
        assert result.error is None

    async def test_not_form_flips(self) -> None:
        _, ports = grader_ports('{"category": "D"}')
        assert (
            await check_async(
                "x", {"type": "not-factuality", "value": "y"}, ports=ports, prompt="q"
            )
        ).passed

    @pytest.mark.parametrize("answer", ['{"category": "F"}', "no category at all"])
    async def test_unreadable_category_is_an_error(self, answer: str) -> None:
        _, ports = grader_ports(answer)
        result = await check_async(
            "x", {"type": "factuality", "value": "y"}, ports=ports, prompt="q"
        )
        assert result.error is not None
        assert result.grader_output == answer

    async def test_prompt_is_required(self) -> None:
        _, ports = grader_ports('{"category": "A"}')
        assert (
            await check_async("x", {"type": "factuality", "value": "y"}, ports=ports)
        ).error is not None


class TestClosedQa:
    @pytest.mark.parametrize(
        ("answer", "passed"), [("Reasoning...\nY", True), ("It does not.\nN\n", False)]
    )
    async def test_final_letter_decides(self, answer: str, passed: bool) -> None:
        _, ports = grader_ports(answer)
        result = await check_async(
            "x", {"type": "model-graded-closedqa", "value": "c"}, ports=ports, prompt="q"
        )
        assert (result.passed, result.error) == (passed, None)

    async def test_not_form_flips(self) -> None:
        _, ports = grader_ports("N")
        check = {"type": "not-model-graded-closedqa", "value": "c"}
        assert (await check_async("x", check, ports=ports, prompt="q")).passed

    async def test_answer_without_final_letter_is_an_error(self) -> None:
        _, ports = grader_ports("Yes, it meets the criterion.")
        result = await check_async(
            "x", {"type": "model-graded-closedqa", "value": "c"}, ports=ports, prompt="q"
        )
        assert result.error is not None
        assert result.grader_output == "Yes, it meets the criterion."


VECTORS = {"cat": [1.0, 0.0], "kitten": [0.8, 0.6], "car": [0.0, 1.0], "猫": [1.0, 0.1]}


class TestSimilar:
    async def test_cosine_against_default_threshold(self) -> None:
        ports = AssertionPorts(embedder=FakeEmbedder(VECTORS))
        result = await check_async("cat", {"type": "similar", "value": "kitten"}, ports=ports)
        assert result.passed
        assert result.score == pytest.approx(0.8)
        assert not (
            await check_async("cat", {"type": "similar", "value": "car"}, ports=ports)
        ).passed

    async def test_any_of_several_values_may_match_and_not_form_needs_none(self) -> None:
        ports = AssertionPorts(embedder=FakeEmbedder(VECTORS))
        assert (
            await check_async("cat", {"type": "similar", "value": ["car", "kitten"]}, ports=ports)
        ).passed
        result = await check_async(
            "cat", {"type": "not-similar", "value": ["car", "kitten"]}, ports=ports
        )
        assert not result.passed
        assert result.score == pytest.approx(0.2)

    async def test_no_embedding_model_is_an_error_never_a_pass(self) -> None:
        result = await check_async("cat", {"type": "similar", "value": "kitten"})
        assert (result.passed, result.score) == (False, 0)
        assert result.error is not None
        assert "embedding model" in result.error

    async def test_english_centric_model_warns_on_japanese(self) -> None:
        ports = AssertionPorts(embedder=FakeEmbedder(VECTORS, multilingual=False))
        result = await check_async("cat", {"type": "similar", "value": "猫"}, ports=ports)
        assert "English-centric" in result.reason

    async def test_wrong_number_of_vectors_is_an_error(self) -> None:
        ports = AssertionPorts(embedder=FakeEmbedder(VECTORS, drop_one=True))
        assert (
            await check_async("cat", {"type": "similar", "value": "car"}, ports=ports)
        ).error is not None


async def test_model_graded_assertions_run_at_most_max_concurrency_at_once() -> None:
    grader = FakeGrader()
    assertions = [{"type": "llm-rubric", "value": f"rubric {n}"} for n in range(7)]
    result = await evaluate_test(
        "x", assertions=assertions, ports=AssertionPorts(grader=grader), max_concurrency=2
    )
    assert result.passed
    assert len(grader.prompts) == 7
    assert grader.most_active == 2


def test_sync_path_reports_model_graded_types_as_errors() -> None:
    result = evaluate_test_sync(
        "x", assertions=[{"type": "llm-rubric", "value": "r"}, {"type": "contains", "value": "x"}]
    )
    assert [c.error is not None for c in result.components] == [True, False]
    assert not result.passed
