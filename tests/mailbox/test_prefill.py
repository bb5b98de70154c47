"""The inquiry prefilled from an email's free text by the lookup engine's parser."""

from __future__ import annotations

from app.mailbox.prefill import prefill


def _sought(text: str, sender: str | None = None):
    return prefill(text=text, subject=None, sender_name=sender, sender_address="x@family.example", language="ru").sought


def test_prefill_declined_russian_name_is_put_in_the_nominative():
    sought = _sought("Помогите найти Иванова Алексея Сергеевича, 1999 г.р.")
    assert (sought.surname, sought.given_name, sought.patronymic) == ("Иванов", "Алексей", "Сергеевич")
    assert sought.date_of_birth == "1999"


def test_prefill_ukrainian_husband_sharing_the_senders_surname():
    sought = _sought(
        "Шукаю чоловіка: Бондаренко Тарас Миколайович, 1990 року народження.\nОксана Бондаренко", "Оксана Бондаренко"
    )
    assert (sought.surname, sought.given_name, sought.patronymic) == ("Бондаренко", "Тарас", "Миколайович")
    assert sought.date_of_birth == "1990"


def test_prefill_english_name_date_and_unit():
    sought = _sought("My brother Pavel Kuznetsov, born 05.02.1997, military unit 31135.", "Anna Kuznetsova")
    assert (sought.surname, sought.given_name) == ("Kuznetsov", "Pavel")
    assert (sought.date_of_birth, sought.military_unit) == ("1997-02-05", "military unit 31135")


def test_prefill_skips_the_signature_and_recent_dates():
    sought = _sought(
        "Смирнова Елена Викторовна пишет. Последний звонок 12.10.2025. Сын Смирнов Дмитрий Андреевич, жетон АК 204518",
        "Елена Смирнова",
    )
    assert (sought.surname, sought.given_name) == ("Смирнов", "Дмитрий")
    assert sought.date_of_birth is None
    assert sought.service_number == "АК 204518"


def test_prefill_text_without_names_leaves_fields_empty():
    guess = prefill(text="Добрый день, помогите.", subject="Вопрос", sender_name=None, sender_address=None, language="")
    assert guess.sought.surname is None and guess.names_found == []
    assert guess.requester.language == "ru"
