"""study_sessions.public_base_url: the address participants' phones reach the app at for one
session (its posters', screens' and sign-in links'), beside the server's PUBLIC_BASE_URL

Revision ID: 0014_trustdocs_public_base_url
Revises: 0013_modes_presence
Create Date: 2026-12-02 03:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_trustdocs_public_base_url'
down_revision = '0013_modes_presence'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study_sessions') as batch:
        batch.add_column(sa.Column('public_base_url', sa.String(length=200), server_default='',
                                   nullable=False))


def downgrade():
    with op.batch_alter_table('study_sessions') as batch:
        batch.drop_column('public_base_url')
