"""Redaction of personal data and secrets from text and nested values.

Used by the log pipeline on every event, and reusable wherever text may carry what must
not be stored or shown (event payloads, error details, health reports). The patterns
lean towards over-redaction for secrets and towards precision for numbers: card numbers
must pass the Luhn check and start like a real card network, so ids, counters and
timestamps survive untouched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "API_KEY_MARKER",
    "CARD_MARKER",
    "EMAIL_MARKER",
    "PHONE_MARKER",
    "SECRET_MARKER",
    "TOKEN_MARKER",
    "is_secret_key",
    "redact_for_log",
    "redact_text",
    "redact_value",
]

EMAIL_MARKER = "[REDACTED_EMAIL]"
PHONE_MARKER = "[REDACTED_PHONE]"
API_KEY_MARKER = "[REDACTED_API_KEY]"
TOKEN_MARKER = "[REDACTED_TOKEN]"  # noqa: S105 - a placeholder, not a credential
CARD_MARKER = "[REDACTED_CARD]"
SECRET_MARKER = "[REDACTED_SECRET]"  # noqa: S105 - a placeholder, not a credential

# Japanese text often carries full-width digits and dashes; they are matched like ASCII.
_D = "[0-9０-９]"
_DASH = "[-‐‑–－]"
_SEP = "[-‐‑–－ 　]"
# A number must not be glued to another letter, digit or dash (ASCII on purpose: Japanese
# characters directly before a phone number are common and must not block the match).
_START = r"(?<![0-9A-Za-z_０-９.\-])"
_END = r"(?![0-9A-Za-z_０-９\-])"

_URL_CREDENTIALS = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)?")
_BEARER = re.compile(r"(?i)\b(?P<scheme>bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/-]{8,}=*)")
_API_KEYS = re.compile(
    r"\b(?:"
    r"sk-ant-[A-Za-z0-9_-]{10,}"  # Anthropic
    r"|(?:sk|pk)-lf-[A-Za-z0-9-]{8,}"  # Langfuse
    r"|sk-[A-Za-z0-9_-]{16,}"  # OpenAI and compatible
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"  # GitHub
    r"|AIza[0-9A-Za-z_-]{30,}"  # Google
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r")"
)
# key=value or key: value where the key names a secret; the value may carry an auth scheme.
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)(?P<key>\b[A-Za-z0-9_.-]{0,40}?(?:password|passwd|pwd|passphrase|secret|token|"
    r"api[_-]?key|access[_-]?key|private[_-]?key|authorization|auth|cookie|credentials?))"
    r"(?P<sep>[\"']?\s*[=:]\s*[\"']?)"
    r"(?P<value>(?:(?:bearer|basic|token)\s+)?[^\s\"'&,;]+)"
)
# Any key=value whose value looks like a long random hex or base64 string.
_OPAQUE_ASSIGNMENT = re.compile(
    r"(?P<key>\b[A-Za-z][A-Za-z0-9_.-]{0,63})(?P<sep>[\"']?\s*[=:]\s*[\"']?)"
    r"(?P<value>[A-Za-z0-9+/_-]{32,}={0,2})(?![A-Za-z0-9+/=_-])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(rf"{_START}{_D}(?:[ 　]?{_DASH}?[ 　]?{_D}){{12,18}}{_END}")
_PHONE_INTERNATIONAL = re.compile(
    rf"(?<![0-9A-Za-z_０-９])[+＋]{_D}{{1,3}}(?:{_SEP}?\(?{_D}{{1,4}}\)?){{2,5}}{_END}"
)
_PHONE_JAPAN = re.compile(
    rf"{_START}[0０]{_D}{{1,4}}(?:{_SEP}|\(){_D}{{1,4}}(?:{_SEP}|\)){_D}{{3,4}}{_END}"
    rf"|{_START}[0０][5789５７８９][0０]{_D}{{8}}{_END}"
)
_PHONE_NORTH_AMERICA = re.compile(
    rf"{_START}(?:\([2-9]\d{{2}}\)[ ]?|[2-9]\d{{2}}[.-])\d{{3}}[.-]\d{{4}}{_END}"
)

# Card network prefixes (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro).
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|30[0-5]|3[68]|6011|64[4-9]|65|35|62|5[06-8])")

_ALWAYS_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "secrets", "authorization"}
    | {"cookie", "cookies", "credential", "credentials", "cvv", "cvc"}
)
_TRAILING_SECRET_WORDS = frozenset({"token", "auth", "apikey", "signature", "jwt", "bearer"})
_TRAILING_SECRET_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key")}
    | {("signing", "key"), ("encryption", "key"), ("card", "number")}
)
_PUBLIC_KEY_SUFFIXES = ("id", "ids", "hash", "digest", "checksum", "etag", "sha1", "sha256")
_KEY_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def redact_text(text: str) -> str:
    """Return `text` with secrets and personal data replaced by markers."""
    if not text:
        return text

    text = _URL_CREDENTIALS.sub(rf"\g<head>{SECRET_MARKER}@", text)
    text = _SECRET_ASSIGNMENT.sub(rf"\g<key>\g<sep>{SECRET_MARKER}", text)
    text = _JWT.sub(TOKEN_MARKER, text)
    text = _BEARER.sub(_replace_credentials, text)
    text = _API_KEYS.sub(API_KEY_MARKER, text)
    text = _OPAQUE_ASSIGNMENT.sub(_replace_opaque_value, text)
    text = _EMAIL.sub(EMAIL_MARKER, text)
    text = _CARD.sub(_replace_card, text)
    text = _PHONE_INTERNATIONAL.sub(_replace_international_phone, text)
    text = _PHONE_JAPAN.sub(_replace_japanese_phone, text)
    return _PHONE_NORTH_AMERICA.sub(PHONE_MARKER, text)


def redact_value(value: Any) -> Any:
    """Redact strings anywhere inside `value`; containers keep their type.

    Values under keys that name a secret (password, token, api_key, ...) are replaced
    whole, unless they are numbers or booleans (token counts are not secrets).
    """
    return _redact(value, stringify_unknown=False)


def redact_for_log(value: Any) -> Any:
    """Like `redact_value`, but objects that a renderer would stringify are redacted as text."""
    return _redact(value, stringify_unknown=True)


def is_secret_key(key: str) -> bool:
    """True when a mapping key names something secret (``db_password``, ``X-Api-Key``...)."""
    words = [word.lower() for word in _KEY_WORD_SPLIT.split(key) if word]
    if not words:
        return False
    if _ALWAYS_SECRET_WORDS.intersection(words):
        return True
    if words[-1] in _TRAILING_SECRET_WORDS:
        return True
    return len(words) >= 2 and (words[-2], words[-1]) in _TRAILING_SECRET_PAIRS


# A log line carries no more of one text than this; a longer one (a pasted prompt, a
# hostile URL) is cut before redaction so neither the scan nor the line grows without bound.
LOG_TEXT_LIMIT = 8_192


def _redact(value: Any, *, stringify_unknown: bool) -> Any:
    if isinstance(value, str):
        if stringify_unknown and len(value) > LOG_TEXT_LIMIT:  # the log flavour
            value = f"{value[:LOG_TEXT_LIMIT]}…[{len(value) - LOG_TEXT_LIMIT} more characters]"
        return redact_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return _redact_mapping(value, stringify_unknown=stringify_unknown)
    if isinstance(value, list | tuple | set | frozenset):
        return _redact_collection(value, stringify_unknown=stringify_unknown)
    if isinstance(value, bytes | bytearray):
        return redact_text(bytes(value).decode("utf-8", errors="replace"))
    return redact_text(str(value)) if stringify_unknown else value


def _redact_collection(
    collection: list[Any] | tuple[Any, ...] | set[Any] | frozenset[Any], *, stringify_unknown: bool
) -> Any:
    items = [_redact(item, stringify_unknown=stringify_unknown) for item in collection]
    if isinstance(collection, list):
        return items
    if hasattr(collection, "_fields"):  # a named tuple takes its fields positionally
        return type(collection)(*items)
    return type(collection)(items)


def _redact_mapping(mapping: Mapping[Any, Any], *, stringify_unknown: bool) -> dict[Any, Any]:
    redacted: dict[Any, Any] = {}
    for key, item in mapping.items():
        if isinstance(key, str) and is_secret_key(key) and _is_sensitive_payload(item):
            redacted[redact_text(key)] = SECRET_MARKER
            continue
        new_key = redact_text(key) if isinstance(key, str) else key
        redacted[new_key] = _redact(item, stringify_unknown=stringify_unknown)
    return redacted


def _is_sensitive_payload(value: Any) -> bool:
    # Numbers under a secret-looking key are counts (``token_budget``), not secrets; an
    # empty value discloses nothing and keeps "was it set?" visible in logs.
    if value is None or isinstance(value, bool | int | float):
        return False
    return not (isinstance(value, str) and not value)


def _replace_credentials(match: re.Match[str]) -> str:
    # "Bearer authentication" in prose is a word, not a credential: real tokens mix in
    # digits, capitals or punctuation.
    if match["value"].isalpha() and match["value"].islower():
        return match[0]
    return f"{match['scheme']} {TOKEN_MARKER}"


def _replace_opaque_value(match: re.Match[str]) -> str:
    key, value = match["key"], match["value"]
    # Identifiers and digests (request_id, content_hash) are long hex on purpose, not secrets.
    if key.lower().endswith(_PUBLIC_KEY_SUFFIXES):
        return match[0]
    if not _looks_random(value):
        return match[0]
    return f"{key}{match['sep']}{SECRET_MARKER}"


def _looks_random(value: str) -> bool:
    if value.startswith("/"):
        return False  # a file path, not a secret
    has_digit = any(ch.isdigit() for ch in value)
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return has_digit and any(ch.isalpha() for ch in value)
    has_upper = any(ch.isupper() for ch in value)
    has_lower = any(ch.islower() for ch in value)
    return has_digit and has_upper and has_lower


def _replace_card(match: re.Match[str]) -> str:
    digits = _digits(match[0])
    if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and _luhn_valid(digits):
        return CARD_MARKER
    return match[0]


def _replace_international_phone(match: re.Match[str]) -> str:
    # E.164 allows at most 15 digits; fewer than 8 is more likely arithmetic than a phone.
    return PHONE_MARKER if 8 <= len(_digits(match[0])) <= 15 else match[0]


def _replace_japanese_phone(match: re.Match[str]) -> str:
    # Japanese numbers are 10 digits (landline, toll-free) or 11 (mobile, IP phone).
    return PHONE_MARKER if len(_digits(match[0])) in (10, 11) else match[0]


def _digits(text: str) -> str:
    return "".join(str(int(ch)) for ch in text if ch.isdecimal())


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
