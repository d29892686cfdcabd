"""Initial schema: staff, investors with assessment history, reports, policy, audit chain.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from suitcheck.store.ddl import append_only

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("username", name="uq_staff_username"),
    )
    op.create_table(
        "investor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("investor_class", sa.String(32), nullable=False),
        sa.Column("lowest_category", sa.Boolean(), nullable=False),
        sa.Column("special_attention", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_investor"),
        sa.UniqueConstraint("account", name="uq_investor_account"),
        sa.UniqueConstraint("id_number", name="uq_investor_id_number"),
    )
    op.create_index("ix_investor_name", "investor", ["name"])
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("lowest_category", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["investor_id"], ["investor.id"], name="fk_assessment_investor_id_investor"),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"], name="fk_assessment_recorded_by_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_assessment"),
    )
    op.create_index("ix_assessment_investor_id", "assessment", ["investor_id"])
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("publisher", sa.String(128), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("report_type", sa.String(64), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("suggested_level", sa.Integer(), nullable=True),
        sa.Column("rating_scope", sa.String(16), nullable=True),
        sa.Column("rating_value", sa.String(16), nullable=True),
        sa.Column("rating_change", sa.String(16), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(512), nullable=False),
        sa.Column("source_kind", sa.String(8), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rated_by", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["imported_by"], ["staff.id"], name="fk_report_imported_by_staff"),
        sa.ForeignKeyConstraint(["rated_by"], ["staff.id"], name="fk_report_rated_by_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_report"),
        sa.UniqueConstraint("content_hash", name="uq_report_content_hash"),
    )
    op.create_index("ix_report_published_on", "report", ["published_on"])
    op.create_table(
        "analyst",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("sac_number", sa.String(14), nullable=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("email", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name="fk_analyst_report_id_report"),
        sa.PrimaryKeyConstraint("id", name="pk_analyst"),
    )
    op.create_index("ix_analyst_report_id", "analyst", ["report_id"])
    op.create_table(
        "policy",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"], name="fk_policy_created_by_staff"),
        sa.PrimaryKeyConstraint("version", name="pk_policy"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("seq", BigId, autoincrement=False, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(32), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_entry"),
    )
    for column in ("action", "investor_id", "report_id"):
        op.create_index(f"ix_audit_entry_{column}", "audit_entry", [column])
    append_only("audit_entry")


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded: the audit trail must survive")
