"""The application factory: settings, database, middleware, error handlers, routers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import app.job_handlers
import app.models  # noqa: F401  (registers every mapped class)
from app.audit.router import router as audit_router
from app.audit.sealer import start_sealer_thread
from app.auth.router import router as auth_router
from app.cases.router import router as cases_router
from app.cases.router_call_tasks import router as call_tasks_router
from app.cases.router_death_notice import router as death_notice_router
from app.cases.router_family_messages import router as family_messages_router
from app.config import Settings, get_settings
from app.console.errors_html import render_error as console_error_page
from app.console.router import install as install_console
from app.console.router import router as console_router
from app.db import create_db_engine, create_session_factory
from app.docs import install_docs
from app.errors import install_error_handlers
from app.handovers.outputs_router import router as handover_outputs_router
from app.handovers.router import router as handovers_router
from app.health import router as health_router
from app.inquiries.attachment_router import router as inquiry_attachment_router
from app.inquiries.router import router as inquiries_router
from app.jobs.queue import run_forever
from app.logging import configure_logging
from app.mailbox.router import router as mailbox_router
from app.mailbox.worker import start_pollers
from app.matches.router import router as matches_router
from app.metrics.exposition import MetricsMiddleware
from app.middleware import RequestContextMiddleware
from app.portal.errors_html import render_error as portal_error_page
from app.portal.router import router as portal_router
from app.reference.router import router as reference_router
from app.registry.router import router as registry_router
from app.staff.router import router as staff_router

ROUTERS = [
    health_router,
    auth_router,
    staff_router,
    audit_router,
    inquiries_router,
    mailbox_router,
    cases_router,
    inquiry_attachment_router,
    death_notice_router,
    call_tasks_router,
    family_messages_router,
    portal_router,
    console_router,
    registry_router,
    matches_router,
    reference_router,
    handovers_router,
    handover_outputs_router,
]

DESCRIPTION = """
POW Liaison helps families learn whether a soldier is held as a prisoner of war or has died, and brings them
safely to a handover when one is agreed. Staff sign in at `/api/v1/auth/token`; every route states the
permission it needs. Errors are RFC 9457 problem details.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    stop = threading.Event()
    thread = None
    mailbox_threads: list[threading.Thread] = []
    if app.state.settings.runs_embedded_worker:
        start_sealer_thread(app.state.session_factory, stop)
        thread = threading.Thread(
            target=run_forever,
            args=(app.state.session_factory,),
            kwargs={"poll_seconds": 2.0, "should_stop": stop.is_set},
            name="embedded-worker",
            daemon=True,
        )
        thread.start()
        mailbox_threads = start_pollers(app.state.session_factory, app.state.settings, stop)
    yield
    stop.set()
    if thread is not None:
        thread.join(timeout=5)
        for poller in mailbox_threads:
            poller.join(timeout=5)
    app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    docs = not settings.is_production
    app = FastAPI(
        title="POW Liaison",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,  # served from local assets by app.docs
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        lifespan=lifespan,
    )
    engine = create_db_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine, settings)

    install_error_handlers(app, {"/portal": portal_error_page, "/staff": console_error_page})
    install_console(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
        )
    # Inside the request context (its log lines carry the request id), outside everything else.
    app.add_middleware(MetricsMiddleware, config=settings.metrics, session_factory=app.state.session_factory)
    app.add_middleware(RequestContextMiddleware, trust_forwarded_for=settings.trust_forwarded_for)
    for router in ROUTERS:
        app.include_router(router)
    if docs:
        install_docs(app)
    return app
