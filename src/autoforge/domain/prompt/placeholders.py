"""Turning the placeholder styles of collected prompts into ``{{name}}`` variables.

Prompts gathered from the public use ``${name}``, ``${name:default}``, ``{name}`` and
``[Your Name]`` for the parts a user fills in. Only ``${...}`` is unambiguous; single braces
and square brackets are just as often code, JSON, Markdown, song sections (``[Chorus]``),
menu items (``[ファイル]``) or a template the *model* is asked to fill. So the rules are
deliberately conservative:

* ``${label}`` and ``${label:default}`` are converted wherever the label reads as a name.
  A bare ``${x}`` is left alone where it is most often the language's own interpolation:
  in a fenced block of a language where ``${x}`` is native syntax (JavaScript, shell ...)
  and inside a backtick string on a line that reads as code (an assignment, a call, a
  statement ending in ``;``). The ``${label:default}`` form is not JavaScript, so it is
  converted there too. Shell expansions (``${x:-y}``) never are.
* ``{label}`` and ``[label]`` are converted only in prompts that hold no code (no fences,
  no inline code with braces, no JSON document, no f-strings) and that do not already mark
  variables with ``${}`` or ``{{}}``: when an author chose a variable syntax, the other
  brackets are text. One-character labels (``{n}``, ``[x]``) are counters or indices.
  ``{like this}`` right after the words "brackets"/"braces" describes the notation and is
  left alone. A bracket needs a fill-in cue: ``[Your ...]``, ``[Insert ...]``,
  ``[Enter ...]``, ``[Paste ... here]``, ``[あなたの...]``, ``[...を入力]``; so checkboxes,
  citations, links and section tags never match.
* ``{{...}}`` is never touched.

A label that is already an identifier is kept as written (``${projectName}``); a label of
several words becomes lowercase snake_case (``${Target Language}`` ->
``{{target_language}}``). Letters of any script are kept, so Japanese labels stay Japanese.
Bracket labels are prose and always lowercased (``[INSERT COMPANY NAME]`` ->
``{{company_name}}``). The first default given for a name wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from autoforge.domain.prompt.variables import extract_variables, is_variable_name

__all__ = [
    "PlaceholderConversion",
    "convert_placeholders",
    "normalize_placeholders",
    "placeholder_name",
]

_DOLLAR_NATIVE_LANGUAGES = frozenset(
    {
        "javascript", "js", "jsx", "mjs", "cjs", "node", "typescript", "ts", "tsx",
        "vue", "svelte", "bash", "sh", "shell", "zsh", "ksh", "console", "shell-session",
        "powershell", "ps1", "pwsh", "kotlin", "kt", "groovy", "gradle", "dart", "php",
        "perl", "pl", "makefile", "make", "dockerfile", "docker", "hcl", "terraform",
        "tf", "nix", "scala",
    }
)  # fmt: skip

_FILL_VERBS = frozenset({"insert", "enter", "paste", "add"})
_CONNECTIVES = frozenset({"or", "and"})
_MAX_DOLLAR_WORDS = 10
_MAX_LOOSE_WORDS = 4
_NOTATION_WINDOW = 40

_CANDIDATE = re.compile(
    r"(?<![\\${])\$\{(?P<dollar>[^{}\n]{1,500})\}"
    r"|(?<![\w$\\^{%#@])\{(?P<brace>[^\W\d][\w\- ]{0,79})\}(?!\})"
    r"|(?<![\w\]\\!{])\[(?P<bracket>[^\[\]\n]{1,80})\](?![(\[:])"
)
_FENCE_LINE = re.compile(r"^[ \t]{0,3}(?P<marker>`{3,}|~{3,})(?P<info>[^\n]*)$", re.MULTILINE)
_LABEL = re.compile(r"[\w\- ]+")
_WORD_SEPARATOR = re.compile(r"[\s\-]+")
_SHELL_EXPANSION_DEFAULT = re.compile(r"^[-=?+]")
_DOLLAR_LABEL_START = re.compile(r"\$\{\s*[^\W\d]")
_NOTATION_WORD = re.compile(r"(?i)bracket|brace")
_JAPANESE_FILL = re.compile(
    r"^(?:ここに)?(?P<label>.+?)(?:を入力してください|を入力|を記入|を貼り付け(?:て)?)$"
)
_CODE_LINE = re.compile(r"=|\breturn\b|console\.|\(\s*`|[;,]\s*$")
_CODE_HINT = re.compile(
    r"`[^`\n]*[{}\[\]][^`\n]*`"
    r"|\bf[\"'][^\"'\n]*\{"
    r"|\.format\("
    r"|=>"
    r"|^\s*(?:def \w+\(|class \w+[:(]|import \w|from [\w.]+ import |(?:const|let|var) \w+ =)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class PlaceholderConversion:
    """The converted text, the defaults found in ``${name:default}``, and how many changed."""

    content: str
    defaults: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    converted: int = 0


@dataclass(frozen=True, slots=True)
class _Fence:
    start: int
    end: int
    language: str


def normalize_placeholders(content: str) -> str:
    """``content`` with its placeholders rewritten as ``{{name}}``."""
    return convert_placeholders(content).content


def convert_placeholders(content: str) -> PlaceholderConversion:
    """Rewrite placeholders as ``{{name}}`` and collect the defaults they carried."""
    if not any(mark in content for mark in ("${", "{", "[")):
        return PlaceholderConversion(content=content)

    fences = _fences(content)
    loose = _allows_loose_styles(content, fences=fences)
    defaults: dict[str, str] = {}
    converted = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal converted
        name = _converted_name(match, content=content, fences=fences, loose=loose)
        if name is None:
            return match.group(0)

        converted += 1
        default = _dollar_default(match.group("dollar"))
        if default is not None:
            defaults.setdefault(name, default)
        return "{{" + name + "}}"

    text = _CANDIDATE.sub(replace, content)
    return PlaceholderConversion(
        content=text, defaults=MappingProxyType(defaults), converted=converted
    )


def placeholder_name(label: str, *, max_words: int = _MAX_DOLLAR_WORDS) -> str | None:
    """The variable name for a placeholder label, or None when it does not read as one."""
    label = label.strip().replace("'", "").replace("’", "")
    if is_variable_name(label):
        return label
    if not _LABEL.fullmatch(label):
        return None

    words = [word for word in _WORD_SEPARATOR.split(label) if word]
    if not words or len(words) > max_words:
        return None
    name = "_".join(word.lower() for word in words)
    return name if is_variable_name(name) else None


def _converted_name(
    match: re.Match[str], *, content: str, fences: list[_Fence], loose: bool
) -> str | None:
    dollar = match.group("dollar")
    if dollar is not None:
        return _dollar_name(dollar, content=content, position=match.start(), fences=fences)
    if not loose:
        return None

    brace = match.group("brace")
    if brace is not None:
        if _describes_notation(content, match.start()):
            return None
        return _loose_name(brace)
    label = _bracket_label(match.group("bracket"))
    return None if label is None else _loose_name(label.lower())


def _dollar_name(inner: str, *, content: str, position: int, fences: list[_Fence]) -> str | None:
    label, separator, default = inner.partition(":")
    if separator:
        return None if _SHELL_EXPANSION_DEFAULT.match(default) else placeholder_name(label)
    if _fence_language(position, fences) in _DOLLAR_NATIVE_LANGUAGES:
        return None
    if _in_code_template_literal(content, position):
        return None
    return placeholder_name(label)


def _loose_name(label: str) -> str | None:
    name = placeholder_name(label, max_words=_MAX_LOOSE_WORDS)
    return name if name is not None and len(name) > 1 else None


def _in_code_template_literal(content: str, position: int) -> bool:
    line_start = content.rfind("\n", 0, position) + 1
    if content.count("`", line_start, position) % 2 == 0:
        return False
    line_end = content.find("\n", position)
    line = content[line_start : len(content) if line_end < 0 else line_end]
    return _CODE_LINE.search(line) is not None


def _dollar_default(inner: str | None) -> str | None:
    if inner is None or ":" not in inner:
        return None
    return inner.partition(":")[2].strip()


def _bracket_label(inner: str) -> str | None:
    japanese = _japanese_bracket_label(inner)
    if japanese is not None:
        return japanese

    words = inner.split()
    if not words:
        return None
    if words[0].lower() in _FILL_VERBS:
        words = words[1:]
    elif words[0].lower() != "your":
        return None
    if words and words[-1].lower() == "here":
        words = words[:-1]
    if not words or words[0].lower() in _CONNECTIVES:
        return None
    return " ".join(words)


def _japanese_bracket_label(inner: str) -> str | None:
    label = inner.strip()
    if label.startswith("あなたの") and len(label) > len("あなたの"):
        return label
    match = _JAPANESE_FILL.match(label)
    return match.group("label") if match else None


def _describes_notation(content: str, position: int) -> bool:
    line_start = content.rfind("\n", 0, position) + 1
    window = content[max(line_start, position - _NOTATION_WINDOW) : position]
    return _NOTATION_WORD.search(window) is not None


def _allows_loose_styles(content: str, *, fences: list[_Fence]) -> bool:
    # Single braces and brackets are only trusted in plain prose that has no other
    # variable syntax; anywhere else they are far more often code or model-facing text.
    if fences or _DOLLAR_LABEL_START.search(content) or extract_variables(content):
        return False
    stripped = content.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]":
        return False
    return _CODE_HINT.search(content) is None


def _fences(content: str) -> list[_Fence]:
    fences: list[_Fence] = []
    opener: re.Match[str] | None = None
    for line in _FENCE_LINE.finditer(content):
        if opener is None:
            opener = line
            continue
        marker, opening_marker = line.group("marker"), opener.group("marker")
        closes = marker[0] == opening_marker[0] and len(marker) >= len(opening_marker)
        if closes and not line.group("info").strip():
            fences.append(_fence(opener, end=line.end()))
            opener = None
    if opener is not None:
        fences.append(_fence(opener, end=len(content)))
    return fences


def _fence(opener: re.Match[str], *, end: int) -> _Fence:
    info = opener.group("info").strip().split()
    return _Fence(start=opener.start(), end=end, language=info[0].lower() if info else "")


def _fence_language(position: int, fences: list[_Fence]) -> str | None:
    for fence in fences:
        if fence.start <= position < fence.end:
            return fence.language
    return None
