"""The one custom-id format: round trips for buttons, forms and command forms, the wire
format of buttons already posted, and over-long ids refused instead of cut."""

from __future__ import annotations

import pytest

from adapters.slack.blocks import to_blocks, to_modal
from bot.api import customid
from bot.api.customid import Kind, Route
from bot.api.messages import Button, Form, Message


def test_button_round_trip_keeps_the_posted_wire_format() -> None:
    encoded = customid.button("signup.toggle", "12:3")
    assert encoded == "hr|signup.toggle|12:3"  # cards already posted carry this
    assert customid.decode(encoded) == Route(Kind.BUTTON, "signup.toggle", "12:3")


def test_value_may_contain_the_separator() -> None:
    assert customid.decode(customid.button("a.b", "x|y")) == Route(Kind.BUTTON, "a.b", "x|y")


def test_form_round_trip() -> None:
    assert customid.decode(customid.form("relay.ask", "42")) == Route(Kind.FORM, "relay.ask", "42")


def test_command_form_round_trip() -> None:
    assert customid.decode(customid.command_form("announce")) == Route(Kind.COMMAND, "announce")


def test_command_form_carries_its_value() -> None:
    assert customid.decode(customid.command_form("announce", "urgent=1")) == Route(Kind.COMMAND, "announce",
                                                                                   "urgent=1")


def test_modals_opened_before_the_format_changed_still_decode() -> None:
    assert customid.decode("hr-cmd|announce") == Route(Kind.COMMAND, "announce")
    assert customid.decode("hr-form|relay.ask|42") == Route(Kind.FORM, "relay.ask", "42")


@pytest.mark.parametrize("foreign", ["", "hr", "hr|", "xx|a|b", "hr||b", "hr|form:|1", "other-app-button"])
def test_ids_that_are_not_ours_decode_to_none(foreign: str) -> None:
    assert customid.decode(foreign) is None


def test_button_id_longer_than_discords_100_characters_is_refused() -> None:
    customid.button("a.b", "x" * (100 - len("hr|a.b|")))  # exactly at the limit
    with pytest.raises(customid.CustomIdTooLong):
        customid.button("a.b", "x" * (101 - len("hr|a.b|")))


def test_form_id_too_long_is_refused() -> None:
    with pytest.raises(customid.CustomIdTooLong):
        customid.form("f", "v" * 100)


def test_slack_callback_id_over_255_characters_is_refused() -> None:
    with pytest.raises(customid.CustomIdTooLong):
        to_modal(Form("f", "T"), "hr|form:f|" + "v" * 250)


def test_slack_button_value_within_limits_is_sent_whole() -> None:
    [actions] = [b for b in to_blocks(Message(buttons=(Button("Go", "a.b", "v" * 90),))) if b["type"] == "actions"]
    assert actions["elements"][0]["value"] == "v" * 90


def test_our_ids_match_the_routing_pattern() -> None:
    for encoded in (customid.button("a.b", "1"), customid.form("f"), customid.command_form("c"), "hr-cmd|c"):
        assert customid.OURS.match(encoded)
    assert not customid.OURS.match("hrx|a|b")
