"""Test data for cases and inquiries: request bodies and a few API helpers."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

MOTHER_CALL: dict[str, Any] = {
    "channel": "phone",
    "requester": {
        "full_name": "Иванова Мария Петровна",
        "relationship": "mother",
        "phone": "8 (916) 123-45-67",
        "language": "ru",
        "city": "Тверь",
        "country": "RU",
    },
    "consent": {"store": True, "contact_phone": True},
    "sought": {
        "surname": "Иванов",
        "given_name": "Алексей",
        "patronymic": "Сергеевич",
        "date_of_birth": "1999-03-14",
        "military_unit": "в/ч 12345",
        "rank": "рядовой",
    },
    "operator_notes": "Calls in the evening only.",
}


def inquiry_body(**overrides: Any) -> dict[str, Any]:
    """A valid phone inquiry; top-level keys in `overrides` replace the defaults, nested dicts are merged."""
    body = copy.deepcopy(MOTHER_CALL)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        elif value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def person(surname: str, given_name: str, date_of_birth: str | None = None, **extra: Any) -> dict[str, Any]:
    sought: dict[str, Any] = {"surname": surname, "given_name": given_name, **extra}
    if date_of_birth:
        sought["date_of_birth"] = date_of_birth
    return sought


def ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def create_inquiry(
    client: TestClient, staff: Any, body: dict[str, Any] | None = None, **headers: str
) -> dict[str, Any]:
    response = client.post("/api/v1/inquiries", json=body or inquiry_body(), headers={**staff.headers, **headers})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def open_case(client: TestClient, staff: Any, **overrides: Any) -> str:
    """Log an inquiry that opens a new case; returns the case reference."""
    reference: str = create_inquiry(client, staff, inquiry_body(**overrides))["case_reference"]
    return reference


def etag(client: TestClient, staff: Any, reference: str) -> str:
    response = client.get(f"/api/v1/cases/{reference}", headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


def change(staff: Any, tag: str, key: str | None = None) -> dict[str, str]:
    headers = {**staff.headers, "If-Match": tag}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def move(client: TestClient, staff: Any, reference: str, to_state: str, reason: str = "test") -> Any:
    return client.post(
        f"/api/v1/cases/{reference}/transitions",
        json={"to_state": to_state, "reason": reason},
        headers=change(staff, etag(client, staff, reference)),
    )


def assign(client: TestClient, supervisor: Any, reference: str, officer_id: str | None) -> Any:
    return client.put(
        f"/api/v1/cases/{reference}/assignment",
        json={"officer_id": officer_id},
        headers=change(supervisor, etag(client, supervisor, reference)),
    )


def new_key() -> str:
    return str(uuid.uuid4())
