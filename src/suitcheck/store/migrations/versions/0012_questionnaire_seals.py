"""Questionnaire versions carry an integrity seal, as policy versions do: the stored
questionnaire turns a client's answers into the risk profile every later check relies on,
and its own checksum (a plain SHA-256 over its content) is one anybody can recompute.

As in 0011, the migration cannot hold the installation's keys: it adds the column and,
when the store already holds questionnaire versions, leaves the `seal-reports` setting,
whose next open seals every unsealed report, policy and questionnaire row once, recorded
in the trail (services.seal_reports).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("questionnaire", sa.Column("integrity", sa.String(256), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT 1 FROM questionnaire")).first()
    pending = bind.execute(sa.text("SELECT 1 FROM store_setting WHERE name = 'seal-reports'")).first()
    if rows is not None and pending is None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "seal-reports", "value": "pending"}],
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
