"""The TemplateRenderer adapter: plain substitutions in-process, logic in a sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

import structlog
from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2 import nodes

from autoforge.domain.prompt.rendering import (
    RefusalReason,
    RenderResult,
    TemplateRenderError,
    TemplateSyntaxError,
)
from autoforge.infrastructure.rendering.checks import check_template, names_in_order
from autoforge.infrastructure.rendering.environment import (
    LimitExceededError,
    Newline,
    PromptSandboxEnvironment,
    RenderLimits,
)
from autoforge.infrastructure.rendering.job import SandboxJob, SandboxOutcome
from autoforge.infrastructure.rendering.plain import render_plain
from autoforge.infrastructure.rendering.runner import SandboxRunner

__all__ = ["JinjaTemplateRenderer"]

_logger = structlog.get_logger(__name__)

# Reasons arrive as plain strings from the worker; only known ones are passed on.
_REASONS: dict[str, RefusalReason] = {reason: reason for reason in get_args(RefusalReason)}


class JinjaTemplateRenderer:
    """Renders prompt templates written with Jinja's ``{{ }}`` and ``{% %}`` syntax.

    Text with only ``{{ name }}`` substitutions is rendered in-process by one regular
    expression pass. Anything else is parsed and checked here (syntax errors and refused
    constructs are reported without reaching a worker), then compiled and rendered in a
    limited child process (see ``worker``). ``render`` blocks for at most about
    ``limits.timeout_seconds`` on that path; call ``close`` at shutdown.
    """

    def __init__(self, *, limits: RenderLimits | None = None, max_workers: int = 4) -> None:
        self._limits = limits or RenderLimits()
        self._parser = PromptSandboxEnvironment(self._limits)
        self._runner = SandboxRunner(max_workers=max_workers)

    def close(self) -> None:
        self._runner.close()

    def render(self, content: str, values: Mapping[str, str]) -> RenderResult:
        try:
            plain = render_plain(content, values, max_output_chars=self._limits.max_output_chars)
        except LimitExceededError as error:
            raise TemplateRenderError(
                error.detail_en, error.detail_ja, reason="output_limit"
            ) from None
        if plain is not None:
            return plain

        template = self._parse(content)
        check_template(template)
        job = SandboxJob(
            content=content,
            values={name: str(value) for name, value in values.items()},
            limits=self._limits,
            newline=_newline_of(content),
        )
        outcome = self._runner.run(job)
        return _result(outcome, values=values, order=names_in_order(template))

    def _parse(self, content: str) -> nodes.Template:
        # Parsing only builds a tree; nothing is evaluated or folded until compiling,
        # which happens in the child process.
        try:
            return self._parser.parse(content)
        except JinjaSyntaxError as error:
            raise TemplateSyntaxError(
                error.message or "invalid syntax", line=error.lineno
            ) from None
        except RecursionError:
            raise TemplateRenderError(
                "The template is nested too deeply.",
                "テンプレートの入れ子が深すぎます。",
                reason="operation_limit",
            ) from None


def _result(
    outcome: SandboxOutcome, *, values: Mapping[str, str], order: Mapping[str, int]
) -> RenderResult:
    if outcome.syntax_error is not None:
        message, line = outcome.syntax_error
        raise TemplateSyntaxError(message, line=line)
    if outcome.refusal is not None:
        reason, detail_en, detail_ja = outcome.refusal
        _logger.info("template_render_refused", reason=reason)
        raise TemplateRenderError(
            detail_en, detail_ja, reason=_REASONS.get(reason, "render_failed")
        )

    def first_seen(name: str) -> tuple[int, str]:
        return order.get(name, len(order)), name

    referenced = outcome.referenced
    return RenderResult(
        text=outcome.text,
        missing=tuple(sorted((n for n in referenced if n not in values), key=first_seen)),
        unused=tuple(name for name in values if name not in referenced),
    )


def _newline_of(content: str) -> Newline:
    # Jinja rewrites every line break to one sequence; pick the one the text uses.
    return "\r\n" if "\r\n" in content else "\n"
