"""HDX HAPI's organisation list and name mapping, to recognise organisations spelt in a way no file used

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('org_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('spelling', sa.String(length=500), nullable=False),
    sa.Column('acronym', sa.String(length=200), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('org_type', sa.String(length=40), nullable=True),
    sa.Column('version', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('org_reference')
