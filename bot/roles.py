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
