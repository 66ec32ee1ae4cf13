"""Metrics of what the prompt says: clarity, specificity, role, task and context."""

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

__all__ = ["clarity", "context", "role", "specificity", "task"]

_VAGUE = (
    english_terms(
        "some", "something", "somehow", "somewhat", "stuff", "thing", "things", "etc",
        "maybe", "perhaps", "probably", "good", "nice", "great", "better", "various",
        "whatever", "kind of", "sort of", "a bit", "a lot", "lots of", "appropriate",
        "appropriately", "properly", "interesting", "and so on", "and so forth", "decent",
        "nicely", "or something",
    ),
    japanese_terms(
        "など", "なんか", "何か", "いい感じ", "良い感じ", "いいかんじ", "適当に", "適当な",
        "なるべく", "できれば", "出来れば", "ちゃんと", "しっかり", "うまく", "上手く",
        "よしなに", "適宜", "いろいろ", "色々", "ある程度", "ちょっと", "それなり",
        "なんとなく", "何となく", "とりあえず", "多少", "さまざま", "様々", "良さげ",
        "いい具合",
    ),
)  # fmt: skip
# One vague word in six words already leaves the reader guessing.
_VAGUE_DENSITY_TO_ZERO = 1 / 6

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
# "1." or "2)" opening a line numbers a list item; it says nothing concrete.
_LIST_NUMBER = re.compile(r"^[ \t]*\d+[.)](?=\s)", re.MULTILINE)
_SPECIFIC = (
    re.compile(r"[一二三四五六七八九十百千]+(?:つ|個|件|文字|字|行|章|段落|点|回|人|日|時間|分|秒|年|歳|語|文)"),
    # A capitalised word in mid-sentence is most often a name: a product, a place, a person.
    re.compile(r"(?<=[a-z,;] )[A-Z][a-z][A-Za-z0-9]*"),
    re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]+(?![A-Za-z0-9])"),
    re.compile(r"\"[^\"\n]{2,80}\"|“[^”\n]{2,80}”|`[^`\n]{1,80}`|「[^」\n]{1,80}」|『[^』\n]{1,80}』"),
    re.compile(r"https?://\S+"),
    re.compile(r"[ァ-ヺ][ァ-ヺー]{2,}"),
)  # fmt: skip
# How many concrete details a prompt of a given length should carry.
_SPECIFIC_PER_UNIT = 1 / 20
_SPECIFIC_TARGET_RANGE = (3.0, 15.0)

_ROLE = (
    english_terms(
        "you are a", "you are an", "you are the", "you're a", "you're an", "act as",
        "acting as", "pretend to be", "pretend you are", "imagine you are", "play the role",
        "take on the role", "assume the role", "your role is", "you will be a",
        "you will be an", "persona", "role:",
    ),
    japanese_terms(
        "あなたは", "あなたの役割", "として振る舞", "としてふるま", "として振舞", "になりきって",
        "になりきり", "ロールプレイ", "役割:", "役割：", "の専門家として", "プロとして",
        "役を演じ", "を演じて",
    ),
)  # fmt: skip
# A role set at the start frames everything after it; one set late frames less.
_ROLE_EARLY_CHARS = 600
_ROLE_EARLY_SHARE = 0.25

_IMPERATIVE_VERBS = (
    "write", "create", "generate", "summarize", "summarise", "explain", "list", "translate",
    "analyze", "analyse", "classify", "extract", "review", "rewrite", "answer", "provide",
    "describe", "compare", "draft", "design", "build", "produce", "return", "give",
    "identify", "suggest", "evaluate", "convert", "format", "respond", "output", "help",
    "make", "find", "calculate", "plan", "outline", "check", "fix", "correct", "improve",
    "propose", "recommend", "tell", "show", "use", "include", "ensure", "keep", "avoid",
    "read", "act", "imagine", "pretend", "develop", "implement", "compose", "edit",
    "proofread", "score", "rate", "rank", "predict", "prepare", "teach", "guide", "assist",
    "research", "reply", "solve", "debug", "refactor", "optimize", "optimise", "simulate",
)  # fmt: skip
_STRONG_TASK = (
    re.compile(
        r"(?:^|(?<=[.!?:;])\s)\s*(?:[-*+•>]+\s*|\d+[.)]\s*|\*\*)?(?:please\s+|now\s+|then\s+)?"
        rf"(?:{'|'.join(_IMPERATIVE_VERBS)})(?![A-Za-z])",
        re.MULTILINE,
    ),
    english_terms(
        "i want you to", "i need you to", "i'd like you to", "i would like you to",
        "your task is", "your job is", "your goal is", "your mission", "you will", "you should",
        "you must", "you need to", "you are to", "task:", "instructions:", "instruction:",
    ),
    japanese_terms(
        "してください", "して下さい", "してくれ", "せよ", "しなさい", "なさい", "ください",
        "下さい", "お願いします", "お願いいたします", "お願い致します", "てほしい", "て欲しい",
        "でほしい",
    ),
    # Rule lists end items with 〜すること, and requests end a sentence in the te-form.
    re.compile(r"こと(?=[。\n]|$)|[てで](?=[。！!]|$)", re.MULTILINE),
)  # fmt: skip
_WEAK_TASK = (
    english_terms("can you", "could you", "help me", "please"),
    re.compile(r"[?？]|ましょう|たい(?=[。\n]|$)", re.MULTILINE),
)

_CONTEXT_CUES = (
    english_terms(
        "context", "background", "audience", "purpose", "goal", "objective", "because",
        "so that", "in order to", "target", "situation", "scenario", "currently", "reader",
        "readers", "user", "users", "customer", "customers", "we are", "i am", "i'm", "i have",
        "our", "my", "given", "based on", "the following", "below", "here is", "here are",
        "assume",
    ),
    japanese_terms(
        "背景", "目的", "前提", "対象", "読者", "ため", "状況", "現在", "私は", "私たち", "当社",
        "弊社", "以下の", "次の", "想定", "ターゲット", "ゴール", "利用者", "ユーザー", "初心者",
        "向け", "について", "場合", "シーン",
    ),
)  # fmt: skip
_DATA_BLOCK = re.compile(r"```|\"\"\"|</[A-Za-z][\w-]*>|\{\{|\$\{|^>\s", re.MULTILINE)
_CONTEXT_TOKENS_FOR_FULL_CREDIT = 120


def clarity(prompt: PromptText) -> MetricResult:
    vague = matches(prompt.lower, *_VAGUE)
    density = len(vague) / max(prompt.units, 1.0)
    score = 1.0 - density / _VAGUE_DENSITY_TO_ZERO
    if not vague:
        return metric_result(
            "clarity", 1.0, en="No vague words found.", ja="曖昧な語は見つかりませんでした。"
        )
    quoted = examples_of(vague)
    return metric_result(
        "clarity",
        score,
        en=f"{len(vague)} vague word(s) such as {', '.join(quoted)}; say exactly what you mean.",
        ja=f"曖昧な語が{len(vague)}件あります（{'、'.join(quoted)}）。具体的な言葉に置き換えてください。",
        vague_words=quoted,
        vague_count=len(vague),
        density=round(density, 4),
    )


def specificity(prompt: PromptText) -> MetricResult:
    numbers = len(_NUMBER.findall(prompt.text)) - len(_LIST_NUMBER.findall(prompt.text))
    signals = matches(prompt.text, *_SPECIFIC)
    count = numbers + len(signals)
    low, high = _SPECIFIC_TARGET_RANGE
    target = min(high, max(low, prompt.units * _SPECIFIC_PER_UNIT))
    score = count / target
    if score >= 1.0:
        en = f"{count} concrete details (numbers, names, quoted terms)."
        ja = f"具体的な情報（数値・固有名詞・引用語句）が{count}件あります。"
    else:
        en = f"Only {count} concrete detail(s); add numbers, names or exact terms."
        ja = f"具体的な情報が{count}件しかありません。数値・固有名詞・正確な用語を加えてください。"
    return metric_result(
        "specificity",
        score,
        en=en,
        ja=ja,
        numbers=numbers,
        signals=examples_of(signals),
        signal_count=count,
        target=round(target, 2),
    )


def role(prompt: PromptText) -> MetricResult:
    found = [m for pattern in _ROLE for m in pattern.finditer(prompt.lower)]
    if not found:
        return metric_result(
            "role",
            0.0,
            en="No role or persona is stated (e.g. 'You are an experienced editor').",
            ja="役割やペルソナが書かれていません（例：「あなたは経験豊富な編集者です」）。",
        )
    first = min(found, key=lambda m: m.start())
    early = first.start() <= max(_ROLE_EARLY_CHARS, len(prompt.text) * _ROLE_EARLY_SHARE)
    cue = first.group(0)
    if early:
        return metric_result(
            "role", 1.0, en="A role is stated up front.", ja="冒頭で役割が示されています。", cue=cue
        )
    return metric_result(
        "role",
        0.7,
        en="A role is stated, but only late in the prompt; move it to the start.",
        ja="役割は示されていますが後半にあります。冒頭に移してください。",
        cue=cue,
    )


def task(prompt: PromptText) -> MetricResult:
    strong = matches(prompt.lower, *_STRONG_TASK)
    if strong:
        return metric_result(
            "task",
            1.0,
            en="The task is stated as an instruction.",
            ja="タスクが指示として明記されています。",
            cues=examples_of(strong),
        )
    weak = matches(prompt.lower, *_WEAK_TASK)
    if weak:
        return metric_result(
            "task",
            0.5,
            en="The task is only implied (a question or request); state it as an instruction.",
            ja="タスクが質問や依頼として暗に示されているだけです。指示として明記してください。",
            cues=examples_of(weak),
        )
    return metric_result(
        "task",
        0.0,
        en="No task is stated: say what the model must do.",
        ja="タスクが書かれていません。モデルに何をしてほしいかを明記してください。",
    )


def context(prompt: PromptText) -> MetricResult:
    cues = examples_of(matches(prompt.lower, *_CONTEXT_CUES), limit=4)
    has_data = _DATA_BLOCK.search(prompt.text) is not None
    body = min(1.0, prompt.token_estimate / _CONTEXT_TOKENS_FOR_FULL_CREDIT)
    score = 0.2 * len(cues) + (0.2 if has_data else 0.0) + 0.4 * body
    if score >= 0.8:
        en, ja = "Background and purpose are given.", "背景や目的が示されています。"
    else:
        en = "Little context: say who it is for, why, and what material to use."
        ja = "文脈が不足しています。対象読者・目的・使う資料を示してください。"
    return metric_result("context", score, en=en, ja=ja, cues=cues, has_input_block=has_data)
