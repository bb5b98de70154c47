"""Staff reads of registry persons: one record, or a filtered listing. Every read is audited.

Name search is the lookup (`app.registry.lookup`), which understands spellings; the listing filters by list, record
id, status and confirmation level, for reconciling a list with its source.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.errors import NotFound
from app.registry.models import RESTRICTED_FIELDS, RegistryPerson


def get_person(session: Session, *, actor: Actor, person_id: uuid.UUID, restricted: bool) -> RegistryPerson:
    """One registry person by public id; the read is audited, noting whether restricted fields were shown."""
    person = session.execute(select(RegistryPerson).where(RegistryPerson.public_id == person_id)).scalar_one_or_none()
    if person is None:
        raise NotFound("No such registry person.")
    record(
        session,
        actor=actor,
        action="registry.person_viewed",
        target_type="registry_person",
        target_id=person.public_id,
        details={"restricted_fields_shown": list(RESTRICTED_FIELDS) if restricted else []},
    )
    return person


def search_persons(
    session: Session,
    *,
    actor: Actor,
    source: str | None,
    source_record_id: str | None,
    status: str | None,
    confirmation_level: str | None,
    limit: int,
    offset: int,
) -> tuple[list[RegistryPerson], int]:
    """Registry persons matching every given filter, in import order; audited with the filters and the count."""
    query = select(RegistryPerson)
    filters = {
        "source": source,
        "source_record_id": source_record_id,
        "status": status,
        "confirmation_level": confirmation_level,
    }
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(RegistryPerson, name) == value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    persons = list(session.execute(query.order_by(RegistryPerson.id).limit(limit).offset(offset)).scalars())
    record(
        session,
        actor=actor,
        action="registry.persons_searched",
        target_type="registry_person",
        details={
            "filters": {k: v for k, v in filters.items() if v is not None},
            "total": total,
            "returned": [str(p.public_id) for p in persons],
        },
    )
    return persons, total
