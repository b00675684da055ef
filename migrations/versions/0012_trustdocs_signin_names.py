"""sign_in_names: failed sign-ins under usernames no account has, counted as an account's are
(the lockout answers must not tell whether a name exists)

Revision ID: 0012_trustdocs_signin_names
Revises: 0011_trust_accounts
Create Date: 2026-12-02 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_trustdocs_signin_names'
down_revision = '0011_trust_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_names',
        sa.Column('name_digest', sa.String(length=64), nullable=False),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name_digest', name=op.f('pk_sign_in_names')),
    )


def downgrade():
    op.drop_table('sign_in_names')
