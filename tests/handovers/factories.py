"""Cases ready for a handover, and API helpers to request and schedule handovers in tests.

Every change to a handover needs its ETag in `If-Match`: `if_match` builds the headers from an ETag or a response
body's `version`, `fresh` reads the record first, `change` posts an action with a fresh ETag (for tests about
something else).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.cases.models import Case
from app.db import utcnow
from app.transaction import unit_of_work
from tests.reference.factories import fresh
from tests.reference.factories import if_match as if_match  # re-exported for the handover tests

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def make_case(
    factory: sessionmaker[Session], *, outcome: str | None = "released", state: str | None = None
) -> uuid.UUID:
    """A case at its confirmed outcome (state defaults to the outcome), as the case workflow would leave it."""
    reference = "PW-" + "".join(secrets.choice(_ALPHABET) for _ in range(4)) + "-"
    reference += "".join(secrets.choice(_ALPHABET) for _ in range(4))
    with unit_of_work(factory) as session:
        case = Case(
            reference=reference,
            state=state or outcome or "searching",
            outcome=outcome,
            outcome_confirmed_at=utcnow() if outcome else None,
            sought_surname="Testov",
            sought_given_name="Test",
        )
        session.add(case)
        session.flush()
        return case.id


def handover_url(handover_id: str | uuid.UUID) -> str:
    return f"/api/v1/handovers/{handover_id}"


def change(client: TestClient, staff: Any, handover_id: str | uuid.UUID, action: str, body: Any = None) -> Any:
    """POST `action` (`cancel`, `approve`, `travellers`, ...) on a handover with its current ETag."""
    url = handover_url(handover_id)
    return client.post(f"{url}/{action}", json={} if body is None else body, headers=fresh(client, staff, url))


def request_handover(
    client: TestClient, staff: Any, case_id: uuid.UUID, *, type: str = "release_to_family", **extra: Any
) -> dict[str, Any]:
    body = {"case_id": str(case_id), "type": type, **extra}
    response = client.post("/api/v1/handovers", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def schedule_body(
    *,
    crossing: uuid.UUID,
    point: uuid.UUID,
    team: uuid.UUID,
    day: date,
    start: str = "10:00",
    end: str = "12:00",
    reason: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "crossing_id": str(crossing),
        "point_id": str(point),
        "escort_team_id": str(team),
        "travel_date": day.isoformat(),
        "window_start": start,
        "window_end": end,
    }
    if reason:
        body["reason"] = reason
    return body


def schedule(client: TestClient, staff: Any, handover_id: str, **kwargs: Any) -> Any:
    """Schedule the handover with its current ETag (read first)."""
    return change(client, staff, handover_id, "schedule", schedule_body(**kwargs))


def scheduled_handover(client: TestClient, factory: sessionmaker[Session], staff: Any, **kwargs: Any) -> dict[str, Any]:
    """A new case with a handover scheduled as `kwargs` say (see `schedule_body`)."""
    handover = request_handover(client, staff, make_case(factory))
    response = schedule(client, staff, handover["id"], **kwargs)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def case_state(factory: sessionmaker[Session], case_id: uuid.UUID | str) -> tuple[str, bool]:
    """The case's state and review flag, read in a short transaction of its own.

    On SQLite every transaction takes the write lock (BEGIN IMMEDIATE): a test must not hold one open while the
    app serves a request, so it never keeps a session open across requests.
    """
    with factory() as session:
        case = session.get_one(Case, uuid.UUID(str(case_id)))
        return case.state, case.needs_review
