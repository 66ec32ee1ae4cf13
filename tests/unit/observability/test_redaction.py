"""Redaction of personal data and secrets, and what it must leave alone."""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest

from autoforge.infrastructure.redaction import (
    API_KEY_MARKER,
    CARD_MARKER,
    EMAIL_MARKER,
    PHONE_MARKER,
    SECRET_MARKER,
    TOKEN_MARKER,
    is_secret_key,
    redact_text,
    redact_value,
)

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"


class Point(NamedTuple):
    label: str
    value: int


def luhn_check_digit(partial: str) -> str:
    """The digit that makes `partial + digit` pass the Luhn check (computed, not looked up)."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def with_luhn(partial: str) -> str:
    return partial + luhn_check_digit(partial)


def break_luhn(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize(
    "email",
    ["john.doe@example.com", "taro+prompts@mail.example.co.jp", "A_B-c@sub.domain.io"],
)
def test_emails_are_replaced_by_the_email_marker(email: str) -> None:
    redacted = redact_text(f"contact {email} today")

    assert redacted == f"contact {EMAIL_MARKER} today"


@pytest.mark.parametrize(
    "phone",
    [
        "090-1234-5678",
        "080 1234 5678",
        "09012345678",
        "03-1234-5678",
        "06(6123)4567",
        "0120-123-456",
        "０９０－１２３４－５６７８",
        "+81 90 1234 5678",
        "+81-3-1234-5678",
        "+819012345678",
        "+1 (415) 555-2671",
        "+44 20 7946 0958",
        "(415) 555-2671",
    ],
)
def test_international_and_japanese_phone_numbers_are_redacted(phone: str) -> None:
    assert redact_text(f"電話: {phone} まで") == f"電話: {PHONE_MARKER} まで"


def test_phone_number_glued_to_japanese_text_is_redacted() -> None:
    assert redact_text("お問い合わせは090-1234-5678へ") == f"お問い合わせは{PHONE_MARKER}へ"


@pytest.mark.parametrize(
    "key",
    [
        "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv",
        "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx",
        "sk-1234567890abcdefABCDEF",
        "pk-lf-1a2b3c4d-5e6f-7a8b",
        "sk-lf-9f8e7d6c-5b4a-3c2d",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    ],
)
def test_provider_api_keys_are_redacted(key: str) -> None:
    redacted = redact_text(f"using key {key} for the call")

    assert redacted == f"using key {API_KEY_MARKER} for the call"


@pytest.mark.parametrize(
    "assignment",
    [
        "client_secret=0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "signature: 9c4e0b1a7f3d2e6c5b8a9d0e1f2a3b4c5d6e7f80",
        "blob=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=",
        "password=hunter2",
        'X-Api-Key: "abc"',
    ],
)
def test_secret_values_in_key_value_form_are_redacted(assignment: str) -> None:
    key = re.split("[=:]", assignment, maxsplit=1)[0]

    redacted = redact_text(f"config {assignment} loaded")

    assert SECRET_MARKER in redacted
    assert redacted.startswith(f"config {key}")
    assert assignment not in redacted


def test_bearer_tokens_and_jwts_are_redacted() -> None:
    redacted = redact_text(f"got Bearer abc123.DEF-456_ghi and jwt {JWT} here")

    assert redacted == f"got Bearer {TOKEN_MARKER} and jwt {TOKEN_MARKER} here"


def test_authorization_header_line_loses_its_credentials() -> None:
    redacted = redact_text(f"Authorization: Bearer {JWT}")

    assert redacted == f"Authorization: {SECRET_MARKER}"


def test_database_url_password_is_redacted_but_host_kept() -> None:
    redacted = redact_text("postgresql+asyncpg://app:s3cr3t-pw@db.internal:5432/autoforge")

    assert redacted == f"postgresql+asyncpg://app:{SECRET_MARKER}@db.internal:5432/autoforge"


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "3782 822463 10005",
        "3530111333300000",
        with_luhn("453201511283036"),
    ],
)
def test_luhn_valid_card_numbers_are_redacted(card: str) -> None:
    assert redact_text(f"card {card} charged") == f"card {CARD_MARKER} charged"


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "5555-5555-5555-4444", "3530111333300000"],
)
def test_luhn_invalid_long_numbers_are_untouched(card: str) -> None:
    text = f"order {break_luhn(card)} shipped"

    assert redact_text(text) == text


def test_luhn_valid_epoch_milliseconds_are_untouched() -> None:
    # A timestamp can pass the Luhn check by chance; no card network starts with "17".
    timestamp = with_luhn("171456789012")
    text = f"at {timestamp} ms and id {with_luhn('1234567890123456')}"

    assert redact_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T12:34:56.789012+09:00",
        "2024-05-01 12:34:56Z",
        "request 550e8400-e29b-41d4-a716-446655440000 done",
        "request_id=0123456789abcdef0123456789abcdef",
        "content_hash=9c4e0b1a7f3d2e6c5b8a9d0e1f2a3b4c5d6e7f80",
        "max_tokens=1024 token_count=17 temperature=0.7",
        "version 1.2.3 on port 8080 took 250 ms",
        "Bearer authentication is described in RFC 6750",
        "2024年5月1日 12:00 に 3 件のプロンプトを評価しました",
    ],
)
def test_ordinary_values_are_not_mangled(text: str) -> None:
    assert redact_text(text) == text


def test_nested_structures_are_redacted_recursively_and_keep_their_types() -> None:
    payload = {
        "user": {"contact": ["a@example.com", ("090-1234-5678", 3)]},
        "tags": {"ok"},
        "pair": Point("mail b@example.com", 7),
        "count": 12,
    }

    redacted = redact_value(payload)

    assert redacted["user"]["contact"][0] == EMAIL_MARKER
    assert redacted["user"]["contact"][1] == (PHONE_MARKER, 3)
    assert redacted["tags"] == {"ok"}
    assert redacted["pair"] == Point(f"mail {EMAIL_MARKER}", 7)
    assert redacted["count"] == 12


def test_values_under_secret_looking_keys_are_replaced_whole() -> None:
    payload = {
        "password": "correct horse battery staple",
        "db": {"Authorization": "Basic dXNlcjpwYXNz", "apiKey": "plain"},
        "headers": [{"Cookie": "session=abc"}, {"X-Api-Key": "k"}],
        "refresh_token": "opaque",
        "max_tokens": 256,
        "token_count": 12,
        "auth_mode": "local",
    }

    redacted = redact_value(payload)

    assert redacted["password"] == SECRET_MARKER
    assert redacted["db"] == {"Authorization": SECRET_MARKER, "apiKey": SECRET_MARKER}
    assert redacted["headers"] == [{"Cookie": SECRET_MARKER}, {"X-Api-Key": SECRET_MARKER}]
    assert redacted["refresh_token"] == SECRET_MARKER
    assert redacted["max_tokens"] == 256
    assert redacted["token_count"] == 12
    assert redacted["auth_mode"] == "local"


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("db_password", True),
        ("LANGFUSE_SECRET_KEY", True),
        ("openai_api_key", True),
        ("accessToken", True),
        ("set-cookie", True),
        ("prompt_tokens", False),
        ("token_count", False),
        ("cache_key", False),
        ("author", False),
    ],
)
def test_secret_key_names_are_recognised(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_redaction_is_idempotent() -> None:
    text = f"mail a@example.com, card 4111 1111 1111 1111, password=x, token {JWT}"

    once = redact_text(text)

    assert redact_text(once) == once


@pytest.mark.parametrize("text", ["a-" * 5000, "a." * 5000, "1-" * 5000, "token." * 2000])
def test_redaction_stays_linear_on_hostile_text(text: str) -> None:
    import time

    started = time.perf_counter()
    redact_text(text)

    assert time.perf_counter() - started < 2.0


def test_log_values_are_cut_to_a_bounded_length() -> None:
    from autoforge.infrastructure.redaction import LOG_TEXT_LIMIT, redact_for_log

    logged = redact_for_log({"path": "/" + "x" * 100_000})

    assert len(logged["path"]) < LOG_TEXT_LIMIT + 100
    assert logged["path"].endswith("more characters]")
