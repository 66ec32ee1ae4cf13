"""Template injection payloads are refused or render inert text; none of them runs code.

Every payload goes through the real renderer (fast path, static checks, worker process).
Each test bounds the time taken, and the payloads that would reach the operating system
aim at a canary file that must never appear.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autoforge.domain.prompt.rendering import TemplateRenderError
from autoforge.infrastructure.rendering import JinjaTemplateRenderer, RenderLimits
from autoforge.infrastructure.rendering.runner import _worker_environment

LIMITS = RenderLimits()
TIME_BOUND = LIMITS.timeout_seconds + 3.0
LEAK_MARKERS = (
    "<class",
    "<module",
    "<function",
    "<built-in",
    "<bound method",
    "object at 0x",
    "__",
    "posix",
    "subprocess",
    "root:",
)


@pytest.fixture(scope="module")
def renderer() -> Iterator[JinjaTemplateRenderer]:
    instance = JinjaTemplateRenderer(limits=LIMITS)
    yield instance
    instance.close()


def render_or_refusal(
    renderer: JinjaTemplateRenderer, payload: str, values: dict[str, str] | None = None
) -> tuple[str | None, TemplateRenderError | None, float]:
    started = time.perf_counter()
    try:
        text: str | None = renderer.render(payload, values or {"name": "abc"}).text
        error = None
    except TemplateRenderError as refused:
        text, error = None, refused
    return text, error, time.perf_counter() - started


def assert_inert(text: str | None, elapsed: float) -> None:
    assert elapsed < TIME_BOUND
    if text is not None:
        assert len(text) <= LIMITS.max_output_chars
        for marker in LEAK_MARKERS:
            assert marker not in text


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe_attribute"),
        ("{{ cycler.__init__.__globals__ }}", "unsafe_attribute"),
        ("{{ self._TemplateReference__context }}", "unsafe_attribute"),
        ("{{ lipsum.__globals__ }}", "unsafe_attribute"),
        ("{{ self }}", "unsafe_attribute"),
        ("{{ ''['__class__'] }}", "unsafe_attribute"),
        ("{{ loop.__class__ }}", "unsafe_attribute"),
        ("{% set k = '__cla' ~ 'ss__' %}{{ name[k] }}", "unsafe_attribute"),
        ("{{ name | map(attribute='__class__') | list }}", "unsafe_attribute"),
        ("{{ name.format }}", "unsafe_attribute"),
        ("{{ name.upper | string }}", "unsafe_attribute"),
        ("{{ [name.upper] }}", "unsafe_attribute"),
        ("{{ name['upper'] }}", "unsafe_attribute"),
        ("{{ [autoforge_range] }}", "unsafe_attribute"),
        ("{{ name | attr('__class__') }}", "unsupported_syntax"),
        ("{{ '{0.__class__}'.format(name) }}", "unsupported_syntax"),
        ("{{ config.items() }}", "unsupported_syntax"),
        ("{{ dict(a=1) }}", "unsupported_syntax"),
        ("{{ name | pprint }}", "unsupported_syntax"),
        ("{% import 'os' as os %}{{ os }}", "unsupported_syntax"),
        ("{% from 'os' import system %}", "unsupported_syntax"),
        ("{% include '/etc/passwd' %}", "unsupported_syntax"),
        ("{% extends 'base.html' %}", "unsupported_syntax"),
        ("{% macro m() %}x{% endmacro %}{{ m() }}", "unsupported_syntax"),
        ("{% block body %}x{% endblock %}", "unsupported_syntax"),
        ("{% for x in name recursive %}{{ loop(x) }}{% endfor %}", "unsupported_syntax"),
    ],
)
def test_reaching_python_internals_or_other_templates_is_refused(
    renderer: JinjaTemplateRenderer, payload: str, reason: str
) -> None:
    text, error, elapsed = render_or_refusal(renderer, payload)

    assert text is None
    assert error is not None
    assert error.code == "TEMPLATE_RENDER_ERROR"
    assert error.reason == reason
    assert_inert(text, elapsed)


def test_filters_that_produce_sequences_print_values_not_generator_reprs(
    renderer: JinjaTemplateRenderer,
) -> None:
    text, error, elapsed = render_or_refusal(
        renderer, "{{ name | map('upper') }} {{ name | unique }} {{ [1, 2] | reverse }}"
    )

    assert error is None
    assert text == "['A', 'B', 'C'] ['a', 'b', 'c'] [2, 1]"
    assert_inert(text, elapsed)


@pytest.mark.parametrize("payload", ["{{ config }}", "{{ request }}", "{{ joiner }}", "{{ os }}"])
def test_framework_globals_do_not_exist_and_render_as_missing_variables(
    renderer: JinjaTemplateRenderer, payload: str
) -> None:
    started = time.perf_counter()

    result = renderer.render(payload, {})

    assert result.text == payload
    assert result.missing == (payload.strip("{} "),)
    assert_inert(result.text, time.perf_counter() - started)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ cycler.__init__.__globals__.os.system('touch CANARY') }}",
        "{{ lipsum.__globals__['os'].popen('touch CANARY').read() }}",
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os"
        ".popen('touch CANARY') }}",
        "{{ config.__class__.__init__.__globals__['os'].popen('touch CANARY') }}",
        "{{ request.application.__globals__.__builtins__.__import__('os').popen('touch CANARY') }}",
        "{% for c in ''.__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings'"
        " %}{{ c()._module.__builtins__['__import__']('os').system('touch CANARY') }}"
        "{% endif %}{% endfor %}",
        "{% set x = namespace() %}{{ x.__init__.__globals__['os'].system('touch CANARY') }}",
    ],
)
def test_command_execution_payloads_never_reach_the_system(
    renderer: JinjaTemplateRenderer, payload: str, tmp_path: Path
) -> None:
    canary = tmp_path / "pwned"

    text, error, elapsed = render_or_refusal(renderer, payload.replace("CANARY", str(canary)))

    assert error is not None
    assert not canary.exists()
    assert_inert(text, elapsed)


@pytest.mark.parametrize(
    ("payload", "reasons"),
    [
        ("{% for i in range(10**9) %}x{% endfor %}", {"loop_limit"}),
        (
            "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
            {"loop_limit"},
        ),
        (
            "{% for a in range(99999) %}{% endfor %}{% for b in range(99999) %}{% endfor %}",
            {"loop_limit"},
        ),
        ("{{ range(10**9) | list }}", {"loop_limit"}),
        ("{{ 'a' * 10**9 }}", {"output_limit"}),
        ("{{ [1] * 10**9 }}", {"output_limit"}),
        ("{{ 9**(9**9) }}", {"operation_limit"}),
        ("{{ 'a' | indent(999999999) }}", {"operation_limit"}),
        ("{{ '%999999999s' % 'a' }}", {"unsupported_syntax"}),
        ("{% for i in range(20000) %}{{ 'x' * 100 }}{% endfor %}", {"output_limit"}),
        # On a busy machine the wall-clock limit may stop these first; either way they stop.
        (
            "{% set a = 'aaaaaaaaaa' %}" + "{% set a = a ~ a %}" * 40 + "{{ a }}",
            {"memory_limit", "timeout"},
        ),
        (
            "{{ 'a'" + "|replace('a','aaaaaaaaaa')" * 9 + " }}",
            {"memory_limit", "output_limit", "timeout"},
        ),
        ("{{ " + "(" * 50_000 + "1" + ")" * 50_000 + " }}", {"operation_limit"}),
    ],
)
def test_resource_exhaustion_is_refused_within_a_bounded_time(
    renderer: JinjaTemplateRenderer, payload: str, reasons: set[str]
) -> None:
    text, error, elapsed = render_or_refusal(renderer, payload)

    assert error is not None, text
    assert error.reason in reasons
    assert_inert(text, elapsed)


def test_left_associative_power_towers_stay_small_numbers(renderer: JinjaTemplateRenderer) -> None:
    text, error, elapsed = render_or_refusal(renderer, "{{ 9**9**9 }}")

    # Jinja reads 9**9**9 as (9**9)**9: a 78-digit number, computed safely.
    assert error is None
    assert text == str((9**9) ** 9)
    assert_inert(text, elapsed)


def test_a_template_that_runs_too_long_is_stopped_and_the_renderer_recovers() -> None:
    quick = JinjaTemplateRenderer(limits=RenderLimits(timeout_seconds=0.3))
    slow = (
        "{% set s = 'ab ' * 300000 %}"
        "{% for i in range(5000) %}{% if s | wordcount %}{% endif %}{% endfor %}done"
    )
    try:
        started = time.perf_counter()
        with pytest.raises(TemplateRenderError) as raised:
            quick.render(slow, {})
        elapsed = time.perf_counter() - started

        assert raised.value.reason == "timeout"
        assert elapsed < 0.3 + 2.5
        assert quick.render("{% if 1 %}still working{% endif %}", {}).text == "still working"
    finally:
        quick.close()


def test_render_workers_see_no_secrets_of_the_api_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("AUTOFORGE_DATABASE_URL", "postgresql://user:password@db/app")

    environment = _worker_environment()

    assert set(environment) <= {"PATH", "PYTHONPATH", "SYSTEMROOT", "COVERAGE_PROCESS_START"}
    assert "sk-test-secret" not in environment.values()
