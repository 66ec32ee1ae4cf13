"""Prompt templates: a text with named `{{ placeholders }}` that users fill to start a prompt.

Filling is plain placeholder replacement in one pass. No template logic runs, and a value
that itself contains `{{ something }}` is inserted literally, so user input can never pull
in another parameter or execute anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeGuard, get_args

from autoforge.domain.errors import InvalidInputError, NotFoundError

__all__ = [
    "CATEGORIES",
    "LANGUAGES",
    "Category",
    "Instantiation",
    "InvalidTemplateError",
    "Language",
    "MissingTemplateParametersError",
    "Template",
    "TemplateNotFoundError",
    "TemplateParameter",
    "instantiate",
    "is_category",
    "is_language",
    "placeholders",
    "validate_template",
]

Language = Literal["en", "ja"]
Category = Literal[
    "marketing",
    "software",
    "customer_support",
    "education",
    "legal",
    "hr",
    "data_analysis",
    "writing",
    "research",
    "translation",
    "sales",
    "finance",
    "healthcare",
    "product",
    "business",
]
LANGUAGES: Final[tuple[str, ...]] = get_args(Language)
CATEGORIES: Final[tuple[str, ...]] = get_args(Category)

# A parameter name is identifier-like; Unicode letters are allowed so Japanese users can
# name their own parameters in Japanese (`{{ 商品名 }}`).
_NAME = r"[^\W\d]\w*"
_NAME_RE: Final = re.compile(_NAME)
_PLACEHOLDER_RE: Final = re.compile(rf"\{{\{{\s*({_NAME})\s*\}}\}}")
# Anything between double braces, to catch `{{ a b }}` or `{{ x | upper }}`: those would be
# left untouched by filling and look like a parameter to the user, so saving them is refused.
_BRACED_RE: Final = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")


def is_category(value: str) -> TypeGuard[Category]:
    return value in CATEGORIES


def is_language(value: str) -> TypeGuard[Language]:
    return value in LANGUAGES


class InvalidTemplateError(InvalidInputError):
    code = "INVALID_TEMPLATE"


class MissingTemplateParametersError(InvalidInputError):
    code = "MISSING_TEMPLATE_PARAMETERS"

    def __init__(self, *, template_id: str, missing: Sequence[str]) -> None:
        names = ", ".join(missing)
        super().__init__(
            f"Template '{template_id}' needs values for: {names}.",
            f"テンプレート「{template_id}」に次のパラメータの値が必要です: {names}",
            extra={"template_id": template_id, "missing": list(missing)},
        )


class TemplateNotFoundError(NotFoundError):
    code = "TEMPLATE_NOT_FOUND"

    def __init__(self, template_id: str) -> None:
        super().__init__(
            f"No template with id '{template_id}'.",
            f"ID「{template_id}」のテンプレートはありません。",
            extra={"template_id": template_id},
        )


@dataclass(frozen=True, slots=True)
class TemplateParameter:
    name: str
    description: str
    required: bool = True
    default: str | None = None
    example: str | None = None

    def __post_init__(self) -> None:
        if not _NAME_RE.fullmatch(self.name):
            raise InvalidTemplateError(
                f"Parameter name '{self.name}' must start with a letter and use only letters, "
                "digits and underscores.",
                f"パラメータ名「{self.name}」は文字で始め、文字・数字・アンダースコアのみを"
                "使ってください。",
                extra={"parameter": self.name},
            )
        if self.required and self.default is not None:
            # A default makes a value optional; allowing both would leave users guessing
            # whether they must fill it in.
            raise InvalidTemplateError(
                f"Parameter '{self.name}' is required and cannot also have a default.",
                f"パラメータ「{self.name}」は必須のため、既定値を設定できません。",
                extra={"parameter": self.name},
            )


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    name: str
    description: str
    category: Category
    language: Language
    content: str
    parameters: tuple[TemplateParameter, ...] = ()
    tags: tuple[str, ...] = ()
    builtin: bool = False

    def __post_init__(self) -> None:
        problems = _field_problems(self)
        if problems:
            en = "; ".join(p[0] for p in problems)
            ja = "、".join(p[1] for p in problems)
            raise InvalidTemplateError(
                f"Template '{self.id}' is invalid: {en}.",
                f"テンプレート「{self.id}」が正しくありません: {ja}",
                extra={"template_id": self.id, "problems": [p[0] for p in problems]},
            )

    def parameter(self, name: str) -> TemplateParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def _field_problems(template: Template) -> list[tuple[str, str]]:
    """Each problem in English and Japanese."""
    problems: list[tuple[str, str]] = []
    if not _ID_RE.fullmatch(template.id):
        problems.append(
            ("id must be 1-128 letters, digits or '-_.:'", "IDは英数字と -_.: の1〜128文字です")
        )
    if not template.name.strip():
        problems.append(("name is empty", "名前が空です"))
    if template.language not in LANGUAGES:
        problems.append((f"unknown language '{template.language}'", "言語は en か ja です"))
    if template.category not in CATEGORIES:
        problems.append(
            (f"unknown category '{template.category}'", f"不明なカテゴリ「{template.category}」")
        )
    names = [p.name for p in template.parameters]
    duplicates = ", ".join(sorted({n for n in names if names.count(n) > 1}))
    if duplicates:
        problems.append(
            (f"duplicate parameters: {duplicates}", f"パラメータが重複しています: {duplicates}")
        )
    return problems


@dataclass(frozen=True, slots=True)
class Instantiation:
    """The filled text, and the names of supplied values the template does not declare."""

    text: str
    unused: tuple[str, ...] = ()


def placeholders(content: str) -> tuple[str, ...]:
    """Names of the `{{ name }}` placeholders in content, in order of first appearance."""
    return tuple(dict.fromkeys(_PLACEHOLDER_RE.findall(content)))


def validate_template(template: Template) -> None:
    """Check that content and declared parameters agree; raise InvalidTemplateError if not."""
    used = placeholders(template.content)
    declared = [p.name for p in template.parameters]
    undeclared = [name for name in used if name not in declared]
    unused = [name for name in declared if name not in used]
    malformed = [
        match.group(0)
        for match in _BRACED_RE.finditer(template.content)
        if not _PLACEHOLDER_RE.fullmatch(match.group(0))
    ]
    if not (undeclared or unused or malformed or not template.content.strip()):
        return

    raise InvalidTemplateError(
        _describe_problems(undeclared, unused, malformed, language="en"),
        _describe_problems(undeclared, unused, malformed, language="ja"),
        extra={
            "template_id": template.id,
            "undeclared": undeclared,
            "unused": unused,
            "malformed": malformed,
            "empty": not template.content.strip(),
        },
    )


def _describe_problems(
    undeclared: list[str], unused: list[str], malformed: list[str], *, language: Language
) -> str:
    ja = language == "ja"
    parts: list[str] = []
    if undeclared:
        label = "未定義のプレースホルダー" if ja else "placeholders not declared as parameters"
        parts.append(f"{label}: {', '.join(undeclared)}")
    if unused:
        label = "本文で使われていないパラメータ" if ja else "parameters not used in the content"
        parts.append(f"{label}: {', '.join(unused)}")
    if malformed:
        label = "形式が正しくないプレースホルダー" if ja else "malformed placeholders"
        parts.append(f"{label}: {', '.join(malformed)}")
    if not parts:
        parts.append("本文が空です" if ja else "the content is empty")
    return ("テンプレートが正しくありません。" if ja else "Invalid template: ") + "; ".join(parts)


def instantiate(
    template: Template, values: Mapping[str, str], *, max_chars: int = 200_000
) -> Instantiation:
    """Fill every placeholder, using defaults (or nothing) for omitted optional parameters.

    A required parameter given only whitespace counts as missing: it would produce a
    prompt with a hole in it. The size of the result is computed before it is built, so
    a large value repeated by many placeholders is refused without being copied.
    """
    missing = [
        p.name for p in template.parameters if p.required and not values.get(p.name, "").strip()
    ]
    if missing:
        raise MissingTemplateParametersError(template_id=template.id, missing=missing)

    filled = {p.name: _value_for(p, values) for p in template.parameters}
    size = len(template.content) + sum(
        len(filled.get(m.group(1), m.group(0))) - len(m.group(0))
        for m in _PLACEHOLDER_RE.finditer(template.content)
    )
    if size > max_chars:
        raise InvalidInputError(
            f"The filled template would have {size:,} characters; the limit is {max_chars:,}.",
            f"展開後のテンプレートは {size:,} 文字になります。上限は {max_chars:,} 文字です。",
            code="PROMPT_TOO_LARGE",
            extra={"length": size, "limit": max_chars},
        )
    text = _PLACEHOLDER_RE.sub(lambda m: filled.get(m.group(1), m.group(0)), template.content)
    declared = {p.name for p in template.parameters}
    return Instantiation(text=text, unused=tuple(sorted(set(values) - declared)))


def _value_for(parameter: TemplateParameter, values: Mapping[str, str]) -> str:
    if parameter.name in values:
        return values[parameter.name]
    return parameter.default or ""
