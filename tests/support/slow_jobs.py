"""A job kind for stop tests: it holds while a file exists, and records its effect in its own transaction.

Imported by a worker process started for a test (`python -c "import tests.support.slow_jobs; ..." worker`) and by
the test itself. The effect is a far-future `test.effect` job: a row written in the handler's transaction, so the
test counts exactly how often the work committed.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.jobs import enqueue, handler

KIND = "test.hold"
EFFECT = "test.effect"


@handler(KIND)
def hold_then_record(session: Session, payload: dict[str, Any]) -> None:
    Path(payload["started"]).touch()
    hold = Path(payload["hold"])
    deadline = time.monotonic() + 60
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    enqueue(session, EFFECT, {"of": payload["n"]}, delay=timedelta(days=365))
