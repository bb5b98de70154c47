"""The development drop directory (`var/inbox/` under `make run`): a dropped `.eml` is stored, then moved aside."""

from __future__ import annotations

from app.mailbox.directory import DirectoryPoller
from app.mailbox.worker import pollers
from tests.conftest import make_settings
from tests.mailbox import messages
from tests.mailbox.helpers import stored


def test_dropped_eml_is_stored_and_moved_to_processed(tmp_path, settings, session_factory, backend):
    raw = messages.plain("Шукаю сина.", sender="olena@family.example", subject="Син")
    (tmp_path / "letter.eml").write_bytes(raw)
    (tmp_path / "notes.txt").write_text("not mail")

    result = DirectoryPoller(tmp_path, session_factory, settings).poll()
    again = DirectoryPoller(tmp_path, session_factory, settings).poll()

    assert (result.stored, again.stored) == (1, 0)
    [message] = stored(session_factory)
    assert (message.mailbox, message.uid, message.subject) == ("directory", None, "Син")
    assert not (tmp_path / "letter.eml").exists()
    assert (tmp_path / "processed" / "letter.eml").read_bytes() == raw
    assert (tmp_path / "notes.txt").exists()


def test_same_file_dropped_twice_is_stored_once(tmp_path, settings, session_factory, backend):
    raw = messages.plain("Письмо.")
    poller = DirectoryPoller(tmp_path, session_factory, settings)
    (tmp_path / "a.eml").write_bytes(raw)
    poller.poll()
    (tmp_path / "a-copy.eml").write_bytes(raw)

    result = poller.poll()

    assert (result.stored, result.duplicates) == (0, 1)
    assert len(stored(session_factory)) == 1


def test_development_reads_var_inbox_and_test_environment_reads_nothing(tmp_path):
    development = make_settings("sqlite:///unused.db", environment="development")
    assert str(development.mailbox_directory).endswith("var/inbox")
    assert make_settings("sqlite:///unused.db").mailbox_directory is None
    chosen = make_settings("sqlite:///unused.db", mailbox={"directory": str(tmp_path)})
    assert list(pollers(None, chosen)) == ["mailbox-directory"]  # type: ignore[arg-type]
