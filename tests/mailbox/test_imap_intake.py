"""The worker's view of a real mailbox (Dovecot over IMAPS/STARTTLS): fetched once, stored raw, marked after commit."""

from __future__ import annotations

import uuid

from app.jobs.queue import run_pending
from app.mailbox.models import MailState
from tests.mailbox import messages
from tests.mailbox.helpers import attachments_of, raw_of, stored

SEEN = b"\\Seen"

RU_LETTER = """Здравствуйте!
Мой сын Иванов Алексей Сергеевич, 14.03.1999 г.р., в/ч 12345, жетон АВ-123456.
Последний раз звонил 2 октября. Помогите, пожалуйста, узнать, что с ним.
Мария Петровна"""


def test_poll_russian_windows1251_stores_raw_and_decoded_fields_then_marks_seen(mailbox, session_factory, backend):
    raw = messages.legacy_cp1251(RU_LETTER, "Ищу сына Иванова", "Мария Иванова", "Maria.Ivanova@Family.example")
    mailbox.deliver(raw)

    outcome = mailbox.poll()

    assert outcome.fetched == 1 and outcome.result.stored == 1
    [message] = stored(session_factory)
    assert raw_of(session_factory, message.id) == raw
    assert message.subject == "Ищу сына Иванова"
    assert message.sender_name == "Мария Иванова"
    assert message.sender_address == "maria.ivanova@family.example"
    assert "Иванов Алексей Сергеевич" in message.body_text
    assert message.language == "ru"
    assert message.state == MailState.NEW.value
    assert (message.mailbox, message.uid) == ("hotline", 1)
    assert message.uidvalidity is not None
    assert message.problems == []
    assert SEEN in mailbox.flags()[0]


def test_poll_russian_utf8_ukrainian_and_english_detect_each_language(mailbox, session_factory, backend):
    mailbox.deliver(
        messages.plain(RU_LETTER),
        messages.plain(
            "Добрий день! Шукаю сина, Коваль Олексій Іванович, 1998 року народження. Будь ласка, допоможіть.",
            sender="Olena Koval <olena.koval@family.example>",
            subject="Шукаю сина",
        ),
        messages.plain(
            "Hello, I am looking for my brother Andrii Melnyk, born 02.05.1995. Please help.",
            sender="Sam Melnyk <sam@family.example>",
            subject="Missing brother",
        ),
    )

    mailbox.poll()

    languages = {m.sender_address: m.language for m in stored(session_factory)}
    assert languages == {
        "maria.ivanova@family.example": "ru",
        "olena.koval@family.example": "uk",
        "sam@family.example": "en",
    }


def test_poll_html_only_message_is_turned_into_text_without_scripts(mailbox, session_factory, backend):
    mailbox.deliver(
        messages.html_only(
            "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
            "<p>Мій син <b>Коваль Олексій</b> зник.</p><p>Телефон: +380 44 123 4567</p>"
            '<a href="https://example.org/track">посилання</a></body></html>'
        )
    )

    mailbox.poll()

    [message] = stored(session_factory)
    assert message.body_source == "html"
    assert "Мій син Коваль Олексій зник." in message.body_text
    assert "Телефон: +380 44 123 4567" in message.body_text
    assert "<https://example.org/track>" in message.body_text
    assert "alert" not in message.body_text and "color" not in message.body_text
    assert message.language == "uk"


def test_poll_attachments_are_stored_unopened_within_limits(make_mailbox, settings, session_factory, backend):
    settings.mailbox.max_attachment_bytes = 1000
    mailbox = make_mailbox()
    photo = bytes(range(256)) * 2
    big = b"%PDF-1.4 " + b"x" * 5000
    mailbox.deliver(
        messages.with_attachments(
            "Фото и документы сына во вложении.",
            [("фото сына.jpg", "image/jpeg", photo), ("../../etc/passwd.pdf", "application/pdf", big)],
        )
    )

    mailbox.poll()

    [message] = stored(session_factory)
    [(first, first_bytes), (second, second_bytes)] = attachments_of(session_factory, message.id)
    assert (first.filename, first.content_type, first.size) == ("фото сына.jpg", "image/jpeg", len(photo))
    assert first_bytes == photo and first.problem is None
    assert second.filename == "passwd.pdf"
    assert second.size == len(big) and second_bytes is None
    assert "size limit" in second.problem
    assert any("attachment 2" in p for p in message.problems)
    assert message.body_text == "Фото и документы сына во вложении."


def test_poll_same_message_delivered_twice_is_stored_once_and_both_marked(mailbox, session_factory, backend):
    raw = messages.plain("Ищу мужа, Петров Иван.")
    mailbox.deliver(raw, raw)

    outcome = mailbox.poll()

    assert outcome.fetched == 2
    assert (outcome.result.stored, outcome.result.duplicates) == (1, 1)
    assert len(stored(session_factory)) == 1
    assert all(SEEN in flags for flags in mailbox.flags())


def test_poll_again_after_marking_fetches_nothing(mailbox, session_factory, backend):
    mailbox.deliver(messages.plain("Первое письмо."))
    mailbox.poll()
    mailbox.deliver(messages.plain("Второе письмо."))

    outcome = mailbox.poll()

    assert (outcome.fetched, outcome.result.stored) == (1, 1)
    assert [m.uid for m in stored(session_factory)] == [1, 2]


def test_poll_over_starttls_with_processed_folder_moves_messages_after_storing(
    make_mailbox, dovecot, session_factory, backend
):
    processed = f"Processed-{uuid.uuid4().hex[:8]}"
    mailbox = make_mailbox(port=dovecot.imap_port, security="starttls", processed_folder=processed)
    mailbox.deliver(messages.plain("Письмо через STARTTLS."))

    mailbox.poll()

    assert len(stored(session_factory)) == 1
    assert mailbox.flags() == []
    assert len(mailbox.flags(processed)) == 1


def test_poll_malformed_message_is_kept_raw_with_its_problems(mailbox, session_factory, backend):
    raw = (
        b"From: broken\r\nSubject: =?x-unknown-charset?B?////?=\r\nContent-Type: text/plain; charset=x-klingon\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64\xff\xfe"
    )
    mailbox.deliver(raw)

    outcome = mailbox.poll()

    assert outcome.result.stored == 1
    [message] = stored(session_factory)
    assert raw_of(session_factory, message.id) == raw
    assert message.sender_address is None
    assert any("sender" in p for p in message.problems)
    assert any("x-klingon" in p for p in message.problems)
    assert message.state == MailState.NEW.value


def test_poll_message_over_size_limit_stores_header_and_reason(make_mailbox, settings, session_factory, backend):
    settings.mailbox.max_message_bytes = 2048
    mailbox = make_mailbox()
    raw = messages.plain("Очень длинное письмо. " * 400)
    mailbox.deliver(raw)

    mailbox.poll()

    [message] = stored(session_factory)
    assert message.raw_size == len(raw)
    assert raw_of(session_factory, message.id) == raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    assert "over the size limit" in message.problems[0]
    assert message.body_text is None


def test_acknowledgement_sent_once_per_new_sender_in_their_language(mailbox, smtp_inbox, session_factory, backend):
    mailbox.deliver(
        messages.plain(
            "Добрий день! Шукаю сина. Будь ласка, допоможіть.",
            sender="olena@family.example",
            subject="Шукаю сина",
        ),
        messages.plain("Ще одне: його звуть Олексій.", sender="olena@family.example", subject="Ще"),
    )
    mailbox.poll()

    run_pending(session_factory)

    [reply] = smtp_inbox.messages
    assert reply["X-Envelope-To"] == "olena@family.example"
    assert reply["Subject"] == "Ми отримали ваш лист"
    assert reply["Auto-Submitted"] == "auto-replied"
    first = stored(session_factory)[0]
    assert reply["In-Reply-To"] == f"<{first.message_id}>"
    text = reply.get_content()
    assert "шахраїв" in text and "гроші" in text
    assert "PW-" not in text
    assert [m.acknowledgement for m in stored(session_factory)] == ["queued", "known_sender"]


def test_acknowledgement_never_sent_to_auto_reply_bounce_or_list(mailbox, smtp_inbox, session_factory, backend):
    original = messages.plain("Ищу брата.", sender="hotline@pow-liaison.example")
    mailbox.deliver(
        messages.plain("I am out of office.", sender="away@family.example", headers={"Auto-Submitted": "auto-replied"}),
        messages.bounce(original),
        messages.plain("Newsletter", sender="news@lists.example", headers={"List-Id": "<news.lists.example>"}),
        messages.plain("Weekly digest", sender="digest@lists.example", headers={"Precedence": "bulk"}),
    )
    mailbox.poll()

    run_pending(session_factory)

    assert smtp_inbox.messages == []
    rows = stored(session_factory)
    assert len(rows) == 4
    assert all(m.acknowledgement == "automatic" and m.automatic for m in rows)
    bounce = next(m for m in rows if m.sender_address == "mailer-daemon@mx.family.example")
    assert bounce.automatic.startswith("bounce")


def test_acknowledgements_capped_per_hour(make_mailbox, settings, smtp_inbox, session_factory, backend):
    settings.mailbox.ack_max_per_hour = 2
    mailbox = make_mailbox()
    mailbox.deliver(*(messages.plain("Письмо.", sender=f"sender{i}@family.example") for i in range(3)))
    mailbox.poll()

    run_pending(session_factory)

    assert len(smtp_inbox.messages) == 2
    assert sorted(m.acknowledgement for m in stored(session_factory)) == ["queued", "queued", "rate_limited"]
