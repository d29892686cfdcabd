"""A client's name and ID number join the client row's seal. A search by full ID number
goes straight to one client, and the name and ID number are what the desk's panel, the
assessment sheet and every export show: an ID number moved to another client in SQL took
a clerk's search, and the decision recorded after it, to the wrong person, unnoticed.

As in 0009, the migration cannot hold the installation's keys: it leaves the
`seal-identity` setting where client rows carry seals, and the next open seals each row
again with its name and ID number, where its old seal and the state the trail records for
it still hold, recorded in the trail (services.seal_identity).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    sealed = bind.execute(sa.text("SELECT 1 FROM investor WHERE integrity IS NOT NULL")).first()
    pending = bind.execute(sa.text("SELECT 1 FROM store_setting WHERE name = 'seal-identity'")).first()
    if sealed is not None and pending is None:
        op.bulk_insert(
            sa.table("store_setting", sa.column("name", sa.String), sa.column("value", sa.Text)),
            [{"name": "seal-identity", "value": "pending"}],
        )


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
