"""Tokenizing: quoting as users type it in Slack and in a terminal."""

from __future__ import annotations

import pytest

from accbot.commands.errors import CommandError
from accbot.commands.lexer import Lexer, Mention


def values(text: str) -> list[str]:
    return [token.value for token in Lexer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b  c", ["a", "b", "c"]),
        ('"New York" x', ["New York", "x"]),
        ("'New York' x", ["New York", "x"]),
        ("“New York” x", ["New York", "x"]),  # macOS / iOS smart double quotes
        ("‘New York’ x", ["New York", "x"]),  # smart single quotes
        ("”New York” x", ["New York", "x"]),  # some keyboards close on both sides
        ('"say \\"hi\\"" x', ['say "hi"', "x"]),
        ("'it\\'s' x", ["it's", "x"]),
        ("O'Brien it’s", ["O'Brien", "it’s"]),  # an apostrophe inside a word is not a quote
        ('"a"b', ["ab"]),
        ('""', [""]),
        ("a&amp;b &lt;x&gt;", ["a&b", "<x>"]),
        ("C:\\data\\in.csv", ["C:\\data\\in.csv"]),
        ("a\u00a0b", ["a", "b"]),
    ],
)
def test_words_and_quotes(text: str, expected: list[str]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize("text", ['"open', "'open", "“open", 'x="open', "a ‘b"])
def test_an_unclosed_quote_is_refused(text: str) -> None:
    with pytest.raises(CommandError, match="unbalanced quote"):
        list(Lexer(text))


def test_a_pair_keeps_its_key_and_its_unquoted_value() -> None:
    (token,) = Lexer('name="New York"')
    assert (token.key, token.value, token.quoted) == ("name", "New York", True)
    (token,) = Lexer("expr=a=b")
    assert (token.key, token.value) == ("expr", "a=b")


def test_an_equals_sign_inside_quotes_does_not_make_a_pair() -> None:
    (token,) = Lexer('"a=b"')
    assert (token.key, token.value) == (None, "a=b")


def test_options_with_and_without_values() -> None:
    tokens = list(Lexer('--test --wait=30 --tz="AUS Eastern Standard Time" "--quoted" —multi'))
    assert [t.option for t in tokens] == [
        ("--test", None),
        ("--wait", "30"),
        ("--tz", "AUS Eastern Standard Time"),
        None,
        ("--multi", None),
    ]


def test_slack_channel_and_user_mentions_become_mention_tokens() -> None:
    tokens = list(Lexer("<#C123ABC|alerts> <#C9ZZ> <@U42|bob> <!subteam^S7|@ops>"))
    assert [t.mention for t in tokens] == [
        Mention("#", "C123ABC", "alerts"),
        Mention("#", "C9ZZ", None),
        Mention("@", "U42", "bob"),
        Mention("!", "S7", "@ops"),
    ]
    assert [t.value for t in tokens] == ["#alerts", "#C9ZZ", "@bob", "@ops"]


def test_a_slack_link_becomes_the_text_the_user_typed() -> None:
    assert values("<https://example.com|example.com> <mailto:a@b.c|a@b.c> <https://x.io>") == [
        "example.com",
        "a@b.c",
        "https://x.io",
    ]


def test_rest_of_line_is_free_text_with_one_pair_of_enclosing_quotes_removed() -> None:
    lexer = Lexer('approve a/b "don\'t ship &amp; <#C1|ops>"')
    assert [lexer.next().value, lexer.next().value] == ["approve", "a/b"]
    assert lexer.rest() == "don't ship & #ops"
    assert lexer.next() is None
