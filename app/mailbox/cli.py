"""`liaison mailbox`: read the configured mailboxes now (the worker does it continuously)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.config import get_settings
from app.db import create_db_engine, create_session_factory
from app.mailbox.directory import DirectoryPoller
from app.mailbox.imap import ImapPoller, connect

mailbox_cli = typer.Typer(help="Email intake.", no_args_is_help=True)


@mailbox_cli.command("poll")
def poll(
    name: Annotated[str | None, typer.Option(help="Only this mailbox (`directory` for the drop directory)")] = None,
) -> None:
    """Store every new message of each configured mailbox once, then exit."""
    settings = get_settings()
    factory = create_session_factory(create_db_engine(settings.database_url), settings)
    for account in settings.mailbox.imap_accounts():
        if name not in (None, account.name):
            continue
        poller = ImapPoller(account, factory, settings)
        with connect(account) as client:
            outcome = poller.poll(client)
        typer.echo(
            f"{account.name}: fetched {outcome.fetched}, stored {outcome.result.stored}, "
            f"already stored {outcome.result.known + outcome.result.duplicates}"
        )
    directory = settings.mailbox_directory
    if directory is not None and name in (None, "directory"):
        result = DirectoryPoller(directory, factory, settings).poll()
        typer.echo(f"directory {directory}: stored {result.stored}, already stored {result.duplicates}")
