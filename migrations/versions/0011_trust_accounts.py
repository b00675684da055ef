"""accounts: auth version (sessions and tokens end at sign-out, password change, lock), failed
sign-ins for lockout, optional TOTP second factor with recovery codes

Revision ID: 0011_trust_accounts
Revises: 0010_scope_assignments
Create Date: 2026-12-01 23:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011_trust_accounts'
down_revision = '0010_scope_assignments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('auth_version', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('last_failed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('recovery_codes', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch:
        for name in ('recovery_codes', 'totp_secret', 'last_failed_at', 'failed_logins',
                     'auth_version'):
            batch.drop_column(name)
