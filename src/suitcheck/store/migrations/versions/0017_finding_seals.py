"""A report's seal covers its findings (services.integrity.report_message): a finding
settled, deleted, edited, moved or copied in SQL lowered the self-inspection's open
findings and took the mark off the report in the lists, and nothing compared the
`finding` table.

No column is added: the report's own seal is made over its findings too. A report with no
finding keeps the seal it has (its message is unchanged). As in 0011 and 0013, the
migration cannot hold the installation's keys: when the store holds findings it leaves the
`seal-findings` setting, whose next open seals each report that has findings again with
them, when its seal (made without them) still holds and its row is in the state the trail
last recorded for it, recorded in the trail (services.seal_findings).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT 1 FROM finding")).first()
    pending = bind.execute(sa.text("SELECT 1 FROM store_setting WHERE name = 'seal-findings'")).first()
    if rows is not None and pending is None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "seal-findings", "value": "pending"}],
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
