"""Reporting rounds: a period's imports are published (or withdrawn) together; an import a newer file of the
same source replaces stays, superseded, while the public still sees it.

Existing 3W imports were all shown to everyone: they are marked published, and each of their periods becomes
a published round.

Revision ID: 0008
Revises: 0007
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reporting_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by', sa.String(length=200), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('period'),
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('superseded_by', sa.Integer(), nullable=True))
    batches = sa.table('import_batch', sa.column('kind', sa.String), sa.column('period', sa.String),
                       sa.column('imported_at', sa.DateTime(timezone=True)),
                       sa.column('published_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    connection.execute(batches.update().where(batches.c.kind == '3w').values(published_at=batches.c.imported_at))
    periods = connection.execute(sa.select(batches.c.period, sa.func.max(batches.c.imported_at))
                                 .where(batches.c.kind == '3w').group_by(batches.c.period)).all()
    rounds = sa.table('reporting_round', sa.column('period', sa.String), sa.column('state', sa.String),
                      sa.column('published_at', sa.DateTime(timezone=True)), sa.column('published_by', sa.String),
                      sa.column('changed_at', sa.DateTime(timezone=True)), sa.column('changed_by', sa.String))
    now = datetime.now(timezone.utc)
    if periods:
        connection.execute(rounds.insert(), [
            {'period': period, 'state': 'published', 'published_at': last or now, 'published_by': 'migration',
             'changed_at': now, 'changed_by': 'migration'} for period, last in periods])


def downgrade() -> None:
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('superseded_by')
        batch_op.drop_column('published_at')
    op.drop_table('reporting_round')
