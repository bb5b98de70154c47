"""Every handover string the family reads is translated in ru and uk, and the catalogs match the code
(`make handovers-messages` re-extracts them)."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _extracted() -> set[str]:
    found: set[str] = set()
    sources = [
        (ROOT / "app" / "handovers", [("**.py", "python")]),
        (ROOT / "app" / "templates" / "handovers", [("**.html", "jinja2")]),
    ]
    for directory, method_map in sources:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(directory), method_map, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_handover_catalogs_translate_every_message_and_nothing_stale(lang):
    messages = _extracted()
    assert len(messages) > 20
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "handovers.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = [m for m in messages if not catalog.get(m) or not catalog.get(m).string or catalog.get(m).fuzzy]
    assert not missing, f"{lang}: untranslated {missing[:5]} (run `make handovers-messages`, then translate)"
    stale = sorted(
        str(m.id) for m in catalog if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in messages
    )
    assert not stale, f"{lang}: catalog entries no code uses {stale[:5]} (run `make handovers-messages`)"
