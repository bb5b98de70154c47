"""Browser fixtures: the app served by uvicorn on 127.0.0.1 (own SQLite database, migrated from the template) and
Debian's Chromium driven headless by Playwright. No browser is ever downloaded: `/usr/bin/chromium` must exist
(`apt-get install -y chromium`)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import make_settings

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "portal"
AXE = Path(__file__).resolve().parents[2] / "vendor" / "axe-core" / "axe.min.js"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    session_factory: sessionmaker[Session]


@pytest.fixture(scope="module")
def live_server(_sqlite_template) -> Iterator[LiveServer]:
    from app.main import create_app

    db_url = _sqlite_template.new_database()
    application = create_app(make_settings(db_url))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="portal-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", application.state.session_factory)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        _sqlite_template.drop_database(db_url)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class Visit:
    """One browser context (a family's phone): its page, and every request and console error it saw."""

    page: object
    requests: list[str]
    console_errors: list[str]


@pytest.fixture
def visit(browser, live_server) -> Iterator[Visit]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="ru-RU", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield Visit(page, requests, errors)
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_accessibility(page) -> list[dict]:
    """axe-core (vendored) on the current page; returns the serious and critical violations."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})); }"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
