"""Text command parsing: the same syntax on the console and Slack."""

from __future__ import annotations

import pytest

from bot.commands import (
    CommandSpec,
    CommandSyntaxError,
    OptionSpec,
    OptionType,
    convert_scalar,
    find_command,
    parse_option_words,
    split_words,
)

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
