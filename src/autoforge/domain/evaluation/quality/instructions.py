"""Metrics of how the answer is shaped: output format, constraints and examples."""

from __future__ import annotations

import re

from autoforge.domain.evaluation.quality.report import MetricResult, metric_result
from autoforge.domain.evaluation.quality.text import (
    PromptText,
    english_terms,
    examples_of,
    japanese_terms,
    matches,
)

__all__ = ["constraints", "examples", "output_format"]

_NAMED_FORMAT = (
    english_terms(
        "json", "yaml", "xml", "csv", "html", "markdown", "table", "bullet", "bullets",
        "bulleted", "bullet points", "numbered list", "a list", "list of", "checklist",
        "heading", "headings", "code block", "schema", "key-value", "paragraph", "paragraphs",
        "sentence", "sentences", "one word", "output format", "response format",
        "following format", "this format", "template", "email", "essay", "poem", "haiku",
        "tweet", "report",
    ),
    japanese_terms(
        "箇条書き", "表形式", "表で", "表にし", "マークダウン", "見出し", "番号付き", "一覧",
        "リスト", "形式で", "フォーマット", "テンプレート", "段落", "出力形式", "回答形式",
        "以下の形式", "コードブロック", "メール", "レポート", "文章で",
    ),
)  # fmt: skip
_FORMAT_WORD = (
    english_terms("output", "format", "respond", "reply", "structure", "return"),
    japanese_terms("出力", "回答", "形式", "まとめ", "書式"),
)

_CONSTRAINT = (
    english_terms(
        "must", "must not", "mustn't", "should not", "shouldn't", "never", "always", "only",
        "do not", "don't", "avoid", "limit", "limited", "at most", "at least", "no more than",
        "no fewer than", "maximum", "minimum", "within", "exactly", "required", "strictly",
        "without", "exclude", "fewer than", "less than", "up to", "concise", "concisely",
        "brief", "briefly",
    ),
    japanese_terms(
        "以内", "以上", "未満", "してはいけない", "してはならない", "しないで", "しないこと",
        "禁止", "必ず", "絶対に", "のみ", "だけ", "厳守", "最大", "最小", "守って", "避け",
        "ないでください", "ないように", "制約", "限定", "必須", "程度",
    ),
    # 以下 is also "the following" (以下の, 以下に示す): count it only as a limit.
    re.compile(r"以下(?![のにをでは、。：:\n])"),
)  # fmt: skip
_NUMERIC_LIMIT = re.compile(
    r"\d+\s*(?:words?|characters?|chars|sentences?|bullets?|bullet points|items?|lines?"
    r"|paragraphs?|tokens?|points|examples|steps|minutes|seconds)(?![A-Za-z])"
    r"|\d+\s*(?:文字|字|語|行|件|個|項目|文|段落|つ|点|ステップ|分|秒)",
)
# A numeric limit is the clearest constraint there is, so it counts double.
_CONSTRAINT_POINTS_FOR_FULL_CREDIT = 5

_LABELLED_EXAMPLE = (
    re.compile(
        r"^[ \t]*(?:#+[ \t]*|\*\*|[-*][ \t]*)?(?:examples?|sample|example input|example output"
        r"|sample input|sample output)[ \t]*\d*[ \t]*(?:\*\*)?[ \t]*[:：]",
        re.MULTILINE,
    ),
    english_terms("here is an example", "here's an example", "for example:"),
    japanese_terms(
        "例:", "例：", "例）", "例)", "【例】", "入力例", "出力例", "回答例", "記入例", "具体例",
        "例文", "サンプル",
    ),
)  # fmt: skip
_INPUT_LABEL = re.compile(r"^[ \t]*(?:input|question|q|user|入力|質問)[ \t]*[:：]", re.M)
_OUTPUT_LABEL = re.compile(
    r"^[ \t]*(?:output|answer|a|assistant|出力|回答)[ \t]*[:：]", re.MULTILINE
)
_EXAMPLE_MENTION = (
    english_terms("for example", "for instance", "e.g.", "such as", "like this"),
    japanese_terms("例えば", "たとえば", "のような", "といった"),
)


def output_format(prompt: PromptText) -> MetricResult:
    named = examples_of(matches(prompt.lower, *_NAMED_FORMAT))
    general = examples_of(matches(prompt.lower, *_FORMAT_WORD))
    if len(named) >= 2 or (named and general):
        score = 1.0
    elif named:
        score = 0.8
    else:
        score = 0.4 if general else 0.0

    if named:
        en, ja = "The output format is stated.", "出力形式が指定されています。"
    else:
        en = "No output format is named: say JSON, a table, bullet points, a length..."
        ja = "出力形式が指定されていません。JSON・表・箇条書き・分量などを指定してください。"
    return metric_result("output_format", score, en=en, ja=ja, formats=named, cues=general)


def constraints(prompt: PromptText) -> MetricResult:
    cues = examples_of(matches(prompt.lower, *_CONSTRAINT), limit=6)
    limits = examples_of(matches(prompt.lower, _NUMERIC_LIMIT), limit=3)
    points = len(cues) + 2 * len(limits)
    score = points / _CONSTRAINT_POINTS_FOR_FULL_CREDIT
    if points == 0:
        en = "No constraints: add limits such as length, scope, or what must not be done."
        ja = "制約がありません。文字数・範囲・してはいけないことなどを加えてください。"
    elif score < 1.0:
        en = "Few constraints; add a numeric limit or an explicit must / must not."
        ja = "制約が少なめです。数値の上限や「必ず」「してはいけない」を明記してください。"
    else:
        en, ja = "Constraints and limits are explicit.", "制約や上限が明記されています。"
    return metric_result("constraints", score, en=en, ja=ja, cues=cues, numeric_limits=limits)


def examples(prompt: PromptText) -> MetricResult:
    labelled = matches(prompt.lower, *_LABELLED_EXAMPLE)
    io_pair = bool(_INPUT_LABEL.search(prompt.lower) and _OUTPUT_LABEL.search(prompt.lower))
    mentions = matches(prompt.lower, *_EXAMPLE_MENTION)
    if len(labelled) >= 2 or io_pair:
        score, en, ja = 1.0, "Worked examples are given.", "具体例（入出力例）が示されています。"
    elif labelled:
        score = 0.85
        en = "One example is given; a second, different one helps the model generalise."
        ja = "例が1つあります。傾向の異なる例をもう1つ加えると効果的です。"
    elif mentions:
        score = 0.5
        en = "Examples are only mentioned in passing; show a full input and output."
        ja = "例が文中で触れられているだけです。入力と出力の完全な例を示してください。"
    else:
        score = 0.0
        en = "No examples: a short input/output example shows what good looks like."
        ja = "例がありません。短い入力例と出力例を示すと期待する結果が伝わります。"
    return metric_result(
        "examples",
        score,
        en=en,
        ja=ja,
        labelled=len(labelled),
        input_output_pair=io_pair,
        mentions=examples_of(mentions),
    )
