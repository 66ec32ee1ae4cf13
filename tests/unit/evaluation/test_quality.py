"""Static prompt quality: whole reports, each metric on a targeted pair, and real prompts."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from autoforge.domain.evaluation.quality import (
    METRIC_WEIGHTS,
    QualityReport,
    analyze_prompt_quality,
    detect_language,
    estimate_tokens,
    grade_for,
    scan_placeholders,
)

KANA = re.compile(r"[\u3040-\u30ff]")
SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"

WELL_CRAFTED_EN = """You are a senior technical editor at a software company.

## Context
Our developer blog publishes release notes for Acme Cloud, a hosting platform used by
about 2,000 small businesses. The readers are busy engineers who skim.

## Task
Summarize the release notes below into a short announcement for the blog.

## Constraints
- Keep the announcement under 120 words.
- Mention every breaking change explicitly.
- Do not invent features that are not in the notes.

## Output format
Return Markdown with a one-line title, then 3 to 5 bullet points.

## Example
Input: "v2.1 adds IPv6 support; the /v1/files endpoint is removed."
Output:
# Acme Cloud 2.1: IPv6 arrives
- IPv6 is now supported on every instance.
- Breaking: the /v1/files endpoint has been removed; use /v2/files.

## Release notes
```
{{ release_notes }}
```
"""

WELL_CRAFTED_JA = """あなたは経験豊富な日本語の編集者です。

## 背景
当社は中小企業向けの会計ソフト「カイケイPro」を提供しています。読者は経理担当者で、専門用語に詳しくない方も含まれます。

## タスク
以下の更新情報を読み、ブログ向けのお知らせ文を作成してください。

## 制約
- 300文字以内で書くこと
- 仕様変更は必ず明記すること
- 更新情報にない機能を書いてはいけない

## 出力形式
Markdown形式で、1行のタイトルと3〜5個の箇条書きで出力してください。

## 例
入力: 「v2.1でCSV出力に対応。旧APIは廃止。」
出力:
# カイケイPro 2.1 のお知らせ
- CSV出力に対応しました。
- 旧APIは廃止されました。新APIをご利用ください。

## 更新情報
```
{{ release_notes }}
```
"""

VAGUE_EN = "Write something good about stuff, maybe with some nice things etc."
VAGUE_JA = "いい感じの文章を適当に書いて。"

PROSE_BRIEF = (
    "You are a travel writer. Our agency sends a newsletter to retired couples who plan "
    "slow trips through Japan in spring. Write a two-day itinerary for Kyoto that avoids "
    "crowded sights, lists one restaurant per meal with its price range, and ends with a "
    "packing tip. Keep the whole itinerary under 300 words and use plain language."
)
STRUCTURED_BRIEF = """You are a travel writer.

## Audience
Our agency's newsletter readers: retired couples planning slow spring trips through Japan.

## Task
Write a two-day itinerary for Kyoto.

## Requirements
- Avoid crowded sights.
- List one restaurant per meal with its price range.
- End with a packing tip.
- Keep it under 300 words, in plain language.
"""


def score_of(text: str, metric: str, **kwargs: object) -> float:
    return analyze_prompt_quality(text, **kwargs).metric(metric).score  # type: ignore[arg-type]


def assert_well_formed(report: QualityReport) -> None:
    assert 0.0 <= report.overall <= 1.0
    assert report.grade == grade_for(report.overall)
    assert report.high_quality == (report.overall >= 0.8)
    assert {m.name for m in report.metrics} == set(METRIC_WEIGHTS)
    for metric in report.metrics:
        assert 0.0 <= metric.score <= 1.0, metric
        assert re.search("[A-Za-z]{3}", metric.reason_en), metric.reason_en
        assert KANA.search(metric.reason_ja), metric.reason_ja


@pytest.mark.parametrize(("text", "language"), [(WELL_CRAFTED_EN, "en"), (WELL_CRAFTED_JA, "ja")])
def test_well_crafted_prompt_is_high_quality(text: str, language: str) -> None:
    report = analyze_prompt_quality(text, declared_variables=["release_notes"])

    assert report.language == language
    assert report.overall >= 0.8
    assert report.grade in {"A", "B"}
    assert report.high_quality
    assert_well_formed(report)


@pytest.mark.parametrize(("text", "language"), [(VAGUE_EN, "en"), (VAGUE_JA, "ja")])
def test_vague_one_liner_scores_low(text: str, language: str) -> None:
    report = analyze_prompt_quality(text)

    assert report.language == language
    assert report.overall < 0.5
    assert report.grade == "F"
    assert not report.high_quality
    assert report.metric("clarity").score < 0.5


METRIC_PAIRS = [
    (
        "clarity",
        "Write some good stuff about dogs, maybe tips etc.",
        "Write a 200-word guide to house-training a puppy.",
    ),
    (
        "clarity",
        "犬についていい感じに適当に書いてください。",
        "子犬のトイレの教え方を説明してください。",
    ),
    (
        "specificity",
        "Write a blog post about a city.",
        'Write a 500-word blog post about Kyoto in April 2025, naming Fushimi Inari and "Gion".',
    ),
    (
        "specificity",
        "町についてブログを書いてください。",
        "2025年4月の京都について「伏見稲荷」を含め500文字で書いてください。",
    ),
    (
        "role",
        "Review the code below for bugs.",
        "You are a senior Python reviewer. Review the code below for bugs.",
    ),
    (
        "role",
        "コードをレビューしてください。",
        "あなたは熟練したレビュアーです。コードをレビューしてください。",
    ),
    (
        "task",
        "The quarterly sales report for the northern region.",
        "Summarize the quarterly sales report for the northern region.",
    ),
    (
        "task",
        "The quarterly sales report for the northern region.",
        "Can you look at the quarterly sales report?",
    ),
    ("task", "北部地域の四半期売上報告書。", "北部地域の四半期売上報告書を要約してください。"),
    (
        "context",
        "Write an email.",
        "Our team launches a product next month. The audience is our existing customers, "
        "and the goal is to invite them to the beta. Write an email.",
    ),
    (
        "context",
        "メールを書いてください。",
        "来月新製品を発売します。対象読者は既存の顧客で、"
        "目的はベータ版への招待です。メールを書いてください。",
    ),
    (
        "output_format",
        "Name the planets.",
        "Name the planets as a JSON array of objects with name and diameter fields.",
    ),
    ("output_format", "惑星について説明してください。", "惑星について表形式で説明してください。"),
    (
        "constraints",
        "Write a product description for our headphones.",
        "Write a product description for our headphones. Keep it under 80 words. "
        "Do not mention competitors. You must include the battery life.",
    ),
    (
        "constraints",
        "ヘッドホンの商品説明を書いてください。",
        "ヘッドホンの商品説明を200文字以内で書いてください。競合製品に言及してはいけない。",
    ),
    (
        "examples",
        "Classify the sentiment of each review.",
        "Classify the sentiment of each review.\n"
        "Input: The battery died in a day.\nOutput: negative",
    ),
    (
        "examples",
        "レビューの感情を分類してください。",
        "レビューの感情を分類してください。\n入力例: 電池が1日で切れた。\n出力例: ネガティブ",
    ),
    ("structure", PROSE_BRIEF, STRUCTURED_BRIEF),
    ("length", "Translate.", PROSE_BRIEF),
    ("length", PROSE_BRIEF + "\n" + "\n".join([PROSE_BRIEF] * 5), PROSE_BRIEF),
    (
        "ambiguity",
        "Fix it. Make it better and send it to them.",
        "Fix the login bug in auth.py and send the patch to the security team.",
    ),
    (
        "ambiguity",
        "It is not unlikely that we don't want nothing changed.",
        "We want the layout kept as it is.",
    ),
    (
        "ambiguity",
        "それを直して、あれに送ってください。それが終わったらそれを報告して。",
        "ログインの不具合を直して、修正をセキュリティチームに送ってください。",
    ),
]


@pytest.mark.parametrize(("metric", "weaker", "stronger"), METRIC_PAIRS)
def test_metric_scores_the_better_prompt_higher(metric: str, weaker: str, stronger: str) -> None:
    assert score_of(stronger, metric) > score_of(weaker, metric)


@pytest.mark.parametrize(
    "text",
    [
        "The answer is not unhelpful, so don't change nothing.",
        "使えないわけではないが、直さなくはない。",
    ],
)
def test_ambiguity_detects_double_negatives(text: str) -> None:
    result = analyze_prompt_quality(text).metric("ambiguity")

    assert len(result.details["double_negatives"]) == 2  # type: ignore[arg-type]
    assert result.score < 0.6


def test_task_ranks_instruction_above_question_above_nothing() -> None:
    nothing = score_of("The quarterly sales report.", "task")
    question = score_of("Could you look at the quarterly sales report?", "task")
    instruction = score_of("Summarize the quarterly sales report.", "task")

    assert nothing < question < instruction


def test_role_stated_late_scores_below_role_stated_first() -> None:
    body = "Review the pull request for security problems and list each finding. " * 12
    early = score_of("You are a security auditor. " + body, "role")
    late = score_of(body + "You are a security auditor.", "role")

    assert 0.0 < late < early


def test_variable_hygiene_finds_undefined_and_unused_names() -> None:
    text = "Hello {{ name }}, your order {{ order_id }} ships on {{ ship_date }}."

    result = analyze_prompt_quality(text, declared_variables=["name", "order_id", "coupon"]).metric(
        "variable_hygiene"
    )

    assert result.details["undefined"] == ["ship_date"]
    assert result.details["unused"] == ["coupon"]
    assert result.score < 1.0
    assert "ship_date" in result.reason_en
    assert "coupon" in result.reason_ja


def test_variable_hygiene_is_perfect_when_declared_names_match() -> None:
    text = "Hello {{ name }}, your order {{order_id}} is ready."

    result = analyze_prompt_quality(text, declared_variables=["name", "order_id"]).metric(
        "variable_hygiene"
    )

    assert result.score == 1.0
    assert result.details["undefined"] == []
    assert result.details["unused"] == []


def test_variable_hygiene_reports_declared_names_without_a_provided_value() -> None:
    result = analyze_prompt_quality(
        "Translate {{ text }} into {{ language }}.",
        declared_variables=["text", "language"],
        provided_variables=["text"],
    ).metric("variable_hygiene")

    assert result.details["missing_values"] == ["language"]
    assert result.score < 1.0


def test_variable_hygiene_flags_placeholders_left_in_other_styles() -> None:
    text = (
        "Write about ${topic} for {audience}. Sign it as [Your Name]. See [docs](https://x.io) [1]."
    )

    scan = scan_placeholders(text)
    result = analyze_prompt_quality(text).metric("variable_hygiene")

    assert sorted(style for style, _ in scan.odd) == ["bracket", "dollar", "single_brace"]
    assert result.details["odd_placeholders"] == ["${topic}", "{audience}", "[Your Name]"]
    assert result.score < 1.0


def test_template_loop_variables_are_not_undefined() -> None:
    text = (
        "{% for item in items %}- {{ item.title }}\n{% endfor %}"
        "{% if footer %}{{ footer }}{% endif %}"
    )

    result = analyze_prompt_quality(text, declared_variables=["items", "footer"]).metric(
        "variable_hygiene"
    )

    assert result.details["undefined"] == []
    assert result.details["unused"] == []


def test_language_detection_follows_the_share_of_kana_and_kanji() -> None:
    assert detect_language("Summarize the article in three bullet points.") == "en"
    assert detect_language("この記事を3つの箇条書きで要約してください。") == "ja"
    assert detect_language("以下のPythonコードをレビューしてください: def f(x): return x") == "ja"


def test_token_estimate_counts_japanese_denser_than_english() -> None:
    japanese = "あ" * 300
    english = "word " * 240  # 1,200 characters

    assert 200 <= estimate_tokens(japanese) <= 300
    assert 250 <= estimate_tokens(english) <= 350
    assert estimate_tokens("") == 0


@pytest.mark.parametrize(
    ("overall", "grade"),
    [(1.0, "A"), (0.9, "A"), (0.8999, "B"), (0.8, "B"), (0.7, "C"), (0.6, "D"), (0.5999, "F")],
)
def test_grade_boundaries(overall: float, grade: str) -> None:
    assert grade_for(overall) == grade


def test_overall_is_the_weighted_mean_of_the_metrics() -> None:
    report = analyze_prompt_quality(PROSE_BRIEF)

    weighted = sum(METRIC_WEIGHTS[m.name] * m.score for m in report.metrics)

    assert report.overall == pytest.approx(weighted / sum(METRIC_WEIGHTS.values()), abs=1e-4)


def test_analysis_is_deterministic() -> None:
    assert analyze_prompt_quality(WELL_CRAFTED_JA) == analyze_prompt_quality(WELL_CRAFTED_JA)


def test_very_long_prompt_completes_with_scores_in_range() -> None:
    paragraph = WELL_CRAFTED_EN + WELL_CRAFTED_JA
    huge = (paragraph * (200_000 // len(paragraph) + 1))[:200_000]

    report = analyze_prompt_quality(huge)

    assert_well_formed(report)
    assert report.token_estimate > 40_000
    # The same two prompts over and over is padding.
    assert report.metric("length").score < 0.5


def test_every_shared_english_prompt_scores_within_range() -> None:
    csv.field_size_limit(10_000_000)
    with (SHARED_DATA / "prompts_en.csv").open(encoding="utf-8", newline="") as handle:
        prompts = [row["prompt"] for row in csv.DictReader(handle)]

    reports = [analyze_prompt_quality(prompt) for prompt in prompts]

    assert len(reports) > 1000
    for report in reports:
        assert_well_formed(report)


def test_every_shared_japanese_prompt_scores_within_range() -> None:
    lines = (SHARED_DATA / "prompts_ja.jsonl").read_text(encoding="utf-8").splitlines()
    prompts = [json.loads(line)["prompt"] for line in lines if line.strip()]

    reports = [analyze_prompt_quality(prompt) for prompt in prompts]

    assert len(reports) == len(prompts) > 30
    assert sum(r.language == "ja" for r in reports) > len(reports) / 2
    for report in reports:
        assert_well_formed(report)
