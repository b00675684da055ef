"""outcome indexes: a covering index of the members for the learning-outcome cascade's
per-member pass (unit, id and the columns that judge a member)

Revision ID: 0017_org_outcome_indexes
Revises: 0016_door_link_checks
Create Date: 2026-12-02 04:10:00

"""
from alembic import op

revision = '0017_org_outcome_indexes'
down_revision = '0016_door_link_checks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_members_unit_figures', 'members',
                    ['unit_id', 'id', 'status', 'party_member', 'key_cadre'], unique=False)


def downgrade():
    op.drop_index('ix_members_unit_figures', table_name='members')
