"""Every console string is translated in ru and uk, and the catalogs match the code (run `make console-messages`)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR
from app.portal.rendering import TEMPLATE_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _extracted() -> set[str]:
    found: set[str] = set()
    sources = [(ROOT / "app" / "console", [("**.py", "python")]), (TEMPLATE_DIR / "console", [("**.html", "jinja2")])]
    for directory, method_map in sources:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(directory), method_map, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_console_catalogs_translate_every_message():
    messages = _extracted()
    assert len(messages) > 100
    for lang in ("ru", "uk"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "console.po").open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        missing = [m for m in messages if not catalog.get(m) or not catalog.get(m).string or catalog.get(m).fuzzy]
        assert not missing, f"{lang}: untranslated {missing[:5]}"
        for message in catalog:
            if message.id and isinstance(message.string, tuple):
                assert all(message.string), f"{lang}: incomplete plural {message.id}"
