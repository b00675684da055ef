"""background jobs: long exports and large imports, their state, progress and file

Revision ID: 0009_jobs_background
Revises: 0008_rule_times
Create Date: 2026-12-01 23:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009_jobs_background'
down_revision = '0008_rule_times'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=60), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'],
                            name=op.f('fk_jobs_session_id_study_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_jobs_user_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_expires_at'), ['expires_at'], unique=False)


def downgrade():
    op.drop_table('jobs')
