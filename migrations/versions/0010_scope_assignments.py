"""accounts outlive a session: staff and coordinators get a venue per session (assignments)
instead of one venue on the account; each existing account's venue becomes its assignment, and
the venue's unit becomes the account's unit when it had none

Revision ID: 0010_scope_assignments
Revises: 0009_jobs_background
Create Date: 2026-12-01 23:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_scope_assignments'
down_revision = '0009_jobs_background'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('venue_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_venue_assignments_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'],
                            name=op.f('fk_venue_assignments_session_id_study_sessions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'],
                            name=op.f('fk_venue_assignments_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_assignments')),
    sa.UniqueConstraint('user_id', 'session_id', name=op.f('uq_venue_assignments_user_id_session_id'))
    )
    with op.batch_alter_table('venue_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_assignments_user_id'), ['user_id'])
        batch_op.create_index(batch_op.f('ix_venue_assignments_session_id'), ['session_id'])
        batch_op.create_index(batch_op.f('ix_venue_assignments_venue_id'), ['venue_id'])

    op.execute("""
        INSERT INTO venue_assignments (user_id, session_id, venue_id, created_at)
        SELECT users.id, venues.session_id, venues.id, users.created_at
        FROM users JOIN venues ON venues.id = users.venue_id
    """)
    op.execute("""
        UPDATE users SET unit_id = (SELECT venues.unit_id FROM venues
                                    WHERE venues.id = users.venue_id)
        WHERE unit_id IS NULL AND venue_id IS NOT NULL
    """)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_venue_id_venues', type_='foreignkey')
        batch_op.drop_column('venue_id')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_users_venue_id_venues', 'venues', ['venue_id'], ['id'],
                                    ondelete='SET NULL')
    # An account keeps the venue of its latest assignment (the old schema holds one).
    op.execute("""
        UPDATE users SET venue_id = (SELECT venue_id FROM venue_assignments a
                                     WHERE a.user_id = users.id ORDER BY a.session_id DESC
                                     LIMIT 1)
    """)
    op.drop_table('venue_assignments')
