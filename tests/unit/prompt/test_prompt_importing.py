"""Parsing prompt collections: rows kept, bad rows reported with their line, keys stable."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter

import pytest

from autoforge.application.prompt.importing import (
    ImportFormatError,
    RejectedRow,
    parse_csv,
    parse_jsonl,
    source_key,
)
from tests.conftest import shared_data

HEADER = "act,prompt,for_devs,type\r\n"


def squashed(text: str) -> str:
    return " ".join(text.replace('"', "").split())


def test_csv_rows_map_columns_to_title_content_and_tags() -> None:
    text = (
        "\ufeff" + HEADER + 'Linux Terminal,"Act as a terminal.",FALSE,TEXT\r\n'
        'JSON Helper,"{""a"": 1}",TRUE,STRUCTURED\r\n'
        "Poster,Draw ${subject:a cat},FALSE,IMAGE\r\n"
    )

    batch = parse_csv(text)

    assert batch.rejected == ()
    assert [(row.line, row.title, row.tags) for row in batch.rows] == [
        (2, "Linux Terminal", ()),
        (3, "JSON Helper", ("for-devs", "structured")),
        (4, "Poster", ("image",)),
    ]
    assert batch.rows[1].content == '{"a": 1}'
    assert batch.rows[2].content == "Draw {{subject}}"
    assert dict(batch.rows[2].variable_defaults) == {"subject": "a cat"}


def test_csv_line_numbers_point_at_the_physical_line_where_a_record_starts() -> None:
    text = HEADER + 'One,"first\r\nsecond\nthird",FALSE,TEXT\r\nTwo,"x",FALSE,TEXT\r\n'

    batch = parse_csv(text)

    assert [row.line for row in batch.rows] == [2, 5]
    assert batch.rows[0].content == "first\nsecond\nthird"


def test_csv_bad_rows_are_rejected_with_their_line_and_good_rows_kept() -> None:
    text = (
        HEADER + 'Empty,"   ",FALSE,TEXT\r\n'
        "Short\r\n"
        f"Huge,{'x' * 60},FALSE,TEXT\r\n"
        "Fine,Hello there,FALSE,TEXT\r\n"
        "Fine,Hello there,FALSE,TEXT\r\n"
    )

    batch = parse_csv(text, max_content_chars=50)

    assert [row.title for row in batch.rows] == ["Fine"]
    assert [(row.line, row.code) for row in batch.rejected] == [
        (2, "empty_content"),
        (3, "missing_field"),
        (4, "content_too_long"),
        (6, "duplicate"),
    ]
    assert "line 5" in batch.rejected[-1].reason


def test_csv_without_a_required_column_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError) as raised:
        parse_csv("title,text\r\nA,B\r\n")

    assert raised.value.code == "IMPORT_FORMAT_ERROR"
    assert raised.value.extra["missing_columns"] == ["act", "prompt"]


def test_csv_tolerates_extra_columns_and_missing_optional_ones() -> None:
    batch = parse_csv("prompt,act,contributor\nSay hi,Greeter,someone\n")

    assert [(row.title, row.content, row.tags) for row in batch.rows] == [("Greeter", "Say hi", ())]


def test_empty_input_gives_an_empty_batch() -> None:
    assert parse_csv("").rows == ()
    assert parse_jsonl("\n\n").rows == ()


def test_a_missing_title_falls_back_to_the_first_line_clipped_to_200_characters() -> None:
    long_heading = "# " + "**Prompt** " + "word " * 60
    text = (
        HEADER + f',"\n{long_heading}\nbody",FALSE,TEXT\r\n' + ',"- make it short",FALSE,TEXT\r\n'
    )

    rows = parse_csv(text).rows

    assert 190 <= len(rows[0].title) <= 200
    assert rows[0].title.startswith("Prompt word word")
    assert rows[0].title.endswith("…")
    assert rows[1].title == "make it short"


def test_jsonl_rows_read_name_or_title_prompt_or_content_and_optional_fields() -> None:
    lines = [
        {"name": "kendo", "category": "sports", "prompt": "# 剣道\n説明して"},
        {"title": "Review", "content": "Review {code}", "tags": ["Code", "review"]},
        {"title": "T", "prompt": "P", "tags": "a, b c", "description": " why "},
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)

    rows = parse_jsonl(text).rows

    assert [(row.line, row.title, row.tags) for row in rows] == [
        (1, "kendo", ("sports",)),
        (2, "Review", ("code", "review")),
        (3, "T", ("a", "b-c")),
    ]
    assert rows[1].content == "Review {{code}}"
    assert rows[2].description == "why"


def test_jsonl_bad_lines_are_rejected_and_the_rest_kept() -> None:
    text = "\r\n".join(
        [
            '{"title": "ok", "prompt": "fine"}',
            "{not json}",
            "[1, 2]",
            '{"title": "no prompt"}',
            "",
            '{"title": "empty", "prompt": ""}',
            '{"title": "ok 2", "content": "also fine"}',
        ]
    )

    batch = parse_jsonl(text)

    assert [row.line for row in batch.rows] == [1, 7]
    assert batch.rejected == (
        RejectedRow(2, reason=batch.rejected[0].reason, code="invalid_json"),
        RejectedRow(3, reason="Each line must be a JSON object.", code="not_an_object"),
        RejectedRow(4, reason="The record has no prompt or content.", code="missing_field"),
        RejectedRow(6, reason="The prompt is empty.", code="empty_content"),
    )


def test_source_keys_are_stable_and_ignore_case_spacing_and_unicode_form() -> None:
    first = parse_jsonl('{"title": "Café  Guide", "prompt": "Plan ${city}"}').rows[0]
    again = parse_jsonl('{"title": " café guide ", "prompt": "Plan ${city}\\n"}').rows[0]
    decomposed = parse_jsonl('{"title": "Cafe\\u0301 Guide", "prompt": "Plan {{city}}"}').rows[0]
    other = parse_jsonl('{"title": "Café Guide", "prompt": "Plan ${town}"}').rows[0]

    assert first.source_key == again.source_key == decomposed.source_key
    assert other.source_key != first.source_key
    expected = hashlib.sha256("café guide\x1fPlan {{city}}".encode()).hexdigest()
    assert first.source_key == source_key("Café Guide", "Plan {{city}}") == expected


def test_the_whole_english_collection_parses_with_only_exact_duplicates_rejected() -> None:
    raw = shared_data("prompts_en.csv").read_text(encoding="utf-8")
    csv.field_size_limit(10_000_000)
    records = list(csv.DictReader(io.StringIO(raw, newline="")))
    repeats = sum(n - 1 for n in Counter((r["act"], r["prompt"]) for r in records).values())

    batch = parse_csv(raw)

    assert len(records) == 1_325
    assert len(batch.rows) + len(batch.rejected) == 1_325
    assert {row.code for row in batch.rejected} == {"duplicate"}
    assert len(batch.rejected) == repeats
    assert len({row.source_key for row in batch.rows}) == len(batch.rows)
    physical_lines = raw.replace("\r\n", "\n").split("\n")
    for row in batch.rows:
        # The record's first physical line starts with its (CSV-quoted) title.
        assert squashed(physical_lines[row.line - 1]).startswith(squashed(row.title)[:20])


def test_the_whole_english_collection_parses_the_same_twice() -> None:
    raw = shared_data("prompts_en.csv").read_text(encoding="utf-8")

    first, second = parse_csv(raw), parse_csv(raw)

    assert [row.source_key for row in first.rows] == [row.source_key for row in second.rows]


def test_the_whole_japanese_collection_parses_every_line() -> None:
    raw = shared_data("prompts_ja.jsonl").read_text(encoding="utf-8")

    batch = parse_jsonl(raw)

    assert len(batch.rows) == 36
    assert batch.rejected == ()
    assert [row.line for row in batch.rows] == list(range(1, 37))
    assert all(row.tags for row in batch.rows)
    assert any("剣道" in row.content for row in batch.rows)
