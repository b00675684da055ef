"""jobs without a session: the member registry's import (a registry has no session)

Revision ID: 0019_jobs_without_session
Revises: 0018_kept_cascades
Create Date: 2026-12-04 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019_jobs_without_session'
down_revision = '0018_kept_cascades'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs') as batch:
        batch.alter_column('session_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM jobs WHERE session_id IS NULL")
    with op.batch_alter_table('jobs') as batch:
        batch.alter_column('session_id', existing_type=sa.Integer(), nullable=False)
