"""`liaison idempotency purge`: remove stored responses past their retention (run it daily, e.g. from cron)."""

from __future__ import annotations

import typer

from app.config import get_settings
from app.db import create_db_engine, create_session_factory
from app.idempotency.service import RETENTION, purge_expired
from app.transaction import unit_of_work

idempotency_cli = typer.Typer(help="Stored responses of idempotent requests.", no_args_is_help=True)


@idempotency_cli.command("purge")
def purge() -> None:
    """Delete idempotency records older than their retention."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    try:
        with unit_of_work(create_session_factory(engine, settings)) as session:
            removed = purge_expired(session)
    finally:
        engine.dispose()
    typer.echo(f"removed {removed} idempotency records older than {RETENTION}")
