"""The automatic acknowledgement: one reply per new sender, in the language of their email, through the job queue.

It says the message arrived, how the hotline works and how to recognise fraudsters; it never carries case data (an
address can be forged, and the reply goes to whoever the address belongs to). Automatic mail is never answered, an
address is answered at most once per `ack_interval_hours`, and all acknowledgements together are capped per hour,
so no mail loop can form and no flood of forged senders turns the hotline into a source of spam.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import settings_of, utcnow
from app.mailbox.models import Acknowledgement, MailCorrespondent, MailMessage
from app.mailbox.texts import N_, language_or_default, render, translate
from app.notifications.service import OutgoingEmail, queue_email, register_composer

ACK_KIND = "mailbox.acknowledgement"
SUBJECT = N_("We have received your message")


def own_addresses(settings: Settings) -> set[str]:
    """Addresses that are ours: mail from them is never answered."""
    addresses = {settings.portal.contact_email.lower(), settings.smtp.sender.rpartition("<")[2].strip(" >").lower()}
    addresses.update(a.username.lower() for a in settings.mailbox.imap_accounts() if "@" in a.username)
    return addresses


class Acknowledger:
    """Decides the acknowledgement of each message of one stored batch (in the batch's transaction).

    The batch's correspondents and the count of this hour's acknowledgements are read once, so deciding costs no
    query per message. A correspondent created here by two workers at once fails the batch's flush, and the batch
    is stored again (`intake.store_batch`).
    """

    def __init__(self, session: Session, settings: Settings, addresses: set[str]) -> None:
        self.session = session
        self.settings = settings
        self.now = utcnow()
        self.own = own_addresses(settings)
        found = session.execute(select(MailCorrespondent).where(MailCorrespondent.address.in_(sorted(addresses))))
        self.correspondents = {c.address: c for c in found.scalars()} if addresses else {}
        # Each address is acknowledged at most once an hour, so counting addresses counts acknowledgements.
        hour_ago = self.now - timedelta(hours=1)
        self.recent = session.execute(
            select(func.count()).select_from(MailCorrespondent).where(MailCorrespondent.last_ack_at > hour_ago)
        ).scalar_one()

    def _correspondent(self, address: str) -> MailCorrespondent:
        found = self.correspondents.get(address)
        if found is None:
            found = MailCorrespondent(
                address=address, first_seen_at=self.now, last_message_at=self.now, messages=0, acks=0
            )
            self.session.add(found)
            self.correspondents[address] = found
        return found

    def consider(self, message: MailMessage) -> Acknowledgement:
        """Whether `message` is acknowledged; queues the reply when it is."""
        address = message.sender_address
        correspondent = self._correspondent(address) if address else None
        if correspondent is not None:
            correspondent.messages += 1
            correspondent.last_message_at = self.now
        mailbox = self.settings.mailbox
        if not mailbox.acknowledge:
            return Acknowledgement.DISABLED
        if message.automatic:
            return Acknowledgement.AUTOMATIC
        if correspondent is None or address is None:
            return Acknowledgement.NO_ADDRESS
        if address in self.own:
            return Acknowledgement.AUTOMATIC
        interval = timedelta(hours=mailbox.ack_interval_hours)
        if correspondent.last_ack_at is not None and self.now - correspondent.last_ack_at < interval:
            return Acknowledgement.KNOWN_SENDER
        if self.recent >= mailbox.ack_max_per_hour:
            return Acknowledgement.RATE_LIMITED
        correspondent.last_ack_at, correspondent.acks = self.now, correspondent.acks + 1
        self.recent += 1
        # No dedupe key: the job is queued in the transaction that stores the message, so it exists exactly once.
        queue_email(self.session, ACK_KIND, {"mail_id": str(message.id)})
        return Acknowledgement.QUEUED


@register_composer(ACK_KIND)
def compose_acknowledgement(session: Session, payload: dict[str, Any]) -> OutgoingEmail | None:
    message = session.get(MailMessage, uuid.UUID(str(payload["mail_id"])))
    settings = settings_of(session)
    if message is None or message.sender_address is None:
        return None
    language = language_or_default(message.language)
    portal = settings.portal
    body = render(
        "mailbox/acknowledgement.txt",
        language,
        portal_url=portal.base_url.rstrip("/") + "/portal",
        contact_phone=portal.contact_phone,
        contact_email=portal.contact_email,
        contact_hours=portal.contact_hours,
    )
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if message.message_id:
        headers["In-Reply-To"] = f"<{message.message_id}>"
        headers["References"] = f"<{message.message_id}>"
    return OutgoingEmail(
        to=message.sender_address,
        subject=translate(language, SUBJECT),
        body=body,
        language=language,
        headers=headers,
    )
