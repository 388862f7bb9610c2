"""Community roles and the permission rule, checked by the core before any handler runs."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class Role(StrEnum):
    """What a member may do in a community. Family is the default."""

    FAMILY = "family"
    COMMITTEE = "committee"
    TEACHER = "teacher"
    ADMIN = "admin"

    @classmethod
    def parse(cls, text: str) -> Role | None:
        """Read a role name as a person would type it ("Teacher", "admins", "parent")."""
        word = text.strip().lower().rstrip("s")
        aliases = {"parent": cls.FAMILY, "guardian": cls.FAMILY, "staff": cls.TEACHER}
        if word in aliases:
            return aliases[word]
        for role in cls:
            if role.value == word:
                return role
        return None


#: Roles that may run teacher-only commands.
STAFF: frozenset[Role] = frozenset({Role.TEACHER, Role.ADMIN})
#: Roles that organise (sign-ups, polls, tasks).
ORGANISERS: frozenset[Role] = frozenset({Role.TEACHER, Role.ADMIN, Role.COMMITTEE})
#: Everyone.
EVERYONE: frozenset[Role] = frozenset(Role)


#: Each role as people read it: catalog messages, so a refusal or a confirmation names the
#: role in the reader's language.
ROLE_NAMES: dict[Role, str] = {
    Role.FAMILY: N_("family"),
    Role.COMMITTEE: N_("committee"),
    Role.TEACHER: N_("teacher"),
    Role.ADMIN: N_("admin"),
}

#: How capable each role is, for listing a member's roles most capable first.
RANK = {Role.FAMILY: 0, Role.COMMITTEE: 1, Role.TEACHER: 2, Role.ADMIN: 3}


def is_allowed(held: frozenset[Role] | set[Role], allowed: frozenset[Role]) -> bool:
    """Admins may do everything; anyone else needs one of the allowed roles."""
    return Role.ADMIN in held or bool(set(held) & allowed)


#: Who may run a command, said in words: whole sentences, so each language's catalog can put
#: them its own way (role values such as "admin, teacher" are storage names, not words).
_NOT_ALLOWED: dict[frozenset[Role], str] = {
    frozenset({Role.ADMIN}): N_("Sorry, /{command} is only for admins. Type /help to see what you can use."),
    STAFF: N_("Sorry, /{command} is only for teachers and admins. Type /help to see what you can use."),
    ORGANISERS: N_("Sorry, /{command} is only for teachers, committee members and admins. "
                   "Type /help to see what you can use."),
    frozenset({Role.COMMITTEE, Role.ADMIN}): N_("Sorry, /{command} is only for committee members and admins. "
                                                "Type /help to see what you can use."),
}
NOT_ALLOWED_OTHERWISE = N_("Sorry, you cannot use /{command}. Type /help to see what you can use.")


def not_allowed_msgid(allowed: frozenset[Role]) -> str:
    """The refusal for someone outside ``allowed`` (admins always may, so they count in)."""
    return _NOT_ALLOWED.get(frozenset(allowed) | {Role.ADMIN}, NOT_ALLOWED_OTHERWISE)
