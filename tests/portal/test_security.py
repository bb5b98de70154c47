"""The portal's promises to families: only their own case, no one else's data, no cross-site tricks."""

from tests.portal.factories import add_contact, make_family, make_inquiry
from tests.portal.helpers import arrange, csrf_from, sign_in

CANARIES = (
    "CANARY-NAME-Zhanna",
    "canary.other@example.org",
    "+79990001122",
    "CANARY-INTERNAL-NOTE",
    "CANARY-OTHER-MESSAGE",
    "CANARY-OPERATOR-NOTES",
    "CANARY-MARKS",
)


def _family_with_other_requester(session):
    """Case with two requesters: ours, and another whose details must never reach us."""
    case, _mine, code = make_family(session, state="in_captivity", outcome="in_captivity")
    other = make_inquiry(
        session,
        case,
        requester_name="CANARY-NAME-Zhanna",
        requester_name_key="canary name zhanna",
        requester_email="canary.other@example.org",
        requester_phone="+79990001122",
        operator_notes="CANARY-OPERATOR-NOTES",
        sought_distinguishing_marks="CANARY-MARKS",
        sought_surname="Petrov",
    )
    add_contact(session, case, inquiry_id=other.id, summary="CANARY-OTHER-MESSAGE")
    add_contact(session, case, inquiry_id=other.id, direction="inbound", summary="CANARY-OTHER-MESSAGE")
    add_contact(session, case, summary="CANARY-INTERNAL-NOTE", visible_to_family=False, channel="phone")
    return case, code


def test_session_for_case_a_asking_case_b_gets_404(client, session_factory, backend):
    case_a, _, code_a = arrange(session_factory, lambda s: make_family(s))
    case_b, _, _ = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case_a.reference, code_a)
    assert client.get(f"/portal/cases/{case_b.reference}").status_code == 404
    assert client.get(f"/api/v1/portal/cases/{case_b.reference}").status_code == 404
    page = client.get(f"/portal/cases/{case_a.reference}")
    assert page.status_code == 200 and case_a.reference in page.text
    posted = client.post(
        f"/portal/cases/{case_b.reference}/messages", data={"text": "hi", "csrf_token": csrf_from(page.text)}
    )
    assert posted.status_code == 404


def test_family_token_for_case_a_asking_case_b_gets_404(client, session_factory, backend):
    case_a, _, code_a = arrange(session_factory, lambda s: make_family(s))
    case_b, _, _ = arrange(session_factory, lambda s: make_family(s))
    token = client.post("/api/v1/portal/token", json={"reference": case_a.reference, "access_code": code_a}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get(f"/api/v1/portal/cases/{case_b.reference}", headers=headers).status_code == 404
    sent = client.post(f"/api/v1/portal/cases/{case_b.reference}/messages", json={"text": "x"}, headers=headers)
    assert sent.status_code == 404


def test_form_post_without_csrf_token_gets_403(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    client.get("/portal")
    assert client.post("/portal/sign-in", data={"reference": case.reference, "access_code": code}).status_code == 403
    sign_in(client, case.reference, code)
    no_token = client.post(f"/portal/cases/{case.reference}/messages", data={"text": "hello"})
    assert no_token.status_code == 403
    assert no_token.headers["content-type"].startswith("text/html")
    assert client.post("/portal/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/portal/inquiry", data={"requester_name": "X"}).status_code == 403


def test_cookie_api_post_without_csrf_header_gets_403(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case.reference, code)
    response = client.post(f"/api/v1/portal/cases/{case.reference}/messages", json={"text": "hello"})
    assert response.status_code == 403


def test_family_token_on_staff_endpoint_is_refused(client, session_factory, backend):
    case, inquiry, code = arrange(session_factory, lambda s: make_family(s))
    token = client.post("/api/v1/portal/token", json={"reference": case.reference, "access_code": code}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for method, path in (
        ("GET", "/api/v1/admin/users"),
        ("GET", f"/api/v1/cases/{case.reference}/portal-access"),
        ("POST", f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code"),
        ("GET", "/api/v1/auth/me"),
    ):
        assert client.request(method, path, headers=headers).status_code in (401, 403), path


def test_staff_token_is_not_a_family_token(client, session_factory, make_staff, backend):
    operator = make_staff("operator")
    assert client.get("/api/v1/portal/case", headers=operator.headers).status_code == 401


def test_no_other_requester_data_in_any_portal_response(client, session_factory, backend):
    case, code = arrange(session_factory, _family_with_other_requester)
    responses = [sign_in(client, case.reference, code, follow=True)]
    responses.append(client.get(f"/portal/cases/{case.reference}"))
    responses.append(client.get("/api/v1/portal/case"))
    for lang in ("ru", "uk", "en"):
        responses.append(client.get(f"/api/v1/portal/cases/{case.reference}", params={"lang": lang}))
    token = client.post("/api/v1/portal/token", json={"reference": case.reference, "access_code": code}).json()
    responses.append(client.get("/api/v1/portal/case", headers={"Authorization": f"Bearer {token['access_token']}"}))
    for response in responses:
        # The family's own case, not an error page on which the canaries would be missing anyway.
        assert response.status_code == 200 and case.reference in response.text, response.text[:300]
        for canary in CANARIES:
            assert canary not in response.text


def test_deceased_proposal_pending_is_invisible_to_family(client, session_factory, backend):
    """A proposal leaves the case where it was; the family sees the confirmed state only."""
    case, _, code = arrange(session_factory, lambda s: make_family(s, state="match_proposed"))
    sign_in(client, case.reference, code)
    data = client.get("/api/v1/portal/case", params={"lang": "en"}).json()
    assert data["status"] == "searching" and data["deceased"] is False


def test_revoked_code_ends_open_sessions(client, session_factory, make_staff, backend):
    case, inquiry, code = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case.reference, code)
    assert client.get(f"/portal/cases/{case.reference}").status_code == 200
    operator = make_staff("operator")
    url = f"/api/v1/cases/{case.reference}/inquiries/{inquiry.id}/access-code"
    assert client.delete(url, headers=operator.headers).status_code == 204
    assert client.get(f"/portal/cases/{case.reference}", follow_redirects=False).status_code == 303
