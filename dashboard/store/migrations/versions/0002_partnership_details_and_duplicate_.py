"""partnership details and duplicate decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:33:58.336856
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duplicate_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_key', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('activity_ids', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_key')
    )
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intermediary_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('programme', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('amount_eur', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('duration_months', sa.Float(), nullable=True))
        batch_op.create_foreign_key('fk_partnership_intermediary', 'organisation', ['intermediary_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_constraint('fk_partnership_intermediary', type_='foreignkey')
        batch_op.drop_column('duration_months')
        batch_op.drop_column('amount_eur')
        batch_op.drop_column('programme')
        batch_op.drop_column('intermediary_id')

    op.drop_table('duplicate_decision')
