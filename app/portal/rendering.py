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
from babel.dates import format_date, format_datetime, get_timezone_location
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.i18n import get_translations

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
DOMAIN = "portal"
DISPLAY_ZONE = ZoneInfo("Europe/Moscow")
COUNTRY_ZONES = {
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "BY": "Europe/Minsk",
    "PL": "Europe/Warsaw",
    "MD": "Europe/Chisinau",
    "KZ": "Asia/Almaty",
    "GE": "Asia/Tbilisi",
}
LANGUAGE_ZONES = {"ru": "Europe/Moscow", "uk": "Europe/Kyiv", "en": "Europe/Moscow"}


def zone_for(country: str | None, language: str) -> str:
    """The family's zone: their country's when we know it, else Moscow for Russian (and English), Kyiv for
    Ukrainian. Every time the portal shows names it, so nobody has to guess."""
    return COUNTRY_ZONES.get(country or "", LANGUAGE_ZONES.get(language, "Europe/Moscow"))


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


def format_moment(value: datetime, language: str, zone_name: str) -> str:
    """A time with its zone, e.g. `30 ноября 2026, 10:48 (Москва, GMT+03:00)`."""
    zone = ZoneInfo(zone_name)
    local = value.astimezone(zone)
    city = get_timezone_location(zone_name, locale=language, return_city=True)
    offset = format_datetime(local, "ZZZZ", tzinfo=zone, locale=language)
    return f"{format_datetime(local, 'd MMMM y, HH:mm', tzinfo=zone, locale=language)} ({city}, {offset})"


def helpers(language: str, time_zone: str | None = None) -> dict[str, Any]:
    """What every template gets: `_`/`ngettext` for the language, date formatters, the language itself."""
    translations = get_translations(language, DOMAIN)
    zone_name = time_zone or LANGUAGE_ZONES.get(language, "Europe/Moscow")

    def date(value: datetime | None) -> str:
        return "" if value is None else format_date(value.astimezone(DISPLAY_ZONE), "long", locale=language)

    def date_time(value: datetime | None) -> str:
        return "" if value is None else format_moment(value, language, zone_name)

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


def render(template: str, language: str, *, time_zone: str | None = None, **context: Any) -> str:
    return environment().get_template(template).render(**helpers(language, time_zone), **context)


def translate(language: str, message: str) -> str:
    return get_translations(language, DOMAIN).gettext(message)
