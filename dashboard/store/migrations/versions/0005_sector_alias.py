"""sector spellings taught by an IMO

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sector_alias',
    sa.Column('spelling_key', sa.String(length=200), nullable=False),
    sa.Column('spelling', sa.String(length=200), nullable=False),
    sa.Column('sector_code', sa.String(length=40), nullable=False),
    sa.Column('added_by', sa.String(length=120), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sector_code'], ['sector.code'], name='fk_sector_alias_sector'),
    sa.PrimaryKeyConstraint('spelling_key')
    )


def downgrade() -> None:
    op.drop_table('sector_alias')
