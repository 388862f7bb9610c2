"""Members hold sets of roles: platform roles and granted roles as JSON lists.

``members.platform_role`` (one string) becomes ``platform_roles`` and ``members.role``
becomes ``granted_roles``; an old value becomes a one-element set ("family", the old
default, becomes the empty set: family is holding no other role). Downgrading keeps the
highest role of each set, which is all a single-valued column can hold.

Revision ID: 0003_member_role_sets
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = '0003_member_role_sets'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE_SET = sa.JSON().with_variant(JSONB(), 'postgresql')
#: most capable first, as the old single-valued columns ranked them
RANKED = ('admin', 'teacher', 'committee')


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def _one_element(column: str) -> str:
    function = 'jsonb_build_array' if _postgresql() else 'json_array'
    return f"CASE WHEN {column} IS NULL OR {column} = 'family' THEN '[]' ELSE {function}({column}) END"


def _highest(column: str, otherwise: str) -> str:
    def has(role: str) -> str:
        if _postgresql():
            return f"{column} ? '{role}'"
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = '{role}')"

    cases = ' '.join(f"WHEN {has(role)} THEN '{role}'" for role in RANKED)
    return f"CASE {cases} ELSE {otherwise} END"


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_roles', ROLE_SET, server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('granted_roles', ROLE_SET, server_default='[]', nullable=False))
    cast = '::jsonb' if _postgresql() else ''
    op.execute(f"UPDATE members SET platform_roles = ({_one_element('platform_role')}){cast}, "
               f"granted_roles = ({_one_element('role')}){cast}")
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('platform_role')
        batch_op.drop_column('role')


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), server_default='family', nullable=False))
        batch_op.add_column(sa.Column('platform_role', sa.String(length=16), nullable=True))
    family = "'family'"
    op.execute(f"UPDATE members SET role = {_highest('granted_roles', family)}, "
               f"platform_role = {_highest('platform_roles', 'NULL')}")
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=16), server_default=None)
        batch_op.drop_column('granted_roles')
        batch_op.drop_column('platform_roles')
