"""fewer foreign keys on the tables every scan writes (see attendance/models/checkins.py)

An attendance refers to (session, person) of people instead of the session and the person
separately, and no longer to the venue and the user; a scan attempt no longer to the venue and
the user. people gets a unique (session_id, id), which also replaces its index on session_id.

Revision ID: 0004_scan_keys
Revises: 0003_outcomes
Create Date: 2026-11-28 02:49:27.735584

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_scan_keys'
down_revision = '0003_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    # The unique key first: the attendances' new foreign key refers to it.
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_people_session_id_id'), ['session_id', 'id'])
        batch_op.drop_index(batch_op.f('ix_people_session_id'))

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attendances_person_id_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attendances_session_id_study_sessions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attendances_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attendances_venue_id_venues'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_attendances_session_id_people'), 'people', ['session_id', 'person_id'], ['session_id', 'id'], ondelete='CASCADE')

    with op.batch_alter_table('scan_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scan_attempts_venue_id_venues'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_scan_attempts_actor_id_users'), type_='foreignkey')


def downgrade():
    with op.batch_alter_table('scan_attempts', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_scan_attempts_actor_id_users'), 'users', ['actor_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_scan_attempts_venue_id_venues'), 'venues', ['venue_id'], ['id'])

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attendances_session_id_people'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_attendances_venue_id_venues'), 'venues', ['venue_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attendances_recorded_by_id_users'), 'users', ['recorded_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attendances_session_id_study_sessions'), 'study_sessions', ['session_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_attendances_person_id_people'), 'people', ['person_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_session_id'), ['session_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('uq_people_session_id_id'), type_='unique')
