"""The console's people answer by user id as a scan in order would, whatever changes them."""

from __future__ import annotations

from adapters.console.people import People, Person
from bot.api.refs import UserRef


def _person(user_id: str, name: str) -> Person:
    return Person(user=UserRef("console", user_id), name=name)


def test_a_person_added_by_name_is_found_by_their_user() -> None:
    people = People()
    maria = _person("u-maria", "Maria")
    people["maria"] = maria
    assert people.by_user(UserRef("console", "u-maria")) is maria


def test_an_unknown_user_is_nobody() -> None:
    people = People()
    people["maria"] = _person("u-maria", "Maria")
    assert people.by_user(UserRef("console", "u-luis")) is None


def test_the_first_name_added_answers_for_a_shared_user() -> None:
    people = People()
    first, second = _person("u-1", "First"), _person("u-1", "Second")
    people["first"] = first
    people["second"] = second
    assert people.by_user(UserRef("console", "u-1")) is first


def test_a_replaced_name_answers_with_the_new_person() -> None:
    people = People()
    people["ana"] = _person("u-ana", "Ana")
    people.by_user(UserRef("console", "u-ana"))
    people["ana"] = _person("u-zed", "Zed")
    assert people.by_user(UserRef("console", "u-ana")) is None
    assert people.by_user(UserRef("console", "u-zed")).name == "Zed"  # type: ignore[union-attr]


def test_people_added_by_update_are_found() -> None:
    people = People()
    people.by_user(UserRef("console", "x"))
    people.update({"ben": _person("u-ben", "Ben")}, eve=_person("u-eve", "Eve"))
    assert people.by_user(UserRef("console", "u-ben")).name == "Ben"  # type: ignore[union-attr]
    assert people.by_user(UserRef("console", "u-eve")).name == "Eve"  # type: ignore[union-attr]


def test_a_removed_person_is_no_longer_found() -> None:
    people = People()
    people["ben"] = _person("u-ben", "Ben")
    people.by_user(UserRef("console", "u-ben"))
    del people["ben"]
    assert people.by_user(UserRef("console", "u-ben")) is None
    people["ben"] = _person("u-ben", "Ben")
    people.pop("ben")
    assert people.by_user(UserRef("console", "u-ben")) is None
