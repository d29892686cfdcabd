"""Questionnaire versions; assessments keep version, answers, hash and score; re-assessment due.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=71), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"], name="fk_questionnaire_created_by_staff"),
        sa.PrimaryKeyConstraint("version", name="pk_questionnaire"),
    )
    # Plain ADD COLUMN on both backends: no table copy, so foreign keys stay untouched.
    op.add_column("assessment", sa.Column("questionnaire_version", sa.Integer(), nullable=True))
    op.add_column("assessment", sa.Column("answers", sa.Text(), nullable=True))
    op.add_column("assessment", sa.Column("answers_hash", sa.String(length=64), nullable=True))
    op.add_column("assessment", sa.Column("score", sa.Integer(), nullable=True))
    op.add_column("investor", sa.Column("reassessment_due", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("investor", sa.Column("reassessment_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
