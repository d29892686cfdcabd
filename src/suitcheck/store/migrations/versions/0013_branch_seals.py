"""Branch rows carry an integrity seal, as client, staff, report and policy rows do: a
branch's code is what `investor move --to`, a client file's branch column and a new staff
account's branch name, so two codes swapped in SQL sent clients to the other branch.

As in 0011, the migration cannot hold the installation's keys: it adds the column and
leaves the `seal-reports` setting (every store holds the head-office branch), whose next
open seals each branch row the trail vouches for, recorded in the trail
(services.seal_reports).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("branch", sa.Column("integrity", sa.String(256), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT 1 FROM branch")).first()
    pending = bind.execute(sa.text("SELECT 1 FROM store_setting WHERE name = 'seal-reports'")).first()
    if rows is not None and pending is None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "seal-reports", "value": "pending"}],
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
