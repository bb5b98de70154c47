"""Translations: gettext catalogs (Babel) in ru, uk and en, one catalog domain per area of the product.

Catalogs live as `.po` files under `app/i18n/locale/<lang>/LC_MESSAGES/<domain>.po` and are compiled in memory on
first use, so there is no build step and no compiled `.mo` file to keep in step. English is the source language.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("ru", "uk", "en")
DEFAULT_LANGUAGE = "ru"
LanguageCode = Literal["ru", "uk", "en"]


@lru_cache(maxsize=64)
def get_translations(language: str, domain: str) -> NullTranslations:
    """The catalog for `language` and `domain`; English (the source strings) when there is none."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if language == "en" or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def negotiate_language(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Pick ru, uk or en from an `Accept-Language` header (quality values honoured)."""
    if not accept_language:
        return default
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary == "ua":  # a common mistake for Ukrainian (ua is the country code)
            primary = "uk"
        if primary in SUPPORTED_LANGUAGES and quality > 0:
            choices.append((-quality, index, primary))
    return sorted(choices)[0][2] if choices else default
