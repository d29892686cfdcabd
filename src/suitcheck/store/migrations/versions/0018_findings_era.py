"""The trail records that reports' seals cover their findings (the findings era).

0017's marker (`seal-findings`) is a row an insider can insert again. A report with no
finding keeps exactly the seal it had before 0017, so with a finding planted in SQL and
the marker set again, the next open took the report for one the upgrade had yet to seal
and sealed it with the planted finding: every check allowed it and `audit verify` passed.
Since this revision a run of the findings upgrade always leaves an entry in the trail, and
a run that finds one there seals nothing over. A store that passed 0017 before (its run
left no entry where no report had a finding) gets that entry at its next open: this
migration leaves the `findings-era` setting for it (services.record_findings_era), unless
0017's own marker is still pending (its run records the era itself).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    pending = bind.execute(
        sa.text("SELECT 1 FROM store_setting WHERE name IN ('seal-findings', 'findings-era')")
    ).first()
    if pending is None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "findings-era", "value": "pending"}],
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
