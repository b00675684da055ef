"""a unit's result report keeps the signed, stamped scan of it (PDF or image)

Revision ID: 0007_outcomes_scan
Revises: 0006_members
Create Date: 2026-12-01 23:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007_outcomes_scan'
down_revision = '0006_members'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_filename', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('scan_stored', sa.String(length=100), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('scan_kind', sa.String(length=10), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('scan_size', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('scan_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('result_reports', schema=None) as batch_op:
        for name in ('scan_at', 'scan_size', 'scan_kind', 'scan_stored', 'scan_filename'):
            batch_op.drop_column(name)
