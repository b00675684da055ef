"""kept cascades: a session's learning-outcome figures as last computed, when computing them
takes long (a nation's), shared by every app process

Revision ID: 0018_kept_cascades
Revises: 0017_org_outcome_indexes
Create Date: 2026-12-03 14:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018_kept_cascades'
down_revision = '0017_org_outcome_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kept_cascades',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('rows', sa.Text(), nullable=False),
        sa.Column('refreshing_since', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'],
                                name=op.f('fk_kept_cascades_session_id_study_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', name=op.f('pk_kept_cascades')))


def downgrade():
    op.drop_table('kept_cascades')
