"""The disclosure gate: what one requester may be told about their case, by any channel that is not a person.

A death is told by a person first. After the two-person confirmation of `deceased`, the portal pages, the portal
JSON API, emails and any future channel ask `disclosure_for(session, case, inquiry_id)` and tell the requester of
the death only when it says `may_tell_death`:

* a staff member logged a `death_notification` contact with *this* requester (outbound, by phone or in person,
  with their inquiry): the mother being told does not unlock the father's page; or
* a supervisor released the news to this requester's portal after repeated logged attempts to reach them
  (`notification_attempt` contacts) over several days, with a reason (`release_death_news`).

Until then the requester is only asked to call (`withheld`). The gate reads the contact log itself, so nothing can
claim a conversation the log does not hold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseContact, ContactPurpose, DeathDisclosureRelease, Outcome


@dataclass(frozen=True, slots=True)
class Disclosure:
    death_confirmed: bool
    """The case's confirmed outcome is `deceased` (after the second signature)."""
    told_at: datetime | None
    """When a staff member told this requester (the logged `death_notification` contact)."""
    told_channel: str | None
    """`phone` or `walk_in` (in person)."""
    released_at: datetime | None
    """When a supervisor released the news to this requester's portal (nobody could reach them)."""
    attempts: tuple[datetime, ...]
    """Logged attempts to reach this requester, oldest first: the honest "we tried to call you on ..."."""

    @property
    def may_tell_death(self) -> bool:
        return self.death_confirmed and (self.told_at is not None or self.released_at is not None)

    @property
    def withheld(self) -> bool:
        """A death is confirmed that this requester has not yet been told by a person (nor released to them)."""
        return self.death_confirmed and not self.may_tell_death


NOTHING_TO_TELL = Disclosure(False, None, None, None, ())


def death_confirmed(case: Case) -> bool:
    return case.outcome == Outcome.DECEASED.value and case.outcome_confirmed_at is not None


def disclosure_for(session: Session, case: Case, inquiry_id: uuid.UUID) -> Disclosure:
    """What the requester of `inquiry_id` may be told about `case`. The one decision every channel asks."""
    if not death_confirmed(case):
        return NOTHING_TO_TELL
    rows = session.execute(
        select(CaseContact.purpose, CaseContact.channel, CaseContact.occurred_at)
        .where(
            CaseContact.inquiry_id == inquiry_id,
            CaseContact.direction == "outbound",
            CaseContact.purpose.in_(
                (ContactPurpose.DEATH_NOTIFICATION.value, ContactPurpose.NOTIFICATION_ATTEMPT.value)
            ),
        )
        .order_by(CaseContact.occurred_at)
    ).all()
    told = next((row for row in rows if row.purpose == ContactPurpose.DEATH_NOTIFICATION.value), None)
    attempts = tuple(row.occurred_at for row in rows if row.purpose == ContactPurpose.NOTIFICATION_ATTEMPT.value)
    released_at = session.execute(
        select(DeathDisclosureRelease.released_at).where(DeathDisclosureRelease.inquiry_id == inquiry_id)
    ).scalar_one_or_none()
    return Disclosure(
        death_confirmed=True,
        told_at=told.occurred_at if told else None,
        told_channel=told.channel if told else None,
        released_at=released_at,
        attempts=attempts,
    )
