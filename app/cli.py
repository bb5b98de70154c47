"""The `liaison` command: serve, migrate, seed, users, audit, openapi."""

from __future__ import annotations

import getpass
import json
import logging
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import job_handlers, migrations
from app.audit import chain, checkpoints, sealer, system_actor
from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.config import PROJECT_ROOT, get_settings
from app.db import create_db_engine, create_session_factory, read_session
from app.demo import seed_demo_accounts
from app.demo_cases import seed_demo_cases
from app.errors import DomainError
from app.idempotency.cli import idempotency_cli
from app.jobs.queue import run_forever, run_pending
from app.jobs.stopping import StopSignals, WorkerStopped
from app.logging import configure_logging
from app.mailbox.cli import mailbox_cli
from app.mailbox.worker import start_pollers
from app.metrics.exposition import prepare_multiprocess_directory, serve_process_metrics
from app.openapi import render_openapi
from app.reference.seed import seed_demo_reference, seed_reference_data
from app.registry.cli import registry_cli
from app.staff import service as staff_service
from app.staff.models import StaffUser
from app.transaction import unit_of_work

log = logging.getLogger("app.cli")
cli = typer.Typer(help="POW Liaison: case management for families of captured or dead soldiers.", no_args_is_help=True)
users_cli = typer.Typer(help="Staff accounts.", no_args_is_help=True)
audit_cli = typer.Typer(help="The audit trail.", no_args_is_help=True)
cli.add_typer(users_cli, name="users")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(registry_cli, name="registry")
cli.add_typer(idempotency_cli, name="idempotency")
cli.add_typer(mailbox_cli, name="mailbox")


def _factory() -> sessionmaker[Session]:
    settings = get_settings()
    return create_session_factory(create_db_engine(settings.database_url), settings)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (LIAISON_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LIAISON_PORT)")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    wait_for_schema: Annotated[
        float, typer.Option(help="Seconds to wait for the database schema to reach the migrations' head")
    ] = 120.0,
    grace: Annotated[float, typer.Option(help="On SIGTERM/SIGINT, seconds in-flight requests may take")] = 20.0,
) -> None:
    """Serve the API and portal with uvicorn (httptools, uvloop).

    Starts once the schema is at the migrations' head (run `liaison migrate` first). SIGTERM or SIGINT: stop
    accepting connections, let in-flight requests finish (up to --grace seconds), exit 0."""
    settings = get_settings()
    configure_logging(settings.log_level)
    await_schema_head(settings.database_url, wait_for_schema)
    if workers > 1:
        prepare_multiprocess_directory()  # one /metrics scrape sums every server process
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        access_log=False,
        proxy_headers=settings.trust_forwarded_for,
        log_config=None,
        timeout_graceful_shutdown=max(1, round(grace)),
        # A process still importing the app on a busy host is not hung: uvicorn's 5 s default restarts it in a loop.
        timeout_worker_healthcheck=30,
    )


def await_schema_head(database_url: str, timeout_seconds: float) -> None:
    """Exit 1 (for the orchestrator to restart us) unless the schema reaches the head in time."""
    if not migrations.wait_for_head(database_url, timeout_seconds=timeout_seconds):
        typer.echo(f"the database schema is not at the migrations' head after {timeout_seconds:g} s", err=True)
        raise typer.Exit(1)


@cli.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply database migrations (to the latest by default); run it once before starting servers and workers.

    On PostgreSQL it holds an advisory lock: migrators started at once run one after the other."""
    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    migrations.upgrade_exclusively(settings.database_url, revision)
    typer.echo(f"database at {revision}")


@cli.command()
def seed(
    demo: Annotated[bool, typer.Option(help="Also create demo staff accounts (not in production)")] = False,
) -> None:
    """Load reference data; with --demo, demo accounts too. Safe to run again: nothing is duplicated."""
    settings = get_settings()
    with unit_of_work(_factory()) as session:
        typer.echo(f"reference data: {seed_reference_data(session).summary()}")
        if demo and not settings.is_production:
            result = seed_demo_accounts(session, settings)
            typer.echo(f"demo accounts: {', '.join(result.created) or 'already present'}")
            source = "generated for this installation" if result.generated else "unchanged"
            if settings.demo_password:
                typer.echo("demo password: the value of LIAISON_DEMO_PASSWORD")
            else:
                typer.echo(f"demo password ({source}, kept in var/demo-password): {result.password}")
            demo_reference = seed_demo_reference(session, is_production=False)
            typer.echo(f"demo handover points and escort teams: {demo_reference.summary()}")
            typer.echo(f"demo registry and cases: {seed_demo_cases(session, settings).summary()}")
        elif demo:
            typer.echo("demo accounts are never created in production", err=True)


@users_cli.command("create")
def users_create(
    username: str,
    email: str,
    role: Annotated[list[Role], typer.Option("--role", help="Repeat for several roles")],
    full_name: Annotated[str | None, typer.Option(help="Defaults to the user name")] = None,
) -> None:
    """Create a staff user; the password is asked for (or read from stdin when not a terminal)."""
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(password) < 12:
        typer.echo("password must have at least 12 characters", err=True)
        raise typer.Exit(2)
    try:
        with unit_of_work(_factory()) as session:
            user = staff_service.create_user(
                session,
                actor=system_actor(),
                username=username,
                email=email,
                full_name=full_name or username,
                password=password,
                roles=[r.value for r in role],
            )
            typer.echo(f"created {user.username} ({user.id})")
    except DomainError as exc:
        typer.echo(exc.detail, err=True)
        raise typer.Exit(1) from exc


@users_cli.command("list")
def users_list() -> None:
    """List staff users."""
    with unit_of_work(_factory()) as session:
        for user in session.execute(select(StaffUser).order_by(StaffUser.username)).scalars():
            state = "active" if user.is_active else "inactive"
            typer.echo(f"{user.id}  {user.username:24} {state:8} {','.join(user.roles)}")


@users_cli.command("deactivate")
def users_deactivate(username: str) -> None:
    """Deactivate a user and end their sessions."""
    with unit_of_work(_factory()) as session:
        user = session.execute(select(StaffUser).where(StaffUser.username == username.lower())).scalar_one_or_none()
        if user is None:
            typer.echo(f"no user {username}", err=True)
            raise typer.Exit(1)
        staff_service.update_user(session, actor=system_actor(), user=user, is_active=False)
        typer.echo(f"deactivated {user.username}")


@audit_cli.command("verify")
def audit_verify(
    checkpoint: Annotated[
        Path | None, typer.Option(help="A published checkpoint (JSON) the chain must still contain")
    ] = None,
    public_key: Annotated[
        str | None, typer.Option(help="Base64 Ed25519 public key for --checkpoint (default: this installation's)")
    ] = None,
) -> None:
    """Recompute the sealed audit chain and report the unsealed tail; exit 1 on a broken chain or overdue tail."""
    settings = get_settings()
    with read_session(_factory()) as session:
        result = chain.verify(session)
        published_problem = None
        if checkpoint is not None:
            published = checkpoints.Published.parse(json.loads(checkpoint.read_text()))
            verifier = (
                checkpoints.Verifier.from_b64(public_key)
                if public_key
                else checkpoints.Verifier.from_settings(settings)
            )
            stored_hash = session.execute(
                select(AuditEvent.hash).where(AuditEvent.seq == published.seq)
            ).scalar_one_or_none()
            published_problem = verifier.check(published, stored_hash, result.events_checked)
    typer.echo(
        f"sealed: {result.events_checked} events verified, head seq={result.head_seq} hash={result.head_hash}; "
        f"checkpoints: {result.checkpoints_checked}"
    )
    oldest = result.oldest_unsealed_at.isoformat() if result.oldest_unsealed_at else "-"
    typer.echo(
        f"unsealed tail: {result.unsealed} events, oldest {oldest}{' OVERDUE' if result.unsealed_overdue else ''}"
    )
    if checkpoint is not None:
        typer.echo(f"published checkpoint: {published_problem or 'held by the chain'}")
    if result.ok and published_problem is None:
        typer.echo("audit trail verified")
        return
    if result.first_bad_seq is not None:
        typer.echo(f"audit trail does NOT verify at event seq={result.first_bad_seq}: {result.reason}", err=True)
    elif result.unsealed_overdue:
        typer.echo(f"ALARM: {result.reason}", err=True)
    if published_problem is not None:
        typer.echo(f"published checkpoint does NOT hold: {published_problem}", err=True)
    raise typer.Exit(1)


@audit_cli.command("seal")
def audit_seal() -> None:
    """Link every unsealed event into the chain now (the workers do this continuously)."""
    typer.echo(f"sealed {sealer.seal(_factory())} events")


@audit_cli.command("checkpoint")
def audit_checkpoint() -> None:
    """Seal, sign a checkpoint of the head, and print it as JSON to publish (with the public key)."""
    factory = _factory()
    settings = get_settings()
    sealer.seal(factory, checkpoint=False)
    with unit_of_work(factory) as session:
        stored = sealer.checkpoint_now(session)
        published = checkpoints.as_published(stored, checkpoints.signing_key(settings).public_key())
    typer.echo(json.dumps(published, indent=2))


@audit_cli.command("public-key")
def audit_public_key() -> None:
    """Print the base64 Ed25519 public key that checks this installation's checkpoints."""
    typer.echo(checkpoints.public_key_b64(checkpoints.signing_key(get_settings()).public_key()))


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run the jobs that are due, then exit")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between polls when idle")] = 2.0,
    grace: Annotated[
        float, typer.Option(help="On SIGTERM/SIGINT, seconds the current job may take before it is given back")
    ] = 20.0,
    wait_for_schema: Annotated[
        float, typer.Option(help="Seconds to wait for the database schema to reach the migrations' head")
    ] = 120.0,
    metrics_port: Annotated[
        int, typer.Option(help="Serve this worker's /metrics (mail counters) on this port; 0: off")
    ] = 0,
    metrics_host: Annotated[str, typer.Option(help="Interface for --metrics-port")] = "127.0.0.1",
) -> None:
    """Process background jobs (mail, registry imports, re-matching) and read the mailboxes
    (`LIAISON_MAILBOX__*`). Run several for more throughput.

    SIGTERM or SIGINT: claim nothing more, finish the current job (or give it back to the queue after --grace
    seconds, or on a second signal), exit 0."""
    settings = get_settings()
    configure_logging(settings.log_level)
    await_schema_head(settings.database_url, wait_for_schema)
    factory = _factory()
    if once:
        typer.echo(f"sealed {sealer.seal(factory)} audit events")
        typer.echo(f"ran {run_pending(factory)} jobs")
        return
    if metrics_port:
        serve_process_metrics(settings.metrics, metrics_host, metrics_port)
    stop_mailboxes = threading.Event()
    start_pollers(factory, settings, stop_mailboxes)
    sealer.start_sealer_thread(factory, stop_mailboxes)
    try:
        run_worker_until_stopped(factory, poll_seconds=poll, grace_seconds=grace)
    finally:
        stop_mailboxes.set()


def run_worker_until_stopped(factory: sessionmaker[Session], *, poll_seconds: float, grace_seconds: float) -> None:
    stops = StopSignals(grace_seconds).install()
    log.info("worker started", extra={"poll_seconds": poll_seconds})
    try:
        run_forever(
            factory, poll_seconds=poll_seconds, should_stop=stops.requested.is_set, interruptible=stops.interruptible
        )
    except WorkerStopped:
        pass
    finally:
        stops.uninstall()
    log.info("worker stopped")


@cli.command()
def openapi(
    out: Annotated[Path, typer.Option(help="Where to write")] = PROJECT_ROOT / "openapi" / "openapi.json",
) -> None:
    """Write the OpenAPI document of the app to openapi/openapi.json."""
    out.write_text(render_openapi())
    typer.echo(f"wrote {out}")


def main() -> None:
    assert job_handlers  # imported for its side effect: every job kind is registered
    cli()


if __name__ == "__main__":
    main()
