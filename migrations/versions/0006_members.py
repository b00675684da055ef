"""the member registry: members per unit, their moves; roster people get a birth date and a link
to the member they are

Revision ID: 0006_members
Revises: 0005_organisation
Create Date: 2026-12-01 23:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006_members'
down_revision = '0005_organisation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('search_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=300), nullable=False),
    sa.Column('member_no', sa.String(length=30), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('party_member', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('key_cadre', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_members_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('member_no', name=op.f('uq_members_member_no'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_search_name'), ['search_name'], unique=False)

    op.create_table('member_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=True),
    sa.Column('to_unit_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                            name=op.f('fk_member_moves_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'],
                            name=op.f('fk_member_moves_from_unit_id_units')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'],
                            name=op.f('fk_member_moves_to_unit_id_units')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                            name=op.f('fk_member_moves_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_moves'))
    )
    with op.batch_alter_table('member_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_moves_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_people_member_id_members'), 'members',
                                    ['member_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_people_member_id'), ['member_id'], unique=False)


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_member_id'))
        batch_op.drop_constraint(batch_op.f('fk_people_member_id_members'), type_='foreignkey')
        batch_op.drop_column('member_id')
        batch_op.drop_column('birth_date')
    op.drop_table('member_moves')
    op.drop_table('members')
