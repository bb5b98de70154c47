"""A worker killed between fetch and commit, or between commit and marking: the restart stores exactly one row."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT
from tests.conftest import TEST_SIGNING_KEY
from tests.mailbox import messages
from tests.mailbox.helpers import stored

SEEN = b"\\Seen"


def _run_crashing_poller(mailbox, db_url: str, moment: str) -> subprocess.CompletedProcess[str]:
    account = mailbox.account.model_dump(mode="json")
    env = {
        **os.environ,
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_DATABASE_URL": db_url,
        "LIAISON_JWT_SIGNING_KEY": TEST_SIGNING_KEY,
        "LIAISON_MAILBOX__ACCOUNTS": json.dumps([account]),
    }
    return subprocess.run(
        [sys.executable, "-m", "tests.mailbox.crash_poller", moment],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("moment", ["before-commit", "before-mark"])
def test_worker_killed_mid_batch_restart_stores_each_message_exactly_once(
    mailbox, db_url, session_factory, backend, moment
):
    mailbox.deliver(messages.plain("Ищу сына, Сидоров Павел."), messages.plain("Второе письмо о нём же."))

    crashed = _run_crashing_poller(mailbox, db_url, moment)

    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert len(stored(session_factory)) == (0 if moment == "before-commit" else 2)
    assert all(SEEN not in flags for flags in mailbox.flags())

    outcome = mailbox.poll()

    rows = stored(session_factory)
    assert len(rows) == 2
    assert sorted(m.uid for m in rows) == [1, 2]
    assert outcome.result.stored == (2 if moment == "before-commit" else 0)
    assert all(SEEN in flags for flags in mailbox.flags())
