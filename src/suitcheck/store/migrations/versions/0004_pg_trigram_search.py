"""PostgreSQL: a trigram GIN index for substring search, where the server allows pg_trgm.

Revision ID: 0004
Revises: 0003
"""

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite searches its FTS5 bigram index
    try:
        # A savepoint: a role that may not create extensions leaves the upgrade intact,
        # and search still works (a sequential LIKE scan).
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            bind.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_report_search_grams_trgm ON report_search USING gin (grams gin_trgm_ops)"
            )
    except DBAPIError as exc:
        log.warning("pg_trgm is not available; report search will scan: %s", exc.orig)


def downgrade() -> None:
    raise NotImplementedError("suitcheck stores are never downgraded")
