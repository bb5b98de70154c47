"""Case matches: registry persons proposed as the sought person of a case, and the officers' decisions on them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class MatchOrigin(StrEnum):
    LOOKUP = "lookup"
    """An officer ran the lookup for the case."""
    RESEARCH = "research"
    """The background re-search after a registry import found it."""
    MANUAL = "manual"
    """An officer proposed the person by hand."""


class CaseMatch(Base):
    """One registry person proposed for one case. A case holds each person at most once, so a rejected candidate
    stays rejected and is never proposed again; at most one match per case is confirmed (a partial unique index)."""

    __tablename__ = "case_match"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("registry_person.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=MatchStatus.PROPOSED.value)
    origin: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    """The engine's score in [0, 1] when proposed."""
    strength: Mapped[str] = mapped_column(String(8))
    """`strong`, `possible` or `weak`."""
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """Per field: `{"field", "verdict", "detail", "weight"}`, as the engine explained the score."""
    proposed_by: Mapped[str] = mapped_column(String(80))
    """A staff user id, or `system` for the re-search job."""
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("case_id", "person_id"),
        Index(
            "uq_case_match_one_confirmed",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
    )
