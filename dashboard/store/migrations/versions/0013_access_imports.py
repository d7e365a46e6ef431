"""Access tables as imports: each access row keeps its import and the level of its unit.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('access_constraint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit_level', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_access_constraint_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key('fk_access_constraint_batch_id', 'import_batch', ['batch_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('access_constraint', schema=None) as batch_op:
        batch_op.drop_constraint('fk_access_constraint_batch_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_access_constraint_batch_id'))
        batch_op.drop_column('unit_level')
        batch_op.drop_column('batch_id')
