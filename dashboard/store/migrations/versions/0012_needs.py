"""Needs (HNO) as imported: each figure row with its import, level, sector or intersectoral flag, breakdown and
figures (people in need, targeted, population, affected, reached). The ``need`` table of 0001 was never written
to, so it is made again.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_pcode'))
    op.drop_table('need')
    op.create_table(
        'need',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('source_row', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('pcode', sa.String(length=16), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('sector_code', sa.String(length=40), nullable=True),
        sa.Column('intersectoral', sa.Boolean(), nullable=False),
        sa.Column('sector_as_written', sa.String(length=100), nullable=True),
        sa.Column('gender', sa.String(length=20), nullable=True),
        sa.Column('age_range', sa.String(length=20), nullable=True),
        sa.Column('age_min', sa.String(length=10), nullable=True),
        sa.Column('age_max', sa.String(length=10), nullable=True),
        sa.Column('disabled', sa.String(length=20), nullable=True),
        sa.Column('population_group', sa.String(length=40), nullable=True),
        sa.Column('is_total', sa.Boolean(), nullable=False),
        sa.Column('population', sa.Float(), nullable=True),
        sa.Column('people_in_need', sa.Float(), nullable=True),
        sa.Column('targeted', sa.Float(), nullable=True),
        sa.Column('affected', sa.Float(), nullable=True),
        sa.Column('reached', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sector_code'], ['sector.code']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_pcode'), ['pcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_year'))
        batch_op.drop_index(batch_op.f('ix_need_pcode'))
        batch_op.drop_index(batch_op.f('ix_need_batch_id'))
    op.drop_table('need')
    op.create_table(
        'need',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pcode', sa.String(length=16), nullable=False),
        sa.Column('sector_code', sa.String(length=40), nullable=False),
        sa.Column('people_in_need', sa.Float(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['sector_code'], ['sector.code']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_pcode'), ['pcode'], unique=False)
