"""The one declaration of field names whose values never enter the audit trail in clear (only a salted hash).

Frozen, and complete before any domain module is imported: redaction cannot depend on which modules happen to have
been loaded. A domain with a new personal-data field adds its name here (`tests/audit/test_sensitive.py` checks the
models' personal columns against it). `record(..., sensitive=...)` adds names for one event only.
"""

from __future__ import annotations

from typing import Final

_CREDENTIALS = frozenset({"password", "password_hash", "token", "access_code", "code_hash", "sealed_code"})
_CONTACT = frozenset({"name", "phone", "email", "body", "summary"})
_REGISTRY = frozenset(
    {"date_of_birth", "document_number", "prisoner_number", "place_of_internment", "state_of_health", "burial_place"}
)
_SOUGHT = frozenset(
    {
        "sought_surname",
        "sought_given_name",
        "sought_patronymic",
        "sought_date_of_birth",
        "sought_place_of_birth",
        "sought_military_unit",
        "sought_rank",
        "sought_service_number",
    }
)
"""`app.cases.models.SOUGHT_FIELDS`: the particulars of the sought person, on cases and inquiries."""
_INQUIRY = frozenset(
    {
        "requester_name",
        "requester_phone",
        "requester_email",
        "requester_city",
        "sought_last_contact_date",
        "sought_last_contact_place",
        "sought_distinguishing_marks",
        "sought_notes",
        "message_subject",
        "message_sender",
        "message_body",
        "operator_notes",
    }
)
_HANDOVER = frozenset({"traveller_name", "document_expires_on", "document_type", "contact_phone"})
_MAILBOX = frozenset({"sender_address", "sender_name", "subject", "body_text", "dismiss_reason"})

SENSITIVE_FIELDS: Final[frozenset[str]] = frozenset(
    _CREDENTIALS | _CONTACT | _REGISTRY | _SOUGHT | _INQUIRY | _HANDOVER | _MAILBOX
)
