"""The console's people: by the name typed at the prompt, and by platform id for the DMs and
look-ups the core makes (an announcement to 5,000 families asks once per family, so a scan
of everyone per DM would make the fan-out quadratic)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.api.refs import UserRef
from bot.api.roles import Role


@dataclass
class Person:
    user: UserRef
    name: str
    roles: frozenset[Role] = frozenset()
    locale: str | None = None
    timezone: str | None = None
    dms_closed: bool = False


class People(dict[str, Person]):
    """People by lower-case name, with an index by user. Where two names hold one user, the
    first added answers, as a scan in order would. Adding a name keeps the index current;
    replacing or removing one rebuilds it on the next look-up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_user: dict[UserRef, Person] = {}
        self._stale = True

    def by_user(self, user: UserRef) -> Person | None:
        if self._stale:
            self._by_user = {}
            for person in self.values():
                self._by_user.setdefault(person.user, person)
            self._stale = False
        return self._by_user.get(user)

    def __setitem__(self, name: str, person: Person) -> None:
        if name in self:
            self._stale = True
        elif not self._stale:
            self._by_user.setdefault(person.user, person)
        super().__setitem__(name, person)

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        self._stale = True

    def update(self, other: Mapping[str, Person] | Iterable[tuple[str, Person]] = (), /,
               **kwargs: Person) -> None:
        items = other.items() if isinstance(other, Mapping) else other
        for name, person in items:
            self[name] = person
        for name, person in kwargs.items():
            self[name] = person

    def setdefault(self, name: str, default: Person) -> Person:  # type: ignore[override]
        if name not in self:
            self[name] = default
        return self[name]

    def pop(self, name: str, *default: Any) -> Any:  # type: ignore[override]
        self._stale = True
        return super().pop(name, *default)

    def popitem(self) -> tuple[str, Person]:
        self._stale = True
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self._stale = True

    def __ior__(self, other: Any) -> People:  # type: ignore[override,misc]
        self.update(other)
        return self
