"""Branches (营业部): a branch table; every client and staff member belongs to one; head
office staff may be firm-wide. A store made before branches gets one head-office branch
(HQ, 总部) holding everyone, its compliance and administrator accounts firm-wide, so
nobody sees less than before.

The branch is decision-relevant, so it joins the row seals; the rows' existing seals (made
without it) are checked and re-sealed once at the next open, under this installation's
keys (the migration cannot hold them): the `seal-branches` setting marks that work.

Revision ID: 0009
Revises: 0008
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _add_branch_column(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with a REFERENCES clause in place (a batch copy of the table
        # would drop it, which other tables' foreign keys refer to); NULL default required.
        op.execute(f"ALTER TABLE {table} ADD COLUMN branch_id INTEGER REFERENCES branch (id)")
    else:
        op.add_column(table, sa.Column("branch_id", sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_branch_id_branch", table, "branch", ["branch_id"], ["id"])


def upgrade() -> None:
    branch = op.create_table(
        "branch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("region", sa.String(64), nullable=False, server_default=""),
        sa.Column("head_office", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_branch"),
        sa.UniqueConstraint("code", name="uq_branch_code"),
    )
    op.bulk_insert(
        branch,
        [
            {
                "id": 1,
                "code": "HQ",
                "name": "总部",
                "region": "",
                "head_office": True,
                "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            }
        ],
    )
    _add_branch_column("investor")
    _add_branch_column("staff")
    op.add_column("staff", sa.Column("firm_wide", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(
        "ix_investor_branch_eligibility",
        "investor",
        [
            "branch_id",
            "investor_class",
            "lowest_category",
            "reassessment_due",
            "current_profile",
            "current_assessed_on",
        ],
    )
    bind = op.get_bind()
    sealed = bind.execute(
        sa.text(
            "SELECT 1 FROM investor WHERE integrity IS NOT NULL "
            "UNION ALL SELECT 1 FROM staff WHERE integrity IS NOT NULL"
        )
    ).first()
    bind.execute(sa.text("UPDATE investor SET branch_id = 1"))
    bind.execute(sa.text("UPDATE staff SET branch_id = 1"))
    bind.execute(
        sa.text("UPDATE staff SET firm_wide = :yes WHERE role IN ('compliance', 'admin')").bindparams(
            sa.bindparam("yes", True, type_=sa.Boolean())
        )
    )
    if sealed is not None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "seal-branches", "value": "pending"}],
        )
    if bind.dialect.name == "postgresql":
        # Explicit ids above: move the sequence past them.
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('branch', 'id'), (SELECT max(id) FROM branch))"))


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
