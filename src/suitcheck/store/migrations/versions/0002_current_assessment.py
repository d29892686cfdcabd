"""Keep each investor's newest assessment on the investor row, for fast distribution lists.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("investor") as batch:
        batch.add_column(sa.Column("current_profile", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("current_assessed_on", sa.Date(), nullable=True))
    # Backfill from the history: the newest assessment (by date, then by id) wins.
    op.execute(
        """
        UPDATE investor SET
          current_profile = (SELECT a.profile FROM assessment a WHERE a.investor_id = investor.id
                             ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1),
          current_assessed_on = (SELECT a.assessed_on FROM assessment a
                                 WHERE a.investor_id = investor.id
                                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1)
        """
    )
    op.create_index("ix_investor_eligible", "investor", ["current_profile", "current_assessed_on"])


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
