"""compose.yaml and the Dockerfile, read as Docker would read them (no Docker engine runs in CI).

compose's variable interpolation is reproduced for the forms the file uses (`${VAR}`, `${VAR:-default}`,
`${VAR:?message}`), so the tests see the values the services would get, and the refusals compose would make.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from app.config import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "compose.yaml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
LIAISON_SERVICES = ("migrate", "app", "worker")
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")

FULL_ENVIRONMENT = {
    "POSTGRES_PASSWORD": "pg-secret-from-the-operator",
    "LIAISON_JWT_SIGNING_KEY": "k" * 64,
    "LIAISON_PORTAL__CONTACT_PHONE": "+380 44 000 00 00",
    "LIAISON_PORTAL__CONTACT_EMAIL": "families@ministry.example",
    "LIAISON_PORTAL__BASE_URL": "https://liaison.ministry.example",
    "LIAISON_SMTP__HOST": "relay.ministry.example",
}


class MissingVariable(Exception):
    pass


def interpolate(value: Any, environment: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: interpolate(item, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        present = environment.get(name)
        unset_or_empty = not present
        if op in (":?", "?") and (unset_or_empty if op == ":?" else present is None):
            raise MissingVariable(f"{name}: {arg}")
        if op in (":-", "-") and (unset_or_empty if op == ":-" else present is None):
            return arg
        return present or ""

    return _VARIABLE.sub(substitute, value)


def compose(environment: dict[str, str] | None = None) -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    return interpolate(document, FULL_ENVIRONMENT if environment is None else environment)


def test_compose_refuses_to_start_without_each_secret_and_setting():
    for name in FULL_ENVIRONMENT:
        partial = {k: v for k, v in FULL_ENVIRONMENT.items() if k != name}
        with pytest.raises(MissingVariable, match=name):
            compose(partial)
    assert "change-me" not in COMPOSE.read_text()


def test_compose_database_password_reaches_postgres_and_every_liaison_service():
    services = compose()["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == "pg-secret-from-the-operator"
    for name in LIAISON_SERVICES:
        env = services[name]["environment"]
        assert env["LIAISON_DATABASE_URL"] == "postgresql+psycopg://liaison:pg-secret-from-the-operator@db:5432/liaison"
        assert env["LIAISON_ENVIRONMENT"] == "production"
        assert env["LIAISON_SMTP__HOST"] == "relay.ministry.example"


def test_compose_builds_one_image_for_migrate_app_and_worker():
    services = compose()["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["migrate"]
    images = {services[name]["image"] for name in LIAISON_SERVICES}
    assert images == {"pow-liaison:local"}
    assert services["app"]["pull_policy"] == services["worker"]["pull_policy"] == "never"


def test_compose_runs_migrations_once_before_app_and_worker():
    services = compose()["services"]
    migrate = services["migrate"]
    assert "liaison migrate" in " ".join(migrate["command"]) and migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("app", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert "migrate" not in " ".join(services[name]["command"])


def test_compose_restarts_long_running_services_and_gives_them_time_to_stop():
    services = compose()["services"]
    for name in ("db", "app", "worker"):
        assert services[name]["restart"] == "unless-stopped"
    for name in ("app", "worker"):
        command = services[name]["command"]
        grace = float(command[command.index("--grace") + 1])
        assert grace < int(services[name]["stop_grace_period"].rstrip("s"))  # drains before Docker's SIGKILL


def test_compose_database_health_waits_for_tcp_connections():
    test = compose()["services"]["db"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "pg_isready"] and "--host=127.0.0.1" in test


def test_compose_app_listens_and_publishes_on_the_configured_port():
    app = compose({**FULL_ENVIRONMENT, "LIAISON_PORT": "9123"})["services"]["app"]
    assert app["environment"]["LIAISON_PORT"] == "9123"
    assert app["ports"] == ["8000:9123"]


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_healthcheck_runs_the_probe_that_reads_liaison_port():
    [healthcheck] = [args for op, args in _dockerfile_instructions() if op == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "-m", "app.healthcheck"]')
    assert "8000" not in healthcheck


def test_dockerfile_serves_without_migrating_and_stops_on_sigterm():
    instructions = dict(_dockerfile_instructions())
    assert instructions["CMD"].startswith('["liaison", "serve"')  # exec form: the server gets the signal
    assert "migrate" not in instructions["CMD"]
    assert instructions["STOPSIGNAL"] == "SIGTERM"
    assert instructions["USER"] == "liaison"


def test_compose_metrics_closed_unless_configured(monkeypatch):
    from app.config import Settings

    env = compose()["services"]["app"]["environment"]
    for name in ("LIAISON_METRICS__TOKEN", "LIAISON_METRICS__NETWORKS"):
        monkeypatch.setenv(name, env[name])  # as the container would see them
    settings = Settings()
    assert settings.metrics.token is None and settings.metrics.networks == []
