"""The result of rendering a prompt template, and the ways rendering can be refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from autoforge.domain.errors import InvalidInputError

__all__ = [
    "MissingTemplateVariablesError",
    "RefusalReason",
    "RenderResult",
    "TemplateRenderError",
    "TemplateSyntaxError",
]

# Why a template was refused; stable values, also carried in the error's ``extra``.
RefusalReason = Literal[
    "unsafe_attribute",
    "unsupported_syntax",
    "operation_limit",
    "loop_limit",
    "output_limit",
    "memory_limit",
    "timeout",
    "render_failed",
]


@dataclass(frozen=True, slots=True)
class RenderResult:
    """Rendered text plus the bookkeeping a caller needs to decide what to do with it.

    ``missing`` are names the template reads that no value was given for (the renderer
    leaves them visible as ``{{ name }}`` in ``text``); ``unused`` are values the template
    never reads. Both keep the order in which the names first appear.
    """

    text: str
    missing: tuple[str, ...] = ()
    unused: tuple[str, ...] = ()

    def require_complete(self) -> str:
        """The text, or MissingTemplateVariablesError when a variable had no value."""
        if self.missing:
            raise MissingTemplateVariablesError(self.missing)
        return self.text


class TemplateRenderError(InvalidInputError):
    """The template was refused or could not be rendered; nothing of it was executed."""

    code = "TEMPLATE_RENDER_ERROR"
    title_en = "Template could not be rendered"
    title_ja = "テンプレートを展開できませんでした"

    def __init__(self, detail_en: str, detail_ja: str, *, reason: RefusalReason) -> None:
        super().__init__(detail_en, detail_ja, extra={"reason": reason})
        self.reason: RefusalReason = reason


class TemplateSyntaxError(TemplateRenderError):
    code = "TEMPLATE_SYNTAX_ERROR"
    title_en = "Template syntax error"
    title_ja = "テンプレートの構文エラー"

    def __init__(self, message: str, *, line: int | None) -> None:
        where_en = f"line {line}: " if line is not None else ""
        where_ja = f"{line} 行目: " if line is not None else ""
        super().__init__(
            f"The template has a syntax error at {where_en}{message}",
            f"テンプレートに構文エラーがあります（{where_ja}{message}）",
            reason="unsupported_syntax",
        )
        self.line = line
        self.extra["line"] = line


class MissingTemplateVariablesError(InvalidInputError):
    code = "MISSING_VARIABLES"
    title_en = "Template variables missing"
    title_ja = "テンプレート変数が不足しています"

    def __init__(self, missing: Sequence[str]) -> None:
        names = ", ".join(missing)
        super().__init__(
            f"No value was given for: {names}.",
            f"次の変数に値が指定されていません: {names}",
            extra={"missing": list(missing)},
        )
        self.missing = tuple(missing)
