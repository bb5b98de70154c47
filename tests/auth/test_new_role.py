"""A new role is one row of the role table, and it gets exactly that row on every route and in every case query.

The row is added here the way a deployment would add it (one entry in `app.auth.permissions.ROLES`), with nothing
else changed: the route guards and the scoped case queries must follow it on their own.
"""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from app.auth.permissions import ROLES, CaseScope, Permission, RoleGrant
from tests.cases.factories import assign, create_inquiry, inquiry_body, person
from tests.console.helpers import sign_in
from tests.test_route_permissions import _declarations

P = Permission
NEW_ROLE = "hotline_lead"
GRANT = RoleGrant(
    permissions=frozenset({P.INQUIRY_CREATE, P.INQUIRY_READ, P.CASE_READ, P.CASE_CONTACT_LOG}),
    case_scopes=frozenset({CaseScope.UNASSIGNED}),
)
PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")


@pytest.fixture
def hotline_lead(monkeypatch):
    monkeypatch.setitem(ROLES, NEW_ROLE, GRANT)


def _staff_routes(app) -> list[tuple[str, str, Permission]]:
    """(method, path, permission) of every API route guarded by a staff permission."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        permissions = [d for d in _declarations(route.dependant) if isinstance(d, Permission)]
        if permissions and context.path:
            found += [(method, context.path, permissions[0]) for method in sorted(route.methods - {"HEAD"})]
    return found


def _fill(path: str, reference: str) -> str:
    return PARAM.sub(lambda m: reference if m.group(1) == "reference" else str(uuid.uuid4()), path)


def test_new_role_gets_exactly_its_permissions_on_every_route(app, client, make_staff, hotline_lead, backend):
    lead = make_staff(NEW_ROLE)
    routes = _staff_routes(app)
    assert len(routes) > 50, "the walk should see every staff route"
    wrong = []
    api = [(m, p, perm) for m, p, perm in routes if p.startswith("/api/")]
    for method, path, permission in api:
        status = client.request(method, _fill(path, "PW-0000-0000-0"), headers=lead.headers).status_code
        if (status == 403) == (permission in GRANT.permissions) or status >= 500:
            wrong.append(f"{method} {path} ({permission}): {status}")
    # The console's pages, signed in through the console (GET only: a form post is refused without its CSRF token).
    sign_in(client, lead.user)
    pages = [(m, p, perm) for m, p, perm in routes if p.startswith("/staff") and m == "GET"]
    assert pages, "the console's pages should be in the walk"
    for method, path, permission in pages:
        status = client.request(method, _fill(path, "PW-0000-0000-0"), follow_redirects=False).status_code
        if (status == 403) == (permission in GRANT.permissions) or status >= 500:
            wrong.append(f"{method} {path} ({permission}): {status}")
    assert wrong == []


def test_new_role_sees_exactly_the_cases_in_its_scopes(client, make_staff, hotline_lead, backend):
    operator, supervisor, officer = make_staff("operator"), make_staff("supervisor"), make_staff("case_officer")
    in_scope = create_inquiry(client, operator)["case_reference"]
    assigned = create_inquiry(client, operator, inquiry_body(sought=person("Петренко", "Олег", "1990-01-02")))
    out_of_scope = assigned["case_reference"]
    assert assign(client, supervisor, out_of_scope, officer.id).status_code == 200
    lead = make_staff(NEW_ROLE)

    listed = client.get("/api/v1/cases", headers=lead.headers)
    assert listed.status_code == 200
    assert [c["reference"] for c in listed.json()["items"]] == [in_scope]
    for path in ("/api/v1/cases/{}", "/api/v1/cases/{}/contacts"):
        assert client.get(path.format(in_scope), headers=lead.headers).status_code == 200, path
        assert client.get(path.format(out_of_scope), headers=lead.headers).status_code == 404, path
    inquiry = assigned["inquiry"]["id"]
    assert client.get(f"/api/v1/inquiries/{inquiry}", headers=lead.headers).status_code == 404
    assert client.get(f"/api/v1/inquiries/{inquiry}", headers=operator.headers).status_code == 200
