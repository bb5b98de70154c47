"""The parser alone: encoded headers, legacy charsets, HTML, limits, malformed input. It never raises."""

from __future__ import annotations

import pytest

from app.mailbox.automatic import automatic_reason
from app.mailbox.htmltext import html_to_text
from app.mailbox.language import detect_language
from app.mailbox.parse import Limits, parse_message
from tests.mailbox import messages


def test_parse_koi8r_encoded_subject_and_windows1251_body():
    raw = messages.legacy_cp1251("Сын пропал под Курском.", "Ищу сына", "Мария Иванова", "m@family.example")
    parsed = parse_message(raw)
    assert parsed.subject == "Ищу сына"
    assert parsed.sender_name == "Мария Иванова"
    assert parsed.body_text == "Сын пропал под Курском."
    assert parsed.problems == []


def test_parse_undeclared_8bit_windows1251_is_read_and_noted():
    raw = b"From: a@b.example\r\nSubject: \xc8\xf9\xf3 \xf1\xfb\xed\xe0\r\n\r\n\xcc\xee\xe9 \xf1\xfb\xed"
    parsed = parse_message(raw)
    assert parsed.subject == "Ищу сына"
    assert parsed.body_text == "Мой сын"


def test_parse_wrong_declared_charset_falls_back_and_says_so():
    raw = b"From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xcc\xee\xe9 \xf1\xfb\xed"
    parsed = parse_message(raw)
    assert parsed.body_text == "Мой сын"
    assert any("not valid utf-8" in p for p in parsed.problems)


def test_parse_attachment_count_limit_keeps_metadata_only():
    files = [(f"f{i}.txt", "application/octet-stream", b"data") for i in range(3)]
    parsed = parse_message(messages.with_attachments("Текст", files), Limits(max_attachments=2))
    assert [a.content is not None for a in parsed.attachments] == [True, True, False]
    assert "over the limit of 2 attachments" in (parsed.attachments[2].problem or "")


@pytest.mark.parametrize(
    "raw", [b"", b"\x00\x01\x02", b"\r\n\r\n", b"Content-Type: multipart/mixed\r\n\r\nno parts", b"A" * 5000]
)
def test_parse_garbage_never_raises(raw):
    parsed = parse_message(raw)
    assert parsed.body_text is None or "\x00" not in parsed.body_text


def test_html_to_text_drops_scripts_and_keeps_link_targets():
    text = html_to_text('<div>Привет<script>steal()</script></div><a href="https://x.example/">тут</a>')
    assert text == "Привет\nтут <https://x.example/>"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Шукаю сина, допоможіть будь ласка", "uk"),
        ("Ищу сына, помогите пожалуйста", "ru"),
        ("Мой брат служил", "ru"),
        ("Looking for my son", "en"),
        ("", "ru"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({}, False),
        ({"Auto-Submitted": "no"}, False),
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Precedence": "junk"}, True),
        ({"List-Unsubscribe": "<mailto:x@y>"}, True),
        ({"X-Autoreply": "yes"}, True),
        ({"X-Auto-Response-Suppress": "All"}, True),
    ],
)
def test_automatic_reason(headers, automatic):
    from email import message_from_bytes, policy

    message = message_from_bytes(messages.plain("x", headers=headers), policy=policy.default)
    assert (automatic_reason(message, "a@family.example") is not None) is automatic
