"""Query parameters shared by the case and inquiry listings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from app.cases.models import Channel
from app.cases.search import SearchFilters
from app.errors import Unprocessable


def search_filters(
    name: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Requester's or sought person's name, any part, any case, with or without accents, "
            "Cyrillic or Latin; the sought person also in any spelling the lookup engine understands",
        ),
    ] = None,
    phone: Annotated[str | None, Query(max_length=40, description="A full number, or some of its digits")] = None,
    email: Annotated[str | None, Query(max_length=254, description="A full address, or part of one")] = None,
    channel: Annotated[Channel | None, Query()] = None,
    received_from: Annotated[datetime | None, Query(description="Inquiries received at or after (with offset)")] = None,
    received_to: Annotated[datetime | None, Query(description="Inquiries received before (with offset)")] = None,
    reference: Annotated[str | None, Query(max_length=40, description="A case reference, typed any way")] = None,
) -> SearchFilters:
    for label, value in (("received_from", received_from), ("received_to", received_to)):
        if value is not None and value.tzinfo is None:
            raise Unprocessable(
                "Timestamps need a UTC offset.", errors=[{"parameter": label, "detail": "add a UTC offset, e.g. Z"}]
            )
    return SearchFilters(
        name=name.strip() if name and name.strip() else None,
        phone=phone.strip() if phone and phone.strip() else None,
        email=email.strip() if email and email.strip() else None,
        channel=channel.value if channel else None,
        received_from=received_from,
        received_to=received_to,
        reference=reference.strip() if reference and reference.strip() else None,
    )


SearchDep = Annotated[SearchFilters, Depends(search_filters)]
