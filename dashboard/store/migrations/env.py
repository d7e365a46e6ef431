"""Alembic environment: the engine comes from :func:`dashboard.store.database.alembic_config`."""

from alembic import context

from dashboard.store.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
