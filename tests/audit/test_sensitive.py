"""The one frozen declaration of sensitive field names covers every personal column, whatever was imported."""

from __future__ import annotations

import subprocess
import sys

from app.audit.sensitive import SENSITIVE_FIELDS
from app.audit.service import diff
from app.cases.models import SOUGHT_FIELDS, Case
from app.inquiries.models import Inquiry

# Inquiry columns that say nothing about a person: ids, times, classifications and folded search keys.
NOT_PERSONAL = {
    "id",
    "case_id",
    "channel",
    "received_at",
    "recorded_by_id",
    "created_at",
    "requester_name_key",
    "requester_relationship",
    "requester_language",
    "requester_country",
    "consent_store",
    "consent_contact_email",
    "consent_contact_phone",
    "sought_name_key",
}


def test_sensitive_fields_are_frozen():
    assert isinstance(SENSITIVE_FIELDS, frozenset)


def test_every_personal_inquiry_column_is_sensitive():
    personal = {column.key for column in Inquiry.__table__.columns} - NOT_PERSONAL
    assert personal - SENSITIVE_FIELDS == set()
    assert set(SOUGHT_FIELDS) <= SENSITIVE_FIELDS
    case_personal = {c.key for c in Case.__table__.columns if c.key.startswith("sought_")} - NOT_PERSONAL
    assert case_personal <= SENSITIVE_FIELDS


def test_declaration_is_complete_before_any_domain_is_imported():
    """Redaction must not depend on import order: the audit module alone knows every sensitive name."""
    script = (
        "import sys; from app.audit.service import SENSITIVE_FIELDS as early; "
        "assert not any(m.startswith(('app.cases', 'app.handovers', 'app.family_access')) for m in sys.modules); "
        "import app.main; from app.audit.service import SENSITIVE_FIELDS as late; "
        "assert early is late; print(len(early))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(SENSITIVE_FIELDS)


def test_diff_hashes_sensitive_values_and_keeps_others(db_session):
    changes = diff(
        db_session,
        {"sought_surname": "Иванов", "traveller_name": "Мария", "priority": "normal"},
        {"sought_surname": "Иваненко", "traveller_name": "Марія", "priority": "high"},
    )
    assert changes["priority"] == {"old": "normal", "new": "high"}
    for key in ("sought_surname", "traveller_name"):
        old, new = changes[key]["old"], changes[key]["new"]
        assert old.startswith("hmac-sha256:") and new.startswith("hmac-sha256:") and old != new
    assert "Иванов" not in repr(changes)
