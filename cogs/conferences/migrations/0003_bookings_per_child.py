"""bookings per child: a booking names the child it is for; existing bookings carried over

A booking made by a guardian of exactly one child of the class (a link not restricted)
becomes that child's booking, with the child's label on the teacher's schedule. When
co-parents had each booked for the same child, the earliest booking becomes the child's and
the others stay their makers' own (the teacher keeps every time that was booked). Bookings
of people with no child, or with several children (which one is not known), stay per person.

Revision ID: 0003_conferences
Revises: 0002_conferences
Create Date: 2026-12-01 13:40:47.853146
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_conferences'
down_revision: str | None = '0002_conferences'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conference_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_conference_bookings_child_id'), ['child_id'], unique=False)
    _carry_over(op.get_bind())


def _carry_over(bind: sa.Connection) -> None:
    tables = set(sa.inspect(bind).get_table_names())
    if not {'household_guardians', 'household_children'} <= tables:
        return  # no household has ever been recorded: every booking stays a person's own
    bookings = bind.execute(sa.text(
        "SELECT b.id, b.conference_id, b.member_id, c.community_id FROM conference_bookings b "
        "JOIN conferences c ON c.id = b.conference_id WHERE b.holder LIKE 'member:%' "
        "ORDER BY b.created_at, b.id")).all()
    held = {(row.conference_id, row.holder) for row in bind.execute(sa.text(
        "SELECT conference_id, holder FROM conference_bookings WHERE holder LIKE 'child:%'")).all()}
    for booking in bookings:
        children = bind.execute(sa.text(
            "SELECT ch.id, ch.label FROM household_guardians g JOIN household_children ch ON ch.id = g.child_id "
            "WHERE g.member_id = :member AND g.restricted = :no AND ch.community_id = :community"),
            {"member": booking.member_id, "no": False, "community": booking.community_id}).all()
        if len(children) != 1:
            continue
        child = children[0]
        holder = f"child:{child.id}"
        if (booking.conference_id, holder) in held:
            continue
        held.add((booking.conference_id, holder))
        bind.execute(sa.text("UPDATE conference_bookings SET holder = :holder, child_id = :child, label = :label "
                             "WHERE id = :id"),
                     {"holder": holder, "child": child.id, "label": child.label, "id": booking.id})


def downgrade() -> None:
    """Back to one booking per person: a child's booking becomes its maker's own; when the
    maker had booked for several children only their earliest booking can stay."""
    bind = op.get_bind()
    seen: set[tuple[int, str]] = {(row.conference_id, row.holder) for row in bind.execute(sa.text(
        "SELECT conference_id, holder FROM conference_bookings WHERE holder LIKE 'member:%'")).all()}
    for row in bind.execute(sa.text(
            "SELECT id, conference_id, member_id FROM conference_bookings WHERE holder LIKE 'child:%' "
            "ORDER BY created_at, id")).all():
        holder = f"member:{row.member_id}"
        if (row.conference_id, holder) in seen:
            bind.execute(sa.text("DELETE FROM conference_bookings WHERE id = :id"), {"id": row.id})
            continue
        seen.add((row.conference_id, holder))
        bind.execute(sa.text("UPDATE conference_bookings SET holder = :holder WHERE id = :id"),
                     {"holder": holder, "id": row.id})
    with op.batch_alter_table('conference_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_bookings_child_id'))
        batch_op.drop_column('child_id')
