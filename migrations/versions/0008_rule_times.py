"""the rule's times: when check-in was opened or closed by hand, and whether a scan's device
time was believed

Revision ID: 0008_rule_times
Revises: 0007_outcomes_scan
Create Date: 2026-12-01 23:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008_rule_times'
down_revision = '0007_outcomes_scan'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_window_since', sa.DateTime(), nullable=True))
    with op.batch_alter_table('scan_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_time_trusted', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('scan_attempts', schema=None) as batch_op:
        batch_op.drop_column('device_time_trusted')
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_column('checkin_window_since')
