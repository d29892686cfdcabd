"""DDL the migrations share: append-only triggers for the audit tables."""

from alembic import op

SQLITE_APPEND_ONLY = """
CREATE TRIGGER {table}_no_{verb} BEFORE {VERB} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: corrections are new records'); END
"""
PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION suitcheck_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only: corrections are new records', TG_TABLE_NAME; END $$
"""


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on an audit table."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(SQLITE_APPEND_ONLY.format(table=table, verb=verb, VERB=verb.upper()))
    else:
        op.execute(PG_APPEND_ONLY_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION suitcheck_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION suitcheck_append_only()"
        )
