"""The render job that runs inside the sandbox child, and the worker's line protocol.

The job function is exercised in-process here with small limits and harmless templates;
dangerous payloads only ever run through the real worker (test_template_injection).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from autoforge.infrastructure.rendering.environment import RenderLimits
from autoforge.infrastructure.rendering.job import (
    SandboxJob,
    SandboxOutcome,
    decode_job,
    decode_outcome,
    encode_job,
    encode_outcome,
    run_job,
)
from autoforge.infrastructure.rendering.runner import _worker_environment

SMALL = RenderLimits(max_output_chars=50, max_loop_iterations=10, timeout_seconds=1.0)


def job(content: str, values: dict[str, str] | None = None) -> SandboxJob:
    return SandboxJob(content=content, values=values or {}, limits=SMALL)


def test_a_job_renders_and_reports_the_names_it_reads() -> None:
    outcome = run_job(
        job("{% for c in word %}{{ c | upper }}{% endfor %} {{ other }}", {"word": "ab"})
    )

    assert outcome == SandboxOutcome(text="AB {{ other }}", referenced=frozenset({"word", "other"}))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{% for i in range(11) %}{% endfor %}", "loop_limit"),
        ("{% for a in 'abcdef' %}{% for b in 'ab' %}{% endfor %}{% endfor %}", "loop_limit"),
        ("{% for i in range(10) %}{{ 'xxxxxx' }}{% endfor %}", "output_limit"),
        ("{{ 'x' * 51 }}", "output_limit"),
        ("{{ [0] * 30 + [1] * 30 }}", "output_limit"),
        ("{{ 2 ** 5000 }}", "operation_limit"),
        ("{{ (2 ** 4000) * (2 ** 4000) }}", "operation_limit"),
        ("{{ 'x' | indent(101) }}", "operation_limit"),
        ("{{ '%s' % 1 }}", "unsupported_syntax"),
        ("{% set k = '__class__' %}{{ word[k] }}", "unsafe_attribute"),
        ("{{ 1 / 0 }}", "render_failed"),
        ("{{ 1e308 ** 2 }}", "operation_limit"),
        ("{{ self }}", "unsafe_attribute"),
    ],
)
def test_a_job_past_its_limits_comes_back_refused_with_the_reason(
    content: str, reason: str
) -> None:
    outcome = run_job(job(content, {"word": "abc"}))

    assert outcome.refusal is not None
    assert outcome.refusal[0] == reason
    assert outcome.text == ""


def test_a_job_with_a_compile_time_error_comes_back_as_a_syntax_error() -> None:
    outcome = run_job(job("line\n{{ word is no_such_test }}", {"word": "a"}))

    assert outcome.syntax_error is not None
    assert outcome.syntax_error[1] == 2


def test_arithmetic_on_a_missing_value_hands_the_template_back_unrendered() -> None:
    outcome = run_job(job("{{ a / b }}", {"a": "1"}))

    assert outcome == SandboxOutcome(text="{{ a / b }}", referenced=frozenset({"a", "b"}))


def test_jobs_and_outcomes_survive_the_json_round_trip() -> None:
    original = SandboxJob(
        content="日本語\r\n{{ x }}\ud800", values={"x": "値"}, limits=SMALL, newline="\r\n"
    )
    outcome = SandboxOutcome(
        text="ok", referenced=frozenset({"b", "a"}), refusal=None, syntax_error=("bad", 3)
    )

    assert decode_job(encode_job(original)) == original
    assert decode_outcome(encode_outcome(outcome)) == outcome
    assert b"\n" not in encode_job(original)


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b'{"text": 1, "referenced": [], "refusal": null, "syntax_error": null}',
        b'{"text": "", "referenced": "a", "refusal": null, "syntax_error": null}',
        b'{"text": "", "referenced": [], "refusal": ["x"], "syntax_error": null}',
        b'{"text": "", "referenced": [], "refusal": null, "syntax_error": ["m", "3"]}',
    ],
)
def test_malformed_outcomes_are_rejected(data: bytes) -> None:
    with pytest.raises(ValueError, match=r".+"):
        decode_outcome(data)


def test_a_job_with_an_unknown_newline_is_rejected() -> None:
    data = encode_job(job("x")).replace(b'"newline": "\\n"', b'"newline": "x"')

    with pytest.raises(ValueError, match="newline"):
        decode_job(data)


def test_the_worker_answers_one_line_per_job_and_survives_malformed_input() -> None:
    jobs = b"not json\n" + encode_job(job("{% if a %}{{ a }}{% endif %}", {"a": "hi"})) + b"\n"

    answer = subprocess.run(
        [sys.executable, "-m", "autoforge.infrastructure.rendering.worker"],
        input=jobs,
        capture_output=True,
        env=_worker_environment(),
        timeout=20,
        check=True,
    )

    first, second = answer.stdout.splitlines()
    assert decode_outcome(first).refusal is not None
    assert decode_outcome(second) == SandboxOutcome(text="hi", referenced=frozenset({"a"}))
