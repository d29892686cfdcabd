"""Sealed audit trail: each entry's installation mark and MAC; row-integrity seals on
clients and staff. The old chain is sealed once at the next open, under the new keys
(the migration cannot hold them).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default) works on SQLite without a table rebuild,
    # so the append-only triggers on audit_entry stay in place.
    op.add_column("audit_entry", sa.Column("chain", sa.String(16), nullable=True))
    op.add_column("audit_entry", sa.Column("mac", sa.String(64), nullable=True))
    op.add_column("investor", sa.Column("integrity", sa.String(256), nullable=True))
    op.add_column("staff", sa.Column("integrity", sa.String(256), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
