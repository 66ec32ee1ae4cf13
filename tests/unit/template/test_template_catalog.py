from __future__ import annotations

import pytest

from autoforge.domain.template.catalog import (
    category_counts,
    find_template,
    search_templates,
    tag_counts,
)
from autoforge.domain.template.model import (
    Category,
    Language,
    Template,
    TemplateNotFoundError,
    TemplateParameter,
)


def make(
    template_id: str,
    name: str,
    *,
    category: Category = "writing",
    language: Language = "en",
    description: str = "",
    tags: tuple[str, ...] = (),
    content: str = "Text {{ x }}",
) -> Template:
    return Template(
        id=template_id,
        name=name,
        description=description,
        category=category,
        language=language,
        content=content,
        parameters=(TemplateParameter("x", "x"),),
        tags=tags,
    )


CATALOGUE = (
    make("en-a", "Proofreading", tags=("editing",)),
    make("en-b", "Blog outline", description="Outline for a blog post about SEO", tags=("blog",)),
    make("en-c", "SEO brief", category="marketing", tags=("seo", "Content")),
    make("en-d", "Ad copy", category="marketing", content="Write ads for {{ x }} with SEO words"),
    make("ja-a", "議事録の作成", category="business", language="ja", tags=("議事録", "会議")),
    make(
        "ja-b",
        "広告コピーの作成",
        category="marketing",
        language="ja",
        content="{{ x }}のキャッチコピーとメール文面を作成してください。",
    ),
    make(
        "ja-c", "日報", category="business", language="ja", description="会議も議事録もない日の日報"
    ),
)


def ids(templates: tuple[Template, ...]) -> list[str]:
    return [t.id for t in templates]


def test_no_filters_returns_everything_ordered_by_name() -> None:
    result = search_templates(reversed(CATALOGUE))

    assert ids(result) == ["en-d", "en-b", "en-a", "en-c", "ja-b", "ja-c", "ja-a"]


def test_filter_by_category() -> None:
    assert ids(search_templates(CATALOGUE, category="marketing")) == ["en-d", "en-c", "ja-b"]


def test_filter_by_language() -> None:
    # Japanese names sort by code point: 広 < 日 < 議.
    assert ids(search_templates(CATALOGUE, language="ja")) == ["ja-b", "ja-c", "ja-a"]


def test_filter_by_tag_is_case_insensitive() -> None:
    assert ids(search_templates(CATALOGUE, tag="content")) == ["en-c"]
    assert ids(search_templates(CATALOGUE, tag="SEO")) == ["en-c"]


def test_filters_combine() -> None:
    result = search_templates(CATALOGUE, category="marketing", language="en", text="ad")

    assert ids(result) == ["en-d"]


def test_text_search_puts_name_matches_first_then_the_rest_by_name() -> None:
    result = search_templates(CATALOGUE, text="seo")

    # "SEO brief" matches by name; the others only by description or content.
    assert ids(result) == ["en-c", "en-d", "en-b"]


def test_japanese_substring_query_matches_inside_words() -> None:
    # "議事" is part of ja-a's name and of ja-c's description; the name match comes first
    # even though ja-c sorts before it by name.
    assert ids(search_templates(CATALOGUE, text="議事")) == ["ja-a", "ja-c"]
    # Matched through a tag of ja-a and the description of ja-c: both by name order.
    assert ids(search_templates(CATALOGUE, text="会議")) == ["ja-c", "ja-a"]


def test_full_width_query_matches_half_width_text() -> None:
    assert ids(search_templates(CATALOGUE, text="ＳＥＯ")) == ["en-c", "en-d", "en-b"]


def test_half_width_katakana_query_matches_full_width_text() -> None:
    assert ids(search_templates(CATALOGUE, text="ﾒｰﾙ")) == ["ja-b"]


def test_every_term_of_a_multi_word_query_must_match() -> None:
    assert ids(search_templates(CATALOGUE, text="blog seo")) == ["en-b"]
    # An ideographic space separates terms as well.
    assert ids(search_templates(CATALOGUE, text="作成　議事録")) == ["ja-a"]


def test_query_without_matches_returns_nothing() -> None:
    assert search_templates(CATALOGUE, text="quantum") == ()


def test_blank_query_does_not_filter() -> None:
    assert len(search_templates(CATALOGUE, text="   ")) == len(CATALOGUE)


def test_find_template_by_id() -> None:
    assert find_template(CATALOGUE, "ja-b").name == "広告コピーの作成"


def test_find_template_raises_not_found_for_unknown_id() -> None:
    with pytest.raises(TemplateNotFoundError) as caught:
        find_template(CATALOGUE, "nope")

    assert caught.value.status == 404
    assert caught.value.extra["template_id"] == "nope"


def test_category_counts() -> None:
    assert category_counts(CATALOGUE) == {"business": 2, "marketing": 3, "writing": 2}


def test_tag_counts_are_normalised_and_most_used_first() -> None:
    catalogue = (*CATALOGUE, make("en-e", "Extra", tags=("SEO", "blog")))

    counts = tag_counts(catalogue)

    assert list(counts)[:2] == ["blog", "seo"]
    assert counts["blog"] == 2
    assert counts["seo"] == 2
    assert counts["content"] == 1
