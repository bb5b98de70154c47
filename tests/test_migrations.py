"""Migrations go up, down to nothing, and up again on both databases, and match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import app.models  # noqa: F401
from app import migrations
from app.db import Base
from app.migrations import head_revisions


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(db_template, backend):
    url = db_template.empty_database()
    migrations.upgrade(url)
    assert _tables(url) == set(Base.metadata.tables)
    migrations.downgrade(url, "base")
    assert _tables(url) == set()
    migrations.upgrade(url)
    assert _tables(url) == set(Base.metadata.tables)
    db_template.drop_database(url)


def test_models_and_migrations_do_not_drift(db_url, backend):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert set(context.get_current_heads()) == head_revisions()
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
