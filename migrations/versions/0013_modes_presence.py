"""modes of presence: attendance mode (in person / online) and exit time; the session's and
venues' meeting link; a venue's roll closed by the organizer

Revision ID: 0013_modes_presence
Revises: 0012_trustdocs_signin_names
Create Date: 2026-12-02 02:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013_modes_presence'
down_revision = '0012_trustdocs_signin_names'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendances') as batch:
        batch.add_column(sa.Column('mode', sa.String(length=10), server_default='in_person',
                                   nullable=False))
        batch.add_column(sa.Column('left_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('study_sessions') as batch:
        batch.add_column(sa.Column('video_url', sa.String(length=500), server_default='',
                                   nullable=False))
    with op.batch_alter_table('venues') as batch:
        batch.add_column(sa.Column('video_url', sa.String(length=500), server_default='',
                                   nullable=False))
        batch.add_column(sa.Column('roll_closed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('venues') as batch:
        batch.drop_column('roll_closed_at')
        batch.drop_column('video_url')
    with op.batch_alter_table('study_sessions') as batch:
        batch.drop_column('video_url')
    with op.batch_alter_table('attendances') as batch:
        batch.drop_column('left_at')
        batch.drop_column('mode')
