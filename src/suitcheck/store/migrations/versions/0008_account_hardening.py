"""Account hardening: forced password change after a reset; store settings (origin, the
key for hashing unknown user names).

Revision ID: 0008
Revises: 0007
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

DEMO_STAFF = {"demo-advisor", "demo-compliance", "demo-admin"}


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite allows it with a default): a batch copy of the table
    # would have to drop `staff`, which the other tables' foreign keys refer to.
    op.add_column("staff", sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))
    settings = op.create_table(
        "store_setting",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_store_setting"),
    )
    rows = [{"name": "login-name-key", "value": secrets.token_hex(32)}]
    # A store made by an earlier `suitcheck demo` holds only the demo accounts.
    names = {r[0] for r in op.get_bind().execute(sa.text("SELECT username FROM staff"))}
    if names and names <= DEMO_STAFF:
        rows.append({"name": "origin", "value": "demo"})
    op.bulk_insert(settings, rows)


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
