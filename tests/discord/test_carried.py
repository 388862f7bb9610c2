"""Options typed with a command, carried through its modal's custom id: small values in the
id itself, read back as Discord sent them; a file, or too much, kept under a token for as long
as Discord keeps the interaction."""

from __future__ import annotations

from adapters.discord.carried import LIFETIME_SECONDS, CarriedOptions, Typed
from bot.api import customid
from bot.api.commands import CommandSpec, OptionSpec, OptionType

SPEC = CommandSpec(name="announce", description="Post an announcement", options=(
    OptionSpec("text", "What", required=True, long=True), OptionSpec("when", "When"),
    OptionSpec("urgent", "Urgent", type=OptionType.BOOLEAN), OptionSpec("id", "Number", type=OptionType.INTEGER),
    OptionSpec("channel", "Where", type=OptionType.CHANNEL), OptionSpec("attach", "File", type=OptionType.ATTACHMENT)))
TYPED = Typed(({"name": "channel", "type": 7, "value": "931000000000000001"}, {"name": "urgent", "type": 5,
                                                                              "value": True},
               {"name": "id", "type": 4, "value": 12}))
FILE = {"id": "777", "filename": "slip.pdf", "size": 2048, "content_type": "application/pdf",
        "url": "https://cdn.discordapp.com/ephemeral-attachments/1/777/slip.pdf"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _value(custom_id: str) -> str:
    route = customid.decode(custom_id)
    assert route is not None
    return route.value


def test_nothing_typed_gives_the_plain_command_id() -> None:
    assert CarriedOptions().custom_id("announce", Typed()) == "hr|cmd:announce|"


def test_small_values_ride_in_the_id_and_come_back_as_discord_sent_them() -> None:
    carried = CarriedOptions()
    custom_id = carried.custom_id("announce", TYPED)
    assert "931000000000000001" in custom_id and len(custom_id) <= customid.MAX_ID_LENGTH
    assert CarriedOptions().take(SPEC, _value(custom_id)) == TYPED  # another process reads them too


def test_a_file_is_kept_under_a_token_with_what_resolves_it() -> None:
    carried = CarriedOptions()
    typed = Typed(({"name": "attach", "type": 11, "value": "777"},), {"attachments": {"777": FILE}})
    custom_id = carried.custom_id("announce", typed)
    assert "777" not in custom_id
    assert carried.take(SPEC, _value(custom_id)) == typed


def test_values_too_long_for_the_id_are_kept_under_a_token() -> None:
    carried = CarriedOptions()
    typed = Typed(({"name": "when", "type": 3, "value": "next Tuesday at half past seven " * 4},))
    custom_id = carried.custom_id("announce", typed)
    assert len(custom_id) <= customid.MAX_ID_LENGTH
    assert carried.take(SPEC, _value(custom_id)) == typed


def test_a_token_is_taken_once() -> None:
    carried = CarriedOptions()
    custom_id = carried.custom_id("announce", Typed(({"name": "attach", "type": 11, "value": "777"},)))
    carried.take(SPEC, _value(custom_id))
    assert carried.take(SPEC, _value(custom_id)) is None


def test_a_token_outliving_the_interaction_is_gone() -> None:
    clock = Clock()
    carried = CarriedOptions(clock)
    custom_id = carried.custom_id("announce", Typed(({"name": "attach", "type": 11, "value": "777"},)))
    clock.now += LIFETIME_SECONDS
    assert carried.take(SPEC, _value(custom_id)) is None


def test_a_token_this_process_never_gave_is_gone() -> None:
    assert CarriedOptions().take(SPEC, "~unknown") is None
