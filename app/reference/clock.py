"""What "today" means for planning: the calendar day on the Polish border, where every route ends."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BORDER_ZONE = ZoneInfo("Europe/Warsaw")


def border_today() -> date:
    return datetime.now(BORDER_ZONE).date()
