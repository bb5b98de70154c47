"""Demo data for `make run`: staff accounts for each role (never in production). Idempotent: safe to run twice.

Reference data that every installation needs (hubs, crossings) is seeded by `liaison seed`, in every environment;
demo accounts and fictional demo records only outside production.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import system_actor
from app.auth.passwords import hash_password, verify_password
from app.config import PROJECT_ROOT, Settings
from app.staff.models import StaffUser
from app.staff.service import create_user

DEMO_ACCOUNTS = {
    "demo-operator": ("Demo Operator", ["operator"]),
    "demo-case-officer": ("Demo Case Officer", ["case_officer"]),
    "demo-coordinator": ("Demo Coordinator", ["coordinator"]),
    "demo-supervisor": ("Demo Supervisor", ["supervisor"]),
    "demo-auditor": ("Demo Auditor", ["auditor"]),
    "demo-admin": ("Demo Administrator", ["admin"]),
}
PASSWORD_FILE = PROJECT_ROOT / "var" / "demo-password"


@dataclass(frozen=True, slots=True)
class DemoSeed:
    password: str
    generated: bool
    created: list[str]


def demo_password(settings: Settings, password_file: Path = PASSWORD_FILE) -> tuple[str, bool]:
    """`LIAISON_DEMO_PASSWORD` when set; otherwise one generated on first use and kept (mode 0600) under var/."""
    if settings.demo_password:
        return settings.demo_password, False
    if password_file.exists():
        return password_file.read_text().strip(), False
    password = secrets.token_urlsafe(12)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.touch(mode=0o600)
    password_file.write_text(password + "\n")
    return password, True


def seed_demo_accounts(session: Session, settings: Settings, password_file: Path = PASSWORD_FILE) -> DemoSeed:
    if settings.is_production:
        raise RuntimeError("demo accounts are never created in production")
    password, generated = demo_password(settings, password_file)
    password_hash = hash_password(password)
    created = []
    for username, (full_name, roles) in DEMO_ACCOUNTS.items():
        existing = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
        if existing is not None:
            if not verify_password(password, existing.password_hash):
                existing.password_hash = password_hash  # LIAISON_DEMO_PASSWORD changed since the last run
            continue
        create_user(
            session,
            actor=system_actor(),
            username=username,
            email=f"{username}@demo.invalid",
            full_name=full_name,
            password=password,
            roles=roles,
            password_hash=password_hash,
        )
        created.append(username)
    return DemoSeed(password, generated, created)
