"""handovers: reference data (hubs, crossings, handover points, escort teams) and handovers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # filled in by the handovers work


def downgrade() -> None:
    pass
