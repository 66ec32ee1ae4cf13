"""One render of a template with logic: what is asked, what comes back, and the work.

``run_job`` runs only inside a disposable child process (see ``worker``). Jobs and
outcomes cross process boundaries as JSON, never as pickles: the outcome comes from a
process that ran untrusted input, and unpickling it could run code in the API process.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError

from autoforge.domain.prompt.rendering import TemplateRenderError
from autoforge.infrastructure.rendering.checks import check_template
from autoforge.infrastructure.rendering.environment import (
    LOOP_BUDGET_FILTER,
    RANGE_GLOBAL,
    LimitExceededError,
    Newline,
    PromptSandboxEnvironment,
    RenderLimits,
)

__all__ = [
    "SandboxJob",
    "SandboxOutcome",
    "decode_job",
    "decode_outcome",
    "encode_job",
    "encode_outcome",
    "failure",
    "run_job",
]

_MAX_ERROR_TEXT = 300


@dataclass(frozen=True, slots=True)
class SandboxJob:
    content: str
    values: dict[str, str]
    limits: RenderLimits
    newline: Newline = "\n"


@dataclass(frozen=True, slots=True)
class SandboxOutcome:
    """Text and the names the template reads, or why there is no text."""

    text: str = ""
    referenced: frozenset[str] = field(default_factory=frozenset)
    refusal: tuple[str, str, str] | None = None  # reason, English, Japanese
    syntax_error: tuple[str, int | None] | None = None  # message, line


def run_job(job: SandboxJob) -> SandboxOutcome:
    """Parse, check, compile and render ``job``."""
    environment = PromptSandboxEnvironment(job.limits, newline=job.newline)
    referenced: frozenset[str] = frozenset()
    try:
        template = environment.parse(job.content)
        check_template(template)
        _prepare(template)
        referenced = frozenset(meta.find_undeclared_variables(template))
        text = _render_capped(environment, template, job)
    except UndefinedError as error:
        if referenced - job.values.keys():
            # Arithmetic or a filter on a value nobody gave: the answer is "values are
            # missing", so hand back the template untouched and let the caller decide.
            return SandboxOutcome(text=job.content, referenced=referenced)
        return _outcome_of(error)
    except Exception as error:  # whatever the template raises is the template's failure
        return _outcome_of(error)
    return SandboxOutcome(text=text, referenced=referenced)


def failure(reason: str, detail_en: str, detail_ja: str) -> SandboxOutcome:
    return SandboxOutcome(refusal=(reason, detail_en, detail_ja))


def encode_job(job: SandboxJob) -> bytes:
    payload = {
        "content": job.content,
        "values": job.values,
        "limits": asdict(job.limits),
        "newline": job.newline,
    }
    # ASCII escapes keep lone surrogates and every line break inside one JSON line.
    return json.dumps(payload, ensure_ascii=True).encode("ascii")


def decode_job(data: bytes) -> SandboxJob:
    payload = json.loads(data)
    newline = payload["newline"]
    if newline not in ("\n", "\r\n", "\r"):
        raise ValueError("invalid newline")
    return SandboxJob(
        content=str(payload["content"]),
        values={str(key): str(value) for key, value in payload["values"].items()},
        limits=RenderLimits(**payload["limits"]),
        newline=newline,
    )


def encode_outcome(outcome: SandboxOutcome) -> bytes:
    payload = {
        "text": outcome.text,
        "referenced": sorted(outcome.referenced),
        "refusal": outcome.refusal,
        "syntax_error": outcome.syntax_error,
    }
    return json.dumps(payload, ensure_ascii=True).encode("ascii")


def decode_outcome(data: bytes) -> SandboxOutcome:
    """Read an outcome strictly; anything malformed raises ValueError."""
    payload = json.loads(data)
    if not isinstance(payload, dict):
        raise ValueError("outcome is not an object")
    return SandboxOutcome(
        text=_string(payload.get("text")),
        referenced=frozenset(_string(name) for name in _list(payload.get("referenced"))),
        refusal=_refusal_field(payload.get("refusal")),
        syntax_error=_syntax_field(payload.get("syntax_error")),
    )


def _prepare(template: nodes.Template) -> None:
    # Count every loop iteration against the budget, and point range() at the bounded
    # global, so that a variable a user happens to call "range" stays an ordinary variable.
    for loop in template.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, LOOP_BUDGET_FILTER, [], [], None, None)
        loop.iter.set_lineno(loop.lineno)
    for call in template.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "range":
            call.node.name = RANGE_GLOBAL


def _render_capped(
    environment: PromptSandboxEnvironment, template: nodes.Template, job: SandboxJob
) -> str:
    compiled = environment.from_string(template)
    limit = job.limits.max_output_chars
    chunks: list[str] = []
    size = 0
    for chunk in compiled.generate(job.values):
        size += len(chunk)
        if size > limit:
            raise LimitExceededError(
                "output_limit",
                f"The rendered text would exceed {limit:,} characters.",
                f"展開結果が {limit:,} 文字を超えます。",
            )
        chunks.append(chunk)
    return "".join(chunks)


def _outcome_of(error: Exception) -> SandboxOutcome:
    if isinstance(error, LimitExceededError | TemplateRenderError):
        return failure(error.reason, error.detail_en, error.detail_ja)
    if isinstance(error, JinjaSyntaxError):
        return SandboxOutcome(syntax_error=(error.message or "invalid syntax", error.lineno))
    for kinds, reason, detail_en, detail_ja in _KNOWN_FAILURES:
        if isinstance(error, kinds):
            return failure(reason, detail_en, detail_ja)

    message = f"{type(error).__name__}: {error}"[:_MAX_ERROR_TEXT]
    return failure(
        "render_failed",
        f"The template failed while rendering: {message}",
        f"テンプレートの展開中にエラーが発生しました: {message}",
    )


_KNOWN_FAILURES: tuple[tuple[type[Exception] | tuple[type[Exception], ...], str, str, str], ...] = (
    (
        SecurityError,
        "unsafe_attribute",
        "The template tried to reach a protected value.",
        "テンプレートが保護された値にアクセスしようとしました。",
    ),
    (
        MemoryError,
        "memory_limit",
        "The template needs more memory than allowed.",
        "テンプレートが許可された量を超えるメモリを必要としました。",
    ),
    (
        (RecursionError, OverflowError),
        "operation_limit",
        "The template computes a value that is too large.",
        "テンプレートが大きすぎる値を計算しようとしました。",
    ),
)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _refusal_field(value: Any) -> tuple[str, str, str] | None:
    if value is None:
        return None
    reason, detail_en, detail_ja = _list(value)
    return _string(reason), _string(detail_en), _string(detail_ja)


def _syntax_field(value: Any) -> tuple[str, int | None] | None:
    if value is None:
        return None
    message, line = _list(value)
    if line is not None and not isinstance(line, int):
        raise ValueError("expected a line number")
    return _string(message), line
