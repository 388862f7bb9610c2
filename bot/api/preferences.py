"""A family's reading preferences — how announcements reach them and their quiet hours — set
the same way and confirmed in the same words wherever they are chosen (``/delivery``,
``/quiet-hours``, the welcome's buttons), so one family never reads two versions of one fact."""

from __future__ import annotations

from bot.api.context import Context
from bot.api.when import QUIET_OFF
from bot.db.models import Member
from bot.i18n import N_

DELIVERY_MODES = ("channel", "dm", "digest")
#: what a family is told once a delivery mode is chosen
DELIVERY_SET = {"channel": N_("You will read announcements in the announcements channel."),
                "dm": N_("I will send you each announcement by direct message, in your language."),
                "digest": N_("I will send you one message a day with everything new, in your language.")}
MSG_QUIET_SET = N_("Quiet hours set: no direct messages from {start} to {end}, except urgent ones.")
MSG_QUIET_OFF = N_("Quiet hours are off: messages reach you at any time.")


async def keep(ctx: Context, **values: str) -> None:
    """Store preferences on the person's own member row (``delivery=``, ``quiet_hours=``)."""
    member = ctx.require_member()
    async with ctx.write() as session:
        row = await session.get(Member, member.id)
        assert row is not None
        for column, value in values.items():
            setattr(row, column, value)


async def delivery_set(ctx: Context, mode: str) -> str:
    """The confirmation of delivery ``mode`` (one of :data:`DELIVERY_MODES`), in the reader's language."""
    return await ctx.t(DELIVERY_SET[mode])


async def quiet_hours_set(ctx: Context, hours: str) -> str:
    """The confirmation of quiet hours ``hours`` ("21:00-07:00" or :data:`QUIET_OFF`), in the reader's language."""
    if hours == QUIET_OFF:
        return await ctx.t(MSG_QUIET_OFF)
    start, end = hours.split("-", 1)
    return await ctx.t(MSG_QUIET_SET, start=start, end=end)
