"""how each repair was made and how sure it is, in the reader's language; people by sex and age; the 2015
to 2021 unit crosswalk; uploads checked before they are imported

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_issue') as batch:
        batch.add_column(sa.Column('method', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('confidence', sa.Float(), nullable=True))
        batch.add_column(sa.Column('message', sa.JSON(), nullable=True))
    with op.batch_alter_table('import_batch') as batch:
        batch.add_column(sa.Column('codes_version', sa.String(length=40), nullable=True))
    with op.batch_alter_table('activity') as batch:
        batch.add_column(sa.Column('people', sa.JSON(), nullable=True))
    with op.batch_alter_table('import_job') as batch:
        batch.add_column(sa.Column('mode', sa.String(length=10), nullable=False, server_default='import'))
        batch.add_column(sa.Column('code_set', sa.String(length=10), nullable=False, server_default='auto'))
        batch.add_column(sa.Column('preview', sa.JSON(), nullable=True))
    op.create_table('unit_crosswalk',
    sa.Column('from_version', sa.String(length=40), nullable=False),
    sa.Column('from_pcode', sa.String(length=16), nullable=False),
    sa.Column('to_version', sa.String(length=40), nullable=False),
    sa.Column('to_pcode', sa.String(length=16), nullable=False),
    sa.Column('to_level', sa.Integer(), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('from_version', 'from_pcode')
    )


def downgrade() -> None:
    op.drop_table('unit_crosswalk')
    with op.batch_alter_table('import_job') as batch:
        batch.drop_column('preview')
        batch.drop_column('code_set')
        batch.drop_column('mode')
    with op.batch_alter_table('activity') as batch:
        batch.drop_column('people')
    with op.batch_alter_table('import_batch') as batch:
        batch.drop_column('codes_version')
    with op.batch_alter_table('import_issue') as batch:
        batch.drop_column('message')
        batch.drop_column('confidence')
        batch.drop_column('method')
