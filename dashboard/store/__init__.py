"""Persistence: SQLAlchemy 2 models, the engine, migrations and read queries."""
