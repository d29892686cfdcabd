"""Reports record which version of the level-statement reader read their stated level
(`report.reader`, ingest.metadata.LEVEL_READER): a report an older build imported, whose
reader was less strict, is read again before anything is decided on it.

Existing rows keep no version (NULL: read before versions were recorded, so older than
any), and their seals hold as they are: the reader is part of a report's seal only once
it is set (services.integrity.report_message), so nothing is sealed again here.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report", sa.Column("reader", sa.Integer, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
