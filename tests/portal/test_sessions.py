from datetime import timedelta

from fastapi.responses import Response
from sqlalchemy import update

from app.config import Settings
from app.portal.models import PortalSession
from app.portal.web import set_session_cookie
from tests.portal.factories import make_family
from tests.portal.helpers import arrange, sign_in


def _age_session(session_factory, **shift):
    def build(session):
        row = session.query(PortalSession).one()
        values = {name: getattr(row, name) - delta for name, delta in shift.items()}
        session.execute(update(PortalSession).where(PortalSession.id == row.id).values(**values))

    arrange(session_factory, build)


def test_session_idle_for_30_minutes_ends(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case.reference, code)
    assert client.get(f"/portal/cases/{case.reference}").status_code == 200
    _age_session(session_factory, last_seen_at=timedelta(minutes=31))
    again = client.get(f"/portal/cases/{case.reference}", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/portal"


def test_session_past_absolute_lifetime_ends_even_when_active(client, session_factory, backend):
    case, _, code = arrange(session_factory, lambda s: make_family(s))
    sign_in(client, case.reference, code)
    _age_session(session_factory, expires_at=timedelta(hours=12, seconds=1))
    assert client.get(f"/portal/cases/{case.reference}", follow_redirects=False).status_code == 303


def test_session_cookie_secure_outside_development_and_test():
    production = Settings(
        environment="production",
        database_url="postgresql://db/liaison",
        jwt_signing_key="k" * 40,
        portal={
            "contact_phone": "+380 44 000 00 00",
            "contact_email": "families@mod.example.org",
            "base_url": "https://families.mod.example.org",
        },
        smtp={"host": "smtp.mod.example.org"},
    )
    response = Response()
    set_session_cookie(response, production, "secret")
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    development = Settings(environment="development")
    response = Response()
    set_session_cookie(response, development, "secret")
    assert "Secure" not in response.headers["set-cookie"]
