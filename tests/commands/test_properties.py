"""Properties: no text makes the parser fail with anything but CommandError."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from accbot.commands import Command, CommandError, parse
from accbot.commands.help import COMMANDS
from accbot.commands.model import StartAgent

RUN = "9040f86d-bbc1-4038-9868-501145cc2370"

GRAMMAR_WORDS = sorted({word for name in COMMANDS for word in name.split()}) + [
    "sas:bot-7", "sequentum/Test1/Test-Agent", RUN, RUN.upper(), "{" + RUN + "}",
    "Continue", "never-run", "in-progress-with-failure", "30m", "1h30m", "8d", "0", "5",
    "101", "0 0 6 * * ?", "MON-FRI", "6#3", "L", "2025-01-31T06:00", "Europe/London",
    "C0123ABCD", "#alerts", "failed",
]  # fmt: skip
OPTIONS = [
    "--session", "--session=S1", "--log-level", "--log-level=2", "--test", "--files",
    "--files=a.csv,b.csv", "--multi", "--wait", "--wait=30", "--status", "--all", "--tz",
    "--start", "--", "—test", "–", "--wait=",
]  # fmt: skip
MENTIONS = [
    "<#C123ABC|alerts>", "<#C123ABC>", "<@U42|bob>", "<!subteam^S7|@ops>", "<!here>",
    "<https://example.com|example.com>", "<", ">", "<#>", "<|>", "&amp;", "&lt;", "&gt;", "&",
]  # fmt: skip
QUOTES = ['"', "'", "“", "”", "‘", "’", "„", "\\", '\\"', "=", "k=", "=v", 'k="a b"', "k=‘x’"]

piece = st.one_of(
    st.sampled_from(GRAMMAR_WORDS),
    st.sampled_from(OPTIONS),
    st.sampled_from(MENTIONS),
    st.sampled_from(QUOTES),
    st.text(max_size=8),
)
separator = st.sampled_from([" ", "", "  ", "\t", "\n", "\u00a0"])


def outcome(text: str) -> Command | CommandError:
    try:
        return parse(text)
    except CommandError as error:
        assert error.message
        return error


@settings(max_examples=400)
@given(st.text())
@example('start a/b x="\\')
@example("<")
@example("job")
@example('schedule add a/b "')
@example("mute a/b 9" * 20)
@example("runs a/b " + "9" * 5000)
def test_arbitrary_text_gives_a_command_or_a_command_error(text: str) -> None:
    assert isinstance(outcome(text), Command | CommandError)


@settings(max_examples=1500)
@given(st.lists(st.tuples(piece, separator), max_size=10))
def test_token_soup_from_grammar_words_gives_a_command_or_a_command_error(
    parts: list[tuple[str, str]],
) -> None:
    text = " ".join(word + sep for word, sep in parts)
    assert isinstance(outcome(text), Command | CommandError)


@settings(max_examples=1000)
@given(
    st.lists(st.tuples(piece, separator), max_size=8),
    st.sampled_from(sorted({name.split()[0] for name in COMMANDS})),
)
def test_every_command_word_followed_by_anything_never_crashes(
    parts: list[tuple[str, str]], word: str
) -> None:
    text = word + " " + " ".join(w + s for w, s in parts)
    assert isinstance(outcome(text), Command | CommandError)


param_key = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,15}", fullmatch=True)
param_value = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\"'\\“”‘’„‚&<>"
    ),
    max_size=20,
)


@settings(max_examples=300)
@given(st.dictionaries(param_key, param_value, max_size=6))
def test_k_v_params_round_trip_through_double_quotes(params: dict[str, str]) -> None:
    text = "start a/b " + " ".join(f'{key}="{value}"' for key, value in params.items())
    assert parse(text) == StartAgent("a/b", params)


@settings(max_examples=300)
@given(
    st.dictionaries(param_key, st.text(max_size=20).filter(lambda v: "\x00" not in v), max_size=6)
)
def test_any_k_v_value_round_trips_when_quoted_and_escaped_as_slack_sends_it(
    params: dict[str, str],
) -> None:
    # Whatever a value holds (quotes of any kind, spaces, '=', '&', '<'), backslash-escaping
    # quotes and backslashes, plus Slack's own &amp; &lt; &gt;, brings it back unchanged.
    def quote(value: str) -> str:
        escaped = "".join("\\" + c if c in "\"'“”‘’„‚\\" else c for c in value)
        return '"' + escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + '"'

    text = "start a/b " + " ".join(f"{key}={quote(value)}" for key, value in params.items())
    assert parse(text) == StartAgent("a/b", params)
