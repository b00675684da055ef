"""people: the citizen ID card's number kept as a keyed hash (check-in by CCCD)

Revision ID: 0015_door_citizen_id
Revises: 0014_trustdocs_public_base_url
Create Date: 2026-12-02 02:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015_door_citizen_id'
down_revision = '0014_trustdocs_public_base_url'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('cccd_hash', sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f('uq_people_session_id_cccd_hash'),
                                       ['session_id', 'cccd_hash'])


def downgrade():
    with op.batch_alter_table('people') as batch:
        batch.drop_constraint(batch.f('uq_people_session_id_cccd_hash'), type_='unique')
        batch.drop_column('cccd_hash')
