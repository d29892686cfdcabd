"""Alembic environment: always runs on a connection the program hands it."""

from alembic import context

from suitcheck.store.models import Base


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The search index (an FTS5 table and its shadow tables on SQLite) is created by hand.
    return not (type_ == "table" and str(name).startswith("report_search"))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
