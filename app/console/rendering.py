"""Rendering console pages: the portal's Jinja2 environment, the `console` catalog, times in the user's zone.

Templates call `_("...")` (extracted into the `console` catalog by `make console-messages`) and `when(dt)` for
times, which shows them in the member of staff's zone (the zone is named in the page header).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone_location

from app.cases.schemas import display_name
from app.console import explanations
from app.console.labels import CONSENT_SCRIPT, source_label
from app.i18n import SUPPORTED_LANGUAGES, get_translations
from app.portal.rendering import environment

DOMAIN = "console"
LANGUAGE_NAMES = {"uk": "Українська", "ru": "Русский", "en": "English"}
FALLBACK_ZONE = "Europe/Kyiv"


@lru_cache(maxsize=64)
def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK_ZONE)


def zone_label(name: str, language: str, moment: datetime) -> str:
    """`Київ (UTC+02:00)`: the place and the offset in force at `moment`."""
    zone = zone_of(name)
    offset = moment.astimezone(zone).strftime("%z")
    return f"{get_timezone_location(zone, locale=language, return_city=True)} (UTC{offset[:3]}:{offset[3:]})"


def translator(language: str) -> Any:
    return get_translations(language, DOMAIN).gettext


def helpers(language: str, time_zone: str) -> dict[str, Any]:
    translations = get_translations(language, DOMAIN)
    zone = zone_of(time_zone)

    def when(value: datetime | None) -> str:
        return "" if value is None else format_datetime(value.astimezone(zone), "dd.MM.y HH:mm", locale=language)

    def day(value: datetime | date | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return _partial_date(value)
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return format_date(value, "dd.MM.y", locale=language)

    def label(kind: str, code: str | None) -> str:
        return translations.gettext(source_label(kind, code)) if code else ""

    territories = Locale.parse(language).territories

    def country_name(code: str | None) -> str:
        return str(territories.get(code, code)) if code else ""

    def consent_script(requester_language: str) -> str:
        """The consent text the operator reads aloud, in the caller's language (not the operator's)."""
        chosen = requester_language if requester_language in SUPPORTED_LANGUAGES else "ru"
        return get_translations(chosen, DOMAIN).gettext(CONSENT_SCRIPT)

    def ngettext(singular: str, plural: str, num: int, **values: object) -> str:
        """Plural forms with `%(num)d` (and any other named values) filled in, as Jinja's i18n extension does."""
        return translations.ngettext(singular, plural, num) % {"num": num, **values}

    def message(text: str) -> str:
        """A message for the page, translated, starting with a capital (the API's own wording is lower case)."""
        translated = translations.gettext(text)
        return translated[:1].upper() + translated[1:]

    return {
        "_": translations.gettext,
        "message": message,
        "label": label,
        "country_name": country_name,
        "consent_script": consent_script,
        "display_name": display_name,
        "explain_text": lambda text: explanations.joined(text, translations.gettext),
        "explain_field": lambda name: explanations.field_name(name, translations.gettext),
        "explain_detail": lambda text: explanations.sentence(text, translations.gettext),
        "explain_verdict": lambda code: explanations.verdict(code, translations.gettext),
        "ngettext": ngettext,
        "lang": language,
        "when": when,
        "day": day,
        "language_names": LANGUAGE_NAMES,
    }


def _partial_date(value: str) -> str:
    """`1999-03-14` → `14.03.1999`, `1999-03` → `03.1999`, `1999` stays."""
    parts = value.split("-")
    return ".".join(reversed(parts))


def render(template: str, language: str, time_zone: str, **context: Any) -> str:
    return environment().get_template(template).render(**helpers(language, time_zone), **context)
