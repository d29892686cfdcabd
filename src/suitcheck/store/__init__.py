"""Persistence: SQLAlchemy models, engine creation, migrations and search."""
