"""Reading options: the same syntax on the console and Slack, and the same checks for
values a platform delivers typed (Discord) or as a form's fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given as for_any
from hypothesis import strategies as st

from bot.api.commands import (
    BOOLEAN_WORDS,
    FALSE_WORDS,
    TRUE_WORDS,
    Choice,
    CommandSpec,
    CommandSyntaxError,
    OptionSpec,
    OptionType,
    convert_scalar,
    find_command,
    parse_option_words,
    read_options,
    split_words,
)
from bot.api.events import FrozenMap
from bot.api.refs import ChannelRef, CommunityRef, UserRef
from bot.i18n import LOCALE_DIR

SIGNUP = CommandSpec("signup create", "", (
    OptionSpec("title", "", required=True), OptionSpec("slots", "", required=True),
    OptionSpec("per_family", "", type=OptionType.INTEGER, min_value=1),
))
LANGUAGE = CommandSpec("language", "", (OptionSpec("name", "", required=True),))


def test_quoted_values_keep_their_spaces() -> None:
    assert split_words('title:"Field trip" slots:"🚌 Chaperone x4"') == ["title:Field trip", "slots:🚌 Chaperone x4"]


def test_curly_quotes_work_like_straight_quotes() -> None:
    assert split_words("title:“Field trip”") == ["title:Field trip"]


def test_unclosed_quote_is_a_syntax_error() -> None:
    with pytest.raises(CommandSyntaxError):
        split_words('title:"Field trip')


def test_subcommand_is_found_before_the_root() -> None:
    specs = {"signup create": SIGNUP, "language": LANGUAGE}
    found = find_command(specs, ["signup", "create", "title:x"])
    assert found == (SIGNUP, ["title:x"])


def test_named_options_are_read() -> None:
    assert parse_option_words(SIGNUP, ["title:Trip", "slots:🚌 x2"]) == {"title": "Trip", "slots": "🚌 x2"}


def test_last_text_option_swallows_remaining_words() -> None:
    assert parse_option_words(LANGUAGE, ["Haitian", "Creole"]) == {"name": "Haitian Creole"}


def test_words_with_colons_that_are_no_option_names_stay_text() -> None:
    assert parse_option_words(LANGUAGE, ["Note:", "https://x.example", "at", "7:30"]) == {
        "name": "Note: https://x.example at 7:30"}


def test_an_unknown_option_name_is_an_error_naming_the_close_one() -> None:
    with pytest.raises(CommandSyntaxError, match="Did you mean title:"):
        parse_option_words(SIGNUP, ["titel:Trip", "slots:🚌 x2"])


def test_option_given_twice_is_refused() -> None:
    with pytest.raises(CommandSyntaxError):
        parse_option_words(SIGNUP, ["title:a", "title:b"])


def test_integer_below_minimum_is_refused() -> None:
    with pytest.raises(CommandSyntaxError, match="at least 1"):
        convert_scalar(SIGNUP.options[2], "0")


def test_an_id_past_the_database_range_names_no_record() -> None:
    ident = OptionSpec("id", "", type=OptionType.INTEGER, missing="There is no sign-up #{id} here.")
    with pytest.raises(CommandSyntaxError, match="There is no sign-up #3000000000 here"):
        convert_scalar(ident, "3000000000")


def test_a_number_past_the_database_range_is_refused_kindly() -> None:
    with pytest.raises(CommandSyntaxError, match="per_family must be at most 2147483647"):
        convert_scalar(SIGNUP.options[2], str(2**63))


def test_boolean_words_in_several_languages() -> None:
    flag = OptionSpec("urgent", "", type=OptionType.BOOLEAN)
    assert convert_scalar(flag, "sí") is True
    assert convert_scalar(flag, "no") is False


OUTING = CommandSpec("outing plan", "", (
    OptionSpec("title", "", required=True),
    OptionSpec("seats", "", type=OptionType.INTEGER, min_value=1, max_value=40),
    OptionSpec("bus", "", type=OptionType.BOOLEAN),
    OptionSpec("size", "", choices=(Choice("Small group", "small"), Choice("Large group", "large"))),
    OptionSpec("helper", "", type=OptionType.USER),
    OptionSpec("where", "", type=OptionType.CHANNEL),
))
ROOM = CommunityRef("test", "room")


class Directory:
    """What an adapter's resolve_user/resolve_channel answer: a mention or a known name names
    someone, anything else nobody."""

    people = {"<@u-ana>": UserRef("test", "u-ana"), "ana": UserRef("test", "u-ana")}
    channels = {"#general": ChannelRef("test", "c-general", ROOM)}

    async def user(self, text: str) -> UserRef | None:
        return self.people.get(text)

    async def channel(self, text: str) -> ChannelRef | None:
        return self.channels.get(text)


async def read(words: str = "", **given: Any) -> FrozenMap[Any]:
    return await read_options(OUTING, split_words(words), given, Directory(), platform="test")


async def refusal(words: str = "", **given: Any) -> str:
    """The one answer a reading gets when it is refused."""
    with pytest.raises(CommandSyntaxError) as refused:
        await read(words, **given)
    return str(refused.value)


async def test_text_and_typed_values_read_the_same() -> None:
    from_text = await read('title:"Zoo trip" seats:3 bus:yes size:large helper:<@u-ana> where:#general')
    typed = await read(title="Zoo trip", seats=3, bus=True, size="large", helper="<@u-ana>", where="#general")
    assert from_text == typed == {"title": "Zoo trip", "seats": 3, "bus": True, "size": "large",
                                  "helper": UserRef("test", "u-ana"), "where": ChannelRef("test", "c-general", ROOM)}


async def test_options_come_back_read_only_in_declared_order() -> None:
    options = await read("bus:no seats:2 title:Zoo")
    assert isinstance(options, FrozenMap)
    assert list(options) == ["title", "seats", "bus"]


async def test_a_typed_integer_outside_its_bounds_is_refused_like_text() -> None:
    for given in (0, "0"):
        assert await refusal(title="Zoo", seats=given) == "seats must be at least 1."
    assert await refusal(title="Zoo", seats=41) == "seats must be at most 40."


async def test_a_boolean_is_not_a_whole_number() -> None:
    assert await refusal(title="Zoo", seats=True) == "seats must be a whole number."


async def test_a_number_is_not_yes_or_no() -> None:
    assert await refusal(title="Zoo", bus=1) == "bus must be true or false."


async def test_a_number_given_for_text_is_refused() -> None:
    assert await refusal(title=7) == "title must be text."


async def test_a_typed_choice_not_offered_is_refused_naming_the_choices() -> None:
    assert await refusal(title="Zoo", size="huge") == "size must be one of: small, large."


async def test_a_choice_may_be_typed_by_its_label_in_any_case() -> None:
    assert (await read('title:Zoo size:"LARGE GROUP"'))["size"] == "large"


async def test_a_missing_required_option_is_refused_whoever_delivered_the_rest() -> None:
    assert await refusal(seats=3) == "The option title is required."


async def test_an_empty_value_counts_as_not_given() -> None:
    assert await read('title:Zoo seats:"" bus:""') == {"title": "Zoo"}
    assert await refusal(title="") == "The option title is required."


async def test_spaces_are_a_value_the_option_must_accept() -> None:
    assert await read('title:" "') == {"title": " "}
    assert await refusal(title="Zoo", seats=" ") == "seats must be a whole number."


async def test_a_typed_option_the_command_does_not_have_is_refused_with_a_suggestion() -> None:
    assert "Did you mean seats:?" in await refusal(title="Zoo", seat=3)


async def test_an_option_in_the_text_and_by_name_is_given_twice() -> None:
    assert await refusal("title:Zoo seats:3", seats=4) == "The option seats is given twice."


async def test_someone_the_platform_does_not_know_is_named_in_the_answer() -> None:
    assert await refusal(title="Zoo", helper="Nobody") == "I can't find Nobody in this community."
    assert await refusal(title="Zoo", where="#nowhere") == "I can't find the channel #nowhere."


async def test_a_reference_from_another_platform_names_nobody() -> None:
    assert await refusal(title="Zoo", helper=UserRef("elsewhere", "u-ana")) == "I can't find helper in this community."


async def test_a_reference_from_this_platform_is_kept_as_it_is() -> None:
    assert (await read(title="Zoo", helper=UserRef("test", "u-9")))["helper"] == UserRef("test", "u-9")


def test_no_word_means_yes_in_one_language_and_no_in_another() -> None:
    assert TRUE_WORDS & FALSE_WORDS == set()


def test_every_language_with_a_catalog_has_its_yes_and_no() -> None:
    catalogs = {path.name for path in Path(LOCALE_DIR).iterdir() if (path / "LC_MESSAGES").is_dir()}
    assert catalogs and catalogs <= set(BOOLEAN_WORDS)


def test_yes_and_no_read_as_people_type_them() -> None:
    flag = OptionSpec("bus", "", type=OptionType.BOOLEAN)
    assert [convert_scalar(flag, word) for word in ("Oui", " SIM ", "да", "có", "是")] == [
        True] * 5
    assert [convert_scalar(flag, word) for word in ("Non", "não", "нет", "không", "否")] == [False] * 5


def outcome(opt: OptionSpec, value: object) -> object:
    """What reading one value gives: the typed value, or the words of its refusal."""
    try:
        return convert_scalar(opt, value)
    except CommandSyntaxError as refused:
        return str(refused)


@for_any(st.integers(min_value=-(2**70), max_value=2**70))
def test_a_number_reads_the_same_typed_as_written(number: int) -> None:
    seats = OUTING.options[1]
    assert outcome(seats, number) == outcome(seats, str(number))
