import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app

STRONG_KEY = "k" * 48
PG_URL = "postgresql+psycopg://liaison@db/liaison"


def test_production_refuses_missing_or_short_signing_key():
    with pytest.raises(ValidationError, match="LIAISON_JWT_SIGNING_KEY"):
        Settings(environment="production", database_url=PG_URL)
    with pytest.raises(ValidationError, match="LIAISON_JWT_SIGNING_KEY"):
        Settings(environment="production", database_url=PG_URL, jwt_signing_key="short")


def test_production_refuses_sqlite():
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(environment="production", jwt_signing_key=STRONG_KEY)


CONTACTS = {"contact_phone": "+380 44 000 00 00", "contact_email": "families@mod.example.org"}


def test_production_refuses_example_family_contacts():
    with pytest.raises(ValidationError, match="LIAISON_PORTAL__CONTACT_PHONE"):
        Settings(environment="production", database_url=PG_URL, jwt_signing_key=STRONG_KEY)


PORTAL = {**CONTACTS, "base_url": "https://families.mod.example.org"}
SMTP = {"host": "smtp.mod.example.org"}


def test_production_refuses_to_start_without_smtp_settings_or_portal_address():
    with pytest.raises(ValidationError, match="LIAISON_SMTP__HOST"):
        Settings(environment="production", database_url=PG_URL, jwt_signing_key=STRONG_KEY, portal=PORTAL)
    with pytest.raises(ValidationError, match="LIAISON_PORTAL__BASE_URL"):
        Settings(environment="production", database_url=PG_URL, jwt_signing_key=STRONG_KEY, portal=CONTACTS, smtp=SMTP)
    production = Settings(
        environment="production", database_url=PG_URL, jwt_signing_key=STRONG_KEY, portal=PORTAL, smtp=SMTP
    )
    assert production.mail_sink_directory is None  # production never keeps mail instead of sending it


def test_development_email_links_follow_the_address_the_server_listens_on():
    assert Settings(environment="development", port=8123).portal.base_url == "http://127.0.0.1:8123"
    assert Settings(environment="development", host="0.0.0.0", port=9000).portal.base_url == "http://127.0.0.1:9000"
    explicit = Settings(environment="development", port=8123, portal={"base_url": "https://portal.example.org"})
    assert explicit.portal.base_url == "https://portal.example.org"


def test_production_disables_docs():
    app = create_app(
        Settings(environment="production", database_url=PG_URL, jwt_signing_key=STRONG_KEY, portal=PORTAL, smtp=SMTP)
    )
    client = TestClient(app)  # no lifespan: nothing here touches the (absent) database
    for path in ("/docs", "/openapi.json", "/docs-assets/swagger-ui-bundle.js"):
        assert client.get(path).status_code == 404


def test_development_serves_docs_from_local_assets():
    client = TestClient(create_app(Settings(environment="development", database_url="sqlite://")))
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200


def test_settings_read_from_environment(monkeypatch):
    monkeypatch.setenv("LIAISON_PORT", "8123")
    monkeypatch.setenv("LIAISON_ACCESS_TOKEN_MINUTES", "5")
    monkeypatch.setenv("LIAISON_SMTP__HOST", "mail.internal")
    monkeypatch.setenv("LIAISON_PORTAL__IDLE_MINUTES", "20")
    settings = Settings()
    assert settings.port == 8123 and settings.access_token_minutes == 5
    assert settings.smtp.host == "mail.internal" and settings.portal.idle_minutes == 20


def test_access_tokens_cannot_outlive_fifteen_minutes():
    with pytest.raises(ValidationError):
        Settings(access_token_minutes=60)
