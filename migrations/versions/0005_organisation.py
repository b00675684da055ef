"""the organisation: units with code, letterhead, place, symbol and member count, names unique
among siblings only, the contract's kinds; a session's identity (plan date and issuer, signer,
recipients) and follow-on classes (parent_session_id)

Existing units get the code "U<id>" and a letterhead, place and symbol derived from their name,
so an existing database (the demo's) keeps printing what it printed.

Revision ID: 0005_organisation
Revises: 0004_scan_keys
Create Date: 2026-12-01 23:20:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0005_organisation'
down_revision = '0004_scan_keys'
branch_labels = None
depends_on = None

KINDS = {"party_committee": "committee", "ward": "committee", "commune": "committee",
         "party_cell": "cell", "department": "office"}
OLD_KINDS = {"committee": "committee", "cell": "party_cell", "office": "department"}
# Committee names start with their level; the rest is the place ("Thị ủy Đức Phổ" -> "Đức Phổ").
LEVELS = {"Tỉnh ủy": "TU", "Thành ủy": "TU", "Thị ủy": "TU", "Huyện ủy": "HU", "Quận ủy": "QU",
          "Đảng ủy": "ĐU", "Chi bộ": "CB"}


def _derived(name):
    name = unicodedata.normalize("NFC", name)
    for prefix, symbol in LEVELS.items():
        if name.startswith(prefix + " "):
            place = name[len(prefix) + 1:]
            for word in ("phường ", "xã ", "thị trấn "):
                if place.startswith(word):
                    place = place[len(word):]
            return name.upper(), place, symbol
    return name.upper(), "", ""


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('letterhead', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('place', sa.String(length=100), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('symbol', sa.String(length=20), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('member_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint('uq_units_name', type_='unique')

    conn = op.get_bind()
    units = sa.table('units', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('kind', sa.String), sa.column('code', sa.String),
                     sa.column('letterhead', sa.String), sa.column('place', sa.String),
                     sa.column('symbol', sa.String))
    for uid, name, kind in conn.execute(sa.select(units.c.id, units.c.name, units.c.kind)).all():
        letterhead, place, symbol = _derived(name)
        conn.execute(units.update().where(units.c.id == uid).values(
            code=f"U{uid}", kind=KINDS.get(kind, kind), letterhead=letterhead, place=place,
            symbol=symbol))

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_units_code'), ['code'])
        batch_op.create_unique_constraint(batch_op.f('uq_units_parent_id_name'), ['parent_id', 'name'])
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)

    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('plan_issuer', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('signer_title', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('signer_name', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('recipients', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('parent_session_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_study_sessions_parent_session_id_study_sessions'),
                                    'study_sessions', ['parent_session_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_study_sessions_parent_session_id'),
                              ['parent_session_id'], unique=False)

    sessions = sa.table('study_sessions', sa.column('id', sa.Integer),
                        sa.column('organizer_unit_id', sa.Integer),
                        sa.column('plan_issuer', sa.String))
    rows = conn.execute(sa.select(sessions.c.id, units.c.name).join(
        units, units.c.id == sessions.c.organizer_unit_id)).all()
    for sid, unit_name in rows:
        conn.execute(sessions.update().where(sessions.c.id == sid).values(
            plan_issuer=f"Ban Thường vụ {unit_name}"))


def downgrade():
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_sessions_parent_session_id'))
        batch_op.drop_constraint(batch_op.f('fk_study_sessions_parent_session_id_study_sessions'),
                                 type_='foreignkey')
        for name in ('parent_session_id', 'recipients', 'signer_name', 'signer_title',
                     'plan_issuer', 'plan_date'):
            batch_op.drop_column(name)

    conn = op.get_bind()
    units = sa.table('units', sa.column('id', sa.Integer), sa.column('kind', sa.String))
    for new, old in OLD_KINDS.items():
        conn.execute(units.update().where(units.c.kind == new).values(kind=old))
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))
        batch_op.drop_constraint(batch_op.f('uq_units_parent_id_name'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_units_code'), type_='unique')
        for name in ('retired_at', 'member_count', 'symbol', 'place', 'letterhead', 'code'):
            batch_op.drop_column(name)
        batch_op.create_unique_constraint('uq_units_name', ['name'])
