"""Variable hygiene: placeholders referenced, declared, provided, and left in odd styles.

The product renders templates with ``{{ name }}`` placeholders. Other styles found in
prompts written elsewhere — ``${name}``, ``{name}``, ``[Name]`` — are not substituted
and reach the model verbatim unless converted, so they are reported as odd.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from autoforge.domain.evaluation.quality.report import MetricResult, metric_result

__all__ = ["PlaceholderScan", "scan_placeholders", "variable_hygiene"]

_NAME = r"[^\W\d]\w*"
_CANONICAL = re.compile(rf"\{{\{{-?\s*({_NAME})(?:\.\w+)*\s*(?:\|[^{{}}\n]*)?-?\}}\}}")
_FOR_BLOCK = re.compile(rf"\{{%-?\s*for\s+({_NAME}(?:\s*,\s*{_NAME})*)\s+in\s+({_NAME})")
_IF_OR_SET = re.compile(rf"\{{%-?\s*(if|elif|set)\s+(?:not\s+)?({_NAME})")
_ODD_STYLES = (
    ("dollar", re.compile(rf"\$\{{\s*({_NAME})\s*\}}")),
    ("single_brace", re.compile(rf"(?<![{{$\\])\{{\s*({_NAME})\s*\}}(?!\}})")),
    # [Name], [YOUR_TOPIC], [Target Audience]; not [x] checkboxes, [1] citations or links.
    (
        "bracket",
        re.compile(r"\[([A-Z][A-Za-z0-9_]*(?:[ _-][A-Za-z0-9_]+){0,3})\](?![(\[:])"),
    ),
)
_UNDEFINED_PENALTY = 0.25
_UNUSED_PENALTY = 0.15
_MISSING_VALUE_PENALTY = 0.2
_ODD_PENALTY = 0.1
_ODD_PENALTY_CAP = 0.5


@dataclass(frozen=True, slots=True)
class PlaceholderScan:
    referenced: frozenset[str]
    # Names bound inside the template itself (loop variables, {% set %}).
    local: frozenset[str]
    odd: tuple[tuple[str, str], ...]


def scan_placeholders(text: str) -> PlaceholderScan:
    referenced = {m.group(1) for m in _CANONICAL.finditer(text)}
    local: set[str] = set()
    for match in _FOR_BLOCK.finditer(text):
        local.update(name.strip() for name in match.group(1).split(","))
        referenced.add(match.group(2))
    for match in _IF_OR_SET.finditer(text):
        (local if match.group(1) == "set" else referenced).add(match.group(2))

    odd: list[tuple[str, str]] = []
    for style, pattern in _ODD_STYLES:
        odd.extend((style, m.group(0)) for m in pattern.finditer(text))
    return PlaceholderScan(
        referenced=frozenset(referenced - local), local=frozenset(local), odd=tuple(odd)
    )


def variable_hygiene(
    text: str,
    *,
    declared: Collection[str] | None = None,
    provided: Collection[str] | None = None,
) -> MetricResult:
    """Score placeholders against the declared names and, when given, the provided values.

    Undefined names are those referenced but not declared (or, without a declaration,
    not provided); unused names are declared (or provided) but never referenced.
    """
    scan = scan_placeholders(text)
    known = set(declared) if declared is not None else _optional_set(provided)
    undefined = sorted(scan.referenced - known) if known is not None else []
    unused = sorted(known - scan.referenced - scan.local) if known is not None else []
    missing: list[str] = []
    if declared is not None and provided is not None:
        missing = sorted((scan.referenced & set(declared)) - set(provided))
    # One placeholder repeated ten times is one thing to convert, not ten.
    odd = list(dict.fromkeys(token for _, token in scan.odd))

    if not (scan.referenced or odd or known):
        return metric_result(
            "variable_hygiene", 1.0, en="No variables used.", ja="変数は使われていません。"
        )
    penalty = (
        _UNDEFINED_PENALTY * len(undefined)
        + _UNUSED_PENALTY * len(unused)
        + _MISSING_VALUE_PENALTY * len(missing)
        + min(_ODD_PENALTY_CAP, _ODD_PENALTY * len(odd))
    )
    en, ja = _reason(undefined=undefined, unused=unused, missing=missing, odd=odd)
    return metric_result(
        "variable_hygiene",
        1.0 - penalty,
        en=en,
        ja=ja,
        referenced=sorted(scan.referenced),
        undefined=undefined,
        unused=unused,
        missing_values=missing,
        odd_placeholders=odd[:10],
        odd_count=len(odd),
    )


def _optional_set(names: Collection[str] | None) -> set[str] | None:
    return set(names) if names is not None else None


def _reason(
    *, undefined: list[str], unused: list[str], missing: list[str], odd: list[str]
) -> tuple[str, str]:
    en: list[str] = []
    ja: list[str] = []
    if undefined:
        en.append(f"undefined: {', '.join(undefined)}")
        ja.append(f"未定義: {'、'.join(undefined)}")
    if unused:
        en.append(f"declared but unused: {', '.join(unused)}")
        ja.append(f"宣言のみで未使用: {'、'.join(unused)}")
    if missing:
        en.append(f"no value provided: {', '.join(missing)}")
        ja.append(f"値が未指定: {'、'.join(missing)}")
    if odd:
        shown = odd[:3]
        en.append(f"{len(odd)} placeholder(s) not in {{{{ name }}}} style, e.g. {', '.join(shown)}")
        ja.append(
            f"{{{{ name }}}} 形式でないプレースホルダーが{len(odd)}件（例: {'、'.join(shown)}）"
        )
    if not en:
        return "Every variable is declared and used.", "すべての変数が宣言され、使われています。"
    return "Variables: " + "; ".join(en) + ".", "変数の問題: " + "、".join(ja) + "。"
