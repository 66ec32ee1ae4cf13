"""Search and filter over a collection of templates (built-in or a user's own).

Text search is substring matching, not word matching: Japanese is written without spaces,
so "議事録" must be found inside "会議の議事録を作成". Both sides are NFKC-normalised and
case-folded first, so full-width "ＳＥＯ" finds "SEO" and half-width "ﾒｰﾙ" finds "メール".
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from autoforge.domain.template.model import Template, TemplateNotFoundError

__all__ = [
    "category_counts",
    "find_template",
    "normalize",
    "search_templates",
    "tag_counts",
]


def normalize(text: str) -> str:
    """The form both a query and the searched text take before comparing."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_templates(
    templates: Iterable[Template],
    *,
    category: str | None = None,
    language: str | None = None,
    tag: str | None = None,
    text: str | None = None,
) -> tuple[Template, ...]:
    """Templates matching every given filter, in a stable order.

    Whitespace in `text` separates terms that must all appear (in any field). Templates whose
    name holds every term come first; within each group the order is by name, then id.
    """
    terms = normalize(text or "").split()
    wanted_tag = normalize(tag) if tag else None
    matches = [
        t
        for t in templates
        if (category is None or t.category == category)
        and (language is None or t.language == language)
        and (wanted_tag is None or wanted_tag in {normalize(x) for x in t.tags})
        and _matches_text(t, terms)
    ]
    return tuple(sorted(matches, key=lambda t: (not _name_matches(t, terms), _name_key(t))))


def find_template(templates: Iterable[Template], template_id: str) -> Template:
    for template in templates:
        if template.id == template_id:
            return template
    raise TemplateNotFoundError(template_id)


def category_counts(templates: Iterable[Template]) -> dict[str, int]:
    """How many templates each category holds, for a browse-by-category view."""
    return dict(sorted(Counter(t.category for t in templates).items()))


def tag_counts(templates: Iterable[Template]) -> dict[str, int]:
    """How many templates carry each (normalised) tag, most used first."""
    counts = Counter(normalize(tag) for t in templates for tag in set(t.tags))
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _matches_text(template: Template, terms: list[str]) -> bool:
    if not terms:
        return True
    haystack = normalize(
        "\n".join((template.name, template.description, *template.tags, template.content))
    )
    return all(term in haystack for term in terms)


def _name_matches(template: Template, terms: list[str]) -> bool:
    if not terms:
        return False
    name = normalize(template.name)
    return all(term in name for term in terms)


def _name_key(template: Template) -> tuple[str, str]:
    return (normalize(template.name), template.id)
