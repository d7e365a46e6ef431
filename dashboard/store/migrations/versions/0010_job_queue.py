"""Uploads wait in the database, not on one server's disk, and import jobs form a queue that a runner
outside the web workers takes them from; a job knows which runner took it and when it last showed life.

Files of uploads still waiting (queued, or checked and waiting for a confirmation) are moved into the
database when they are still on this server's disk; a job left running by the previous version had its
runner die with it and is marked failed.

Revision ID: 0010
Revises: 0009
"""

from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

RUNNER_DIED = {"problem": "upload.runner_died", "params": {}}


def upgrade() -> None:
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.alter_column('stored_path', existing_type=sa.String(length=1000), nullable=True)
        batch_op.add_column(sa.Column('submitted_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('runner', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_import_job_state', ['state'])
    op.create_table(
        'import_upload',
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name='fk_import_upload_job', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id'),
    )
    op.create_table(
        'job_runner',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    jobs = sa.table('import_job', sa.column('id', sa.Integer), sa.column('state', sa.String),
                    sa.column('stored_path', sa.String), sa.column('message', sa.Text),
                    sa.column('preview', sa.JSON), sa.column('finished_at', sa.DateTime(timezone=True)))
    uploads = sa.table('import_upload', sa.column('job_id', sa.Integer), sa.column('content', sa.LargeBinary))
    connection = op.get_bind()
    now = datetime.now(timezone.utc)
    waiting = connection.execute(sa.select(jobs.c.id, jobs.c.stored_path)
                                 .where(jobs.c.state.in_(('queued', 'checked')))).all()
    for job_id, stored in waiting:
        path = Path(stored) if stored else None
        if path is not None and path.is_file():
            connection.execute(uploads.insert().values(job_id=job_id, content=path.read_bytes()))
        else:
            connection.execute(jobs.update().where(jobs.c.id == job_id).values(
                state='failed', finished_at=now, preview={"failure": RUNNER_DIED},
                message="the file of this upload is no longer on the server; upload it again"))
    connection.execute(jobs.update().where(jobs.c.state == 'running').values(
        state='failed', finished_at=now, preview={"failure": RUNNER_DIED},
        message="the process importing this file stopped before the end; nothing was imported"))


def downgrade() -> None:
    op.drop_table('job_runner')
    op.drop_table('import_upload')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index('ix_import_job_state')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('runner')
        batch_op.drop_column('submitted_role')
