"""Report contents, findings, corrections, the search index and signed audit checkpoints.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from suitcheck.store.ddl import append_only

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_content",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name="fk_report_content_report_id_report"),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_content"),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name="fk_finding_report_id_report"),
        sa.ForeignKeyConstraint(["resolved_by"], ["staff.id"], name="fk_finding_resolved_by_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_finding"),
    )
    op.create_index("ix_finding_report_id", "finding", ["report_id"])
    op.create_table(
        "report_correction",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name="fk_report_correction_report_id_report"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_report_correction_staff_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_report_correction"),
    )
    op.create_index("ix_report_correction_report_id", "report_correction", ["report_id"])
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_checkpoint"),
    )
    append_only("audit_checkpoint")
    if op.get_bind().dialect.name == "sqlite":
        # Overlapping character bigrams, one token each: any substring of one or more
        # characters is a bigram phrase (or a prefix, for one character). See store.search.
        op.execute(
            "CREATE VIRTUAL TABLE report_search USING fts5("
            "grams, tokenize = 'unicode61 remove_diacritics 0', columnsize = 0)"
        )
    else:
        op.create_table(
            "report_search",
            sa.Column("rowid", sa.Integer(), sa.ForeignKey("report.id"), primary_key=True),
            sa.Column("grams", sa.Text(), nullable=False),
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
