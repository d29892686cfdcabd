"""Report and policy rows carry an integrity seal, as client and staff rows do: a report's
level, the subject's level, whether compliance rated it and the file it was graded from
decide who may read it, and a policy version decides every check.

The migration cannot hold the installation's keys, so it only adds the columns and, when
the store already holds reports or policy versions, leaves the `seal-reports` setting:
the next open seals those rows once, recorded in the trail (services.seal_reports).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report", sa.Column("integrity", sa.String(256), nullable=True))
    op.add_column("policy", sa.Column("integrity", sa.String(256), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT 1 FROM report UNION ALL SELECT 1 FROM policy")).first()
    if rows is not None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "seal-reports", "value": "pending"}],
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
