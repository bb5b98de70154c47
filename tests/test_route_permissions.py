"""Default deny: every route must declare a permission (or be explicitly public)."""

from __future__ import annotations

from fastapi.routing import APIRoute, iter_route_contexts

from app.auth.permissions import READ_ONLY, ROLES, Permission, Role
from app.config import Settings
from app.main import create_app

DOCS_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _declarations(dependant) -> list[object]:
    found = []
    for dep in dependant.dependencies:
        call = dep.call
        if getattr(call, "__permission__", None) is not None or getattr(call, "__public__", False):
            found.append(getattr(call, "__permission__", "public"))
        found.extend(_declarations(dep))
    return found


def test_every_route_declares_a_permission_or_is_public():
    app = create_app(Settings(environment="development", database_url="sqlite://"))
    undeclared, checked = [], 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            path = context.path or ""
            if path not in DOCS_ROUTES and not path.startswith(("/static", "/docs-assets")):
                undeclared.append(f"non-API route {path}")
            continue
        checked += 1
        if not _declarations(route.dependant):
            undeclared.append(f"{sorted(route.methods)} {context.path}")
    assert checked >= 10, "the walk should see every API route"
    assert not undeclared, "routes without a declared permission: " + ", ".join(undeclared)


def test_auditor_permissions_are_read_only():
    assert ROLES[Role.AUDITOR].permissions <= READ_ONLY


def test_admin_has_no_case_work_by_default():
    case_work = {p for p in Permission if p.value.startswith(("case:", "inquiry:", "match:", "handover:"))}
    assert not (ROLES[Role.ADMIN].permissions & case_work)
