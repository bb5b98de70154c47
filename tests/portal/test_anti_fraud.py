"""Families of captives are targeted by extortion: every portal page says, in the family's language, that the
ministry never asks for money and how to check a caller."""

from __future__ import annotations

import pytest

from tests.portal.factories import make_family
from tests.portal.helpers import arrange, sign_in

NOTICE = {
    "ru": ("Осторожно: мошенники", "Министерство никогда не просит денег", "Никому не сообщайте свой код доступа"),
    "uk": ("Обережно: шахраї", "Міністерство ніколи не просить грошей", "Нікому не повідомляйте свій код доступу"),
    "en": ("Beware of fraud", "The ministry never asks for money", "Never tell anyone your access code"),
}


@pytest.mark.parametrize("language", ["ru", "uk", "en"])
def test_every_page_carries_the_anti_fraud_notice(client, session_factory, language, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="searching"))
    headers = {"Accept-Language": language}
    public = ["/portal", "/portal/inquiry", "/portal/unsubscribe?token=forged", "/portal/no-such-page"]
    pages = [client.get(path, headers=headers) for path in public]
    sign_in(client, case.reference, code)
    pages.append(client.get(f"/portal/cases/{case.reference}", headers=headers))
    for response in pages:
        for line in NOTICE[language]:
            assert line in response.text, (response.url, line)
