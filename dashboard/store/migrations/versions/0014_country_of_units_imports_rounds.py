"""Several countries in one installation: each stored unit, import and reporting round says its country (ISO3),
and an upload the country its submitter chose (none: found from the file).

A unit's country is the one its P-code begins with (``ML`` Mali, ``NE`` Niger, ``BF`` Burkina Faso); an import's
is that of the units of its boundary set (Mali's until now); a round is a period of one country (the same month
in Mali and in Niger are two rounds, published apart), so its period is unique per country instead of overall.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

#: the country of a P-code's first two letters, for the countries with a profile; any other is written as its
#: two letters' ISO3 by the application when it loads such units
_ISO3 = {'ML': 'MLI', 'NE': 'NER', 'BF': 'BFA'}

_ROUND_COLUMNS = ('id', 'period', 'state', 'published_at', 'published_by', 'changed_at', 'changed_by')


def upgrade() -> None:
    for table in ('admin_unit', 'import_batch'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('country', sa.String(length=3), nullable=False, server_default='MLI'))
    with op.batch_alter_table('import_job', schema=None) as batch_op:  # an upload's country, when chosen
        batch_op.add_column(sa.Column('country', sa.String(length=3), nullable=True))
    connection = op.get_bind()
    units = sa.table('admin_unit', sa.column('pcode', sa.String), sa.column('country', sa.String),
                     sa.column('boundary_version', sa.String))
    for prefix, iso3 in _ISO3.items():
        connection.execute(units.update().where(units.c.pcode.like(f'{prefix}%')).values(country=iso3))
    batches = sa.table('import_batch', sa.column('boundary_version', sa.String), sa.column('country', sa.String))
    versions = connection.execute(sa.select(units.c.boundary_version, sa.func.min(units.c.country))
                                  .group_by(units.c.boundary_version)).all()
    for version, iso3 in versions:
        connection.execute(batches.update().where(batches.c.boundary_version == version).values(country=iso3))
    with op.batch_alter_table('admin_unit', schema=None) as batch_op:
        batch_op.create_index('ix_admin_unit_country', ['country'], unique=False)
    # the round's period is unique per country: a new table (an unnamed unique constraint cannot be dropped alike
    # on SQLite and PostgreSQL), the rounds copied into it as Mali's
    op.create_table(
        'reporting_round_by_country',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=3), nullable=False, server_default='MLI'),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by', sa.String(length=200), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('country', 'period', name='uq_reporting_round_country_period'),
    )
    columns = ', '.join(_ROUND_COLUMNS)
    connection.execute(sa.text(f"INSERT INTO reporting_round_by_country ({columns}, country) "
                               f"SELECT {columns}, 'MLI' FROM reporting_round"))
    op.drop_table('reporting_round')
    op.rename_table('reporting_round_by_country', 'reporting_round')
    if connection.dialect.name == 'postgresql':  # the copied ids continue from the highest
        connection.execute(sa.text("SELECT setval(pg_get_serial_sequence('reporting_round', 'id'), "
                                   "COALESCE((SELECT MAX(id) FROM reporting_round), 0) + 1, false)"))


def downgrade() -> None:
    op.create_table(
        'reporting_round_one_country',
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
    columns = ', '.join(_ROUND_COLUMNS)
    op.get_bind().execute(sa.text(f"INSERT INTO reporting_round_one_country ({columns}) "
                                  f"SELECT {columns} FROM reporting_round WHERE country = 'MLI'"))
    op.drop_table('reporting_round')
    op.rename_table('reporting_round_one_country', 'reporting_round')
    with op.batch_alter_table('admin_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_admin_unit_country')
    for table in ('admin_unit', 'import_batch', 'import_job'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('country')
