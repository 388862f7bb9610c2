"""What happens where a platform lacks something: every fallback, decided in one place.

Each adapter declares its :class:`~bot.api.outbound.Capabilities`; cogs and the core ask here
what to do instead of testing those flags themselves, so a missing capability has the
same, declared, outcome everywhere:

* forms → the typed command (the reply shows the exact ``/command name:value`` syntax);
* buttons → reactions, or the typed command when there are too many choices for reactions;
* ephemeral replies → a direct message;
* removing another person's reaction → a private notice to that person;
* threads → a direct message.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.api.context import Context
    from bot.api.emoji import Emoji
    from bot.api.messages import Form
    from bot.api.outbound import Capabilities, Outbound
    from bot.api.refs import MessageRef, UserRef

log = logging.getLogger(__name__)

MSG_TYPE_THE_COMMAND = N_("Please type the command instead: {syntax}")


class FormRoute(StrEnum):
    FORM = "form"
    TYPED_COMMAND = "typed_command"


class ChoiceRoute(StrEnum):
    BUTTONS = "buttons"
    REACTIONS = "reactions"
    TYPED_COMMAND = "typed_command"


class PrivateRoute(StrEnum):
    EPHEMERAL = "ephemeral"
    DM = "dm"


class ReactionRemoval(StrEnum):
    REMOVE = "remove"
    NOTICE = "notice"


class ThreadRoute(StrEnum):
    THREAD = "thread"
    DM = "dm"


def form_route(caps: Capabilities) -> FormRoute:
    return FormRoute.FORM if caps.forms else FormRoute.TYPED_COMMAND


def choice_route(caps: Capabilities, choices: int) -> ChoiceRoute:
    """How to offer ``choices`` options to click: buttons, else reactions (one emoji per
    choice), else the typed command."""
    if caps.buttons and choices <= caps.max_buttons_per_message:
        return ChoiceRoute.BUTTONS
    if caps.reactions and choices <= caps.max_reactions_per_message:
        return ChoiceRoute.REACTIONS
    return ChoiceRoute.TYPED_COMMAND


def private_route(caps: Capabilities, *, interaction: bool) -> PrivateRoute:
    """Ephemeral needs both the capability and an interaction to answer (a reaction or a DM
    has none); otherwise the private answer is a direct message."""
    return PrivateRoute.EPHEMERAL if caps.ephemeral and interaction else PrivateRoute.DM


def reaction_removal(caps: Capabilities) -> ReactionRemoval:
    return ReactionRemoval.REMOVE if caps.remove_others_reactions else ReactionRemoval.NOTICE


def thread_route(caps: Capabilities) -> ThreadRoute:
    return ThreadRoute.THREAD if caps.threads else ThreadRoute.DM


def typed_command(command: str, form: Form) -> str:
    """The exact text that does what ``form`` would: ``/ask question:"Your question"``
    (quoted values, the syntax the core parses on every platform)."""
    parts = [f"/{command}"]
    for field in form.fields:
        label = field.label.replace('"', "'")
        parts.append(f'{field.name}:"{label}"')
    return " ".join(parts)


async def open_form(ctx: Context, form: Form, command: str) -> bool:
    """Show ``form`` where the platform can; otherwise (no forms, no interaction to open it
    from, or the platform refused) tell the person the typed command that does the same.
    Returns whether the form was shown."""
    if form_route(ctx.outbound.capabilities) is FormRoute.FORM and ctx.interaction is not None:
        from bot.api.forms import localized

        if await ctx.outbound.open_form(ctx.interaction, await localized(ctx.core, form, ctx.language)):
            return True
    await ctx.reply(MSG_TYPE_THE_COMMAND, syntax=typed_command(command, form))
    return False


async def take_back_reaction(outbound: Outbound, message: MessageRef, emoji: Emoji, user: UserRef, /, *,
                             notice: Context | None = None, msgid: str = "", **params: object) -> ReactionRemoval:
    """Remove ``user``'s reaction where the platform lets the bot; otherwise the reaction
    stays and ``user`` is told privately (through ``notice``, the context of their event,
    with ``msgid``; a caller that already queued the notice passes none). Best effort: a
    failed removal is logged, never raised."""
    route = reaction_removal(outbound.capabilities)
    if route is ReactionRemoval.REMOVE:
        try:
            await outbound.remove_reaction(message, emoji, user)
        except Exception:
            log.warning("could not remove a reaction from message %s", message.id, exc_info=True)
    elif notice is not None and msgid:
        await notice.reply(msgid, **params)
    return route
