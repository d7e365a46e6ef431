"""canonical model

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 07:24:13.112223
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_constraint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pcode', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_constraint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_constraint_pcode'), ['pcode'], unique=False)

    op.create_table('admin_unit',
    sa.Column('boundary_version', sa.String(length=40), nullable=False),
    sa.Column('pcode', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('parent_pcode', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('boundary_version', 'pcode')
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=400), nullable=False),
    sa.Column('sheet', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('boundary_version', sa.String(length=40), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_accepted', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('column_mapping', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batch_sha256'), ['sha256'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acronym', sa.String(length=120), nullable=True),
    sa.Column('name', sa.String(length=400), nullable=True),
    sa.Column('org_type', sa.String(length=40), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sector',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('parent_code', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['sector.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('activity',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reported_org_type', sa.String(length=40), nullable=True),
    sa.Column('implementing_partner_id', sa.Integer(), nullable=True),
    sa.Column('funder', sa.String(length=400), nullable=True),
    sa.Column('sector_code', sa.String(length=40), nullable=False),
    sa.Column('activity', sa.Text(), nullable=True),
    sa.Column('location_level', sa.Integer(), nullable=False),
    sa.Column('pcode', sa.String(length=16), nullable=False),
    sa.Column('adm1_pcode', sa.String(length=16), nullable=False),
    sa.Column('adm2_pcode', sa.String(length=16), nullable=True),
    sa.Column('adm3_pcode', sa.String(length=16), nullable=True),
    sa.Column('location', sa.String(length=400), nullable=True),
    sa.Column('status', sa.String(length=100), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('targeted', sa.Float(), nullable=True),
    sa.Column('reached', sa.Float(), nullable=True),
    sa.Column('physical_presence', sa.Boolean(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['implementing_partner_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['sector_code'], ['sector.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_adm2', ['adm2_pcode'], unique=False)
        batch_op.create_index('ix_activity_batch_sector', ['batch_id', 'sector_code'], unique=False)
        batch_op.create_index('ix_activity_organisation', ['organisation_id'], unique=False)

    op.create_table('cluster_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sector_code', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('admin_pcode', sa.String(length=16), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['sector_code'], ['sector.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'sector_code', 'admin_pcode')
    )
    with op.batch_alter_table('cluster_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_membership_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('import_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('column', sa.String(length=200), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_issue_batch_id'), ['batch_id'], unique=False)

    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pcode', sa.String(length=16), nullable=False),
    sa.Column('sector_code', sa.String(length=40), nullable=False),
    sa.Column('people_in_need', sa.Float(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sector_code'], ['sector.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_pcode'), ['pcode'], unique=False)

    op.create_table('org_alias',
    sa.Column('alias', sa.String(length=500), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alias')
    )
    with op.batch_alter_table('org_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_alias_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('modality', sa.String(length=100), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('sector_code', sa.String(length=40), nullable=True),
    sa.Column('pcode', sa.String(length=16), nullable=True),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['funder_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['sector_code'], ['sector.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_partner_id'), ['partner_id'], unique=False)

    op.create_table('rejected_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('raw_values', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rejected_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejected_row_batch_id'), ['batch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rejected_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejected_row_batch_id'))

    op.drop_table('rejected_row')
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_partner_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_funder_id'))

    op.drop_table('partnership')
    with op.batch_alter_table('org_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_alias_organisation_id'))

    op.drop_table('org_alias')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_pcode'))

    op.drop_table('need')
    with op.batch_alter_table('import_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_issue_batch_id'))

    op.drop_table('import_issue')
    with op.batch_alter_table('cluster_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_membership_organisation_id'))

    op.drop_table('cluster_membership')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_organisation')
        batch_op.drop_index('ix_activity_batch_sector')
        batch_op.drop_index('ix_activity_adm2')

    op.drop_table('activity')
    op.drop_table('sector')
    op.drop_table('organisation')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_sha256'))
        batch_op.drop_index(batch_op.f('ix_import_batch_period'))

    op.drop_table('import_batch')
    op.drop_table('admin_unit')
    with op.batch_alter_table('access_constraint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_constraint_pcode'))

    op.drop_table('access_constraint')
