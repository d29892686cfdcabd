"""Alembic environment: always runs on a connection the program hands it."""

from alembic import context

from suitcheck.store.models import Base

VIRTUAL_TABLES = {"report_search"}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # FTS5 tables and their shadow tables are created by hand in the migrations.
    return not (type_ == "table" and name and name.split("_data")[0].startswith("report_search"))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
