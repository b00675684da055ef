"""bridge points' link checklist: rehearsal time per session, technician per venue, the
checklist's marks as rows

Revision ID: 0016_door_link_checks
Revises: 0015_door_citizen_id
Create Date: 2026-12-02 03:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0016_door_link_checks'
down_revision = '0015_door_citizen_id'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study_sessions') as batch:
        batch.add_column(sa.Column('rehearsal_minutes', sa.Integer(), server_default='60',
                                   nullable=False))
    with op.batch_alter_table('venues') as batch:
        batch.add_column(sa.Column('technician_name', sa.String(length=200), server_default='',
                                   nullable=False))
        batch.add_column(sa.Column('technician_phone', sa.String(length=20), server_default='',
                                   nullable=False))
    op.create_table(
        'link_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'],
                                name=op.f('fk_link_checks_session_id_study_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['venue_id'], ['venues.id'],
                                name=op.f('fk_link_checks_venue_id_venues'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_checks')))
    op.create_index(op.f('ix_link_checks_session_id'), 'link_checks', ['session_id'])
    op.create_index(op.f('ix_link_checks_venue_id'), 'link_checks', ['venue_id'])


def downgrade():
    op.drop_index(op.f('ix_link_checks_venue_id'), table_name='link_checks')
    op.drop_index(op.f('ix_link_checks_session_id'), table_name='link_checks')
    op.drop_table('link_checks')
    with op.batch_alter_table('venues') as batch:
        batch.drop_column('technician_phone')
        batch.drop_column('technician_name')
    with op.batch_alter_table('study_sessions') as batch:
        batch.drop_column('rehearsal_minutes')
