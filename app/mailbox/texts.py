"""Family-facing texts of email intake (the acknowledgement), in ru, uk and en from the `mailbox` catalog."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.i18n import SUPPORTED_LANGUAGES, get_translations

DOMAIN = "mailbox"
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"


def N_(message: str) -> str:
    """Mark a string for extraction; translated where it is used."""
    return message


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain text mail: no autoescaping (nothing here is HTML), undefined names are errors.
    return Environment(  # noqa: S701
        loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )


def language_or_default(language: str | None) -> str:
    return language if language in SUPPORTED_LANGUAGES else "ru"


def render(template: str, language: str, **context: Any) -> str:
    translations = get_translations(language, DOMAIN)
    return _environment().get_template(template).render(_=translations.gettext, **context)


def translate(language: str, message: str) -> str:
    return get_translations(language, DOMAIN).gettext(message)
