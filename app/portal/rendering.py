"""Jinja2 for the portal: one environment, translations and locale-aware dates passed per render.

Templates call `_("...")` (extracted by Babel into the `portal` catalog) and never see a model object, only the
family-safe views built in `app.portal.views`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.i18n import get_translations

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
DOMAIN = "portal"
DISPLAY_ZONE = ZoneInfo("Europe/Moscow")
LANGUAGE_NAMES = {"ru": "Русский", "uk": "Українська", "en": "English"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def format_day(value: datetime, language: str) -> str:
    """A day in words in the family's language, e.g. `14 марта 2026`, to sit inside a sentence."""
    return format_date(value.astimezone(DISPLAY_ZONE), "d MMMM y", locale=language)


def helpers(language: str) -> dict[str, Any]:
    """What every template gets: `_`/`ngettext` for the language, date formatters, the language itself."""
    translations = get_translations(language, DOMAIN)

    def date(value: datetime | None) -> str:
        return "" if value is None else format_date(value.astimezone(DISPLAY_ZONE), "long", locale=language)

    def date_time(value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(DISPLAY_ZONE), "d MMMM y, HH:mm", locale=language)

    territories = Locale.parse(language).territories

    def country_name(code: str) -> str:
        return str(territories.get(code, code))

    return {
        "_": translations.gettext,
        "country_name": country_name,
        "ngettext": translations.ngettext,
        "lang": language,
        "format_date": date,
        "format_datetime": date_time,
        "language_names": LANGUAGE_NAMES,
    }


def render(template: str, language: str, **context: Any) -> str:
    return environment().get_template(template).render(**helpers(language), **context)


def translate(language: str, message: str) -> str:
    return get_translations(language, DOMAIN).gettext(message)
