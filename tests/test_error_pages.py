"""HTML error pages are registered by `create_app`, per application: importing a router registers nothing."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

import app.console.router
import app.portal.router  # noqa: F401  (imported on purpose: an import must not change error rendering)
from app.errors import NotFound, install_error_handlers


def test_an_application_without_pages_answers_problem_json_even_under_portal_paths():
    bare = FastAPI()
    install_error_handlers(bare)

    @bare.get("/portal/anything")
    def anything() -> None:
        raise NotFound("nothing here")

    with TestClient(bare) as client:
        response = client.get("/portal/anything")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "nothing here"


def test_create_app_gives_portal_and_console_their_html_error_pages(client, backend):
    portal = client.get("/portal/no-such-page", headers={"Accept-Language": "en"})
    assert portal.status_code == 404 and portal.headers["content-type"].startswith("text/html")
    assert "Page not found" in portal.text
    api = client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
    assert set(client.app.state.html_error_pages) == {"/portal", "/staff"}
