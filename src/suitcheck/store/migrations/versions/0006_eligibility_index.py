"""An index the distribution list's condition can count from without touching the table.

The condition (services.access.eligible_parts) is written as equalities on class, lowest
category and re-assessment due, an IN list of profiles and a range of assessment dates, so
each part is a few pure range scans of this index: no per-row work beyond counting.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_investor_eligibility",
        "investor",
        ["investor_class", "lowest_category", "reassessment_due", "current_profile", "current_assessed_on"],
    )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
