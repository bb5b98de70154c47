"""ops: the request id that enqueued a job, so the worker logs with it

Revision ID: 2026_11_30_7314
Revises: 4826
Create Date: 2026-11-30 06:50:10.779390
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_11_30_7314"
down_revision: str | None = "4826"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("job", sa.Column("request_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("request_id")
