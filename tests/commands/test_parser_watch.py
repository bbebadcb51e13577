"""``/acc watch`` beyond failures: data-quality options, escalation, and server watches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accbot.commands import CommandError, parse
from accbot.commands.model import (
    AgentRef,
    Escalation,
    Unwatch,
    UnwatchServer,
    Watch,
    WatchServer,
)
from accbot.commands.roles import Role, required_role

PATH = "sequentum/Test1/Test-Agent"
ACC = AgentRef("acc", PATH)
ONCALL = "<!subteam^S0ONCALL1|@oncall>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"watch {PATH} --empty", Watch(ACC, empty=True)),
        (f"watch {PATH} --drop 50", Watch(ACC, drop_percent=50)),
        (f"watch {PATH} --drop=30%", Watch(ACC, drop_percent=30)),
        (
            f"watch {PATH} <#C123ABC|alerts> --all --empty --drop 75",
            Watch(ACC, "C123ABC", all_states=True, empty=True, drop_percent=75),
        ),
        (
            f"watch {PATH} --escalate 30m {ONCALL}",
            Watch(ACC, escalate=Escalation(timedelta(minutes=30), "S0ONCALL1")),
        ),
        (
            f"watch {PATH} --escalate 1h30m <@U0BOB1234|bob> <#C123ABC|alerts>",
            Watch(ACC, "C123ABC", escalate=Escalation(timedelta(hours=1, minutes=30), "U0BOB1234")),
        ),
        (
            f"watch {PATH} --escalate=90s U0BOB1234",
            Watch(ACC, escalate=Escalation(timedelta(seconds=90), "U0BOB1234")),
        ),
        (
            "watch sas:bot-7 --escalate 1m <@U0BOB1234>",
            Watch(AgentRef("sas", "bot-7"), escalate=Escalation(timedelta(minutes=1), "U0BOB1234")),
        ),
        ("watch server:se1", WatchServer("se1")),
        ("watch SERVER:se1 <#C123ABC|ops>", WatchServer("se1", "C123ABC")),
        ("unwatch server:se1 <#C123ABC|ops>", UnwatchServer("se1", "C123ABC")),
        (f"unwatch {PATH}", Unwatch(ACC)),
    ],
)
def test_watch_options_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_an_escalation_knows_a_group_from_a_user() -> None:
    assert Escalation(timedelta(minutes=1), "S0ONCALL1").is_group
    assert not Escalation(timedelta(minutes=1), "U0BOB1234").is_group


def test_server_watches_need_an_admin_like_other_watches() -> None:
    assert required_role(parse("watch server:se1")) is Role.ADMIN
    assert required_role(parse("unwatch server:se1")) is Role.ADMIN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("watch a/b --drop", "--drop needs a value"),
        (
            "watch a/b --drop half",
            "--drop 'half' is not a percentage from 1 to 99 (--drop 50 alerts a data count "
            "more than half below the usual)",
        ),
        (
            "watch a/b --drop 100",
            "--drop '100' is not a percentage from 1 to 99 (--drop 50 alerts a data count "
            "more than half below the usual)",
        ),
        ("watch a/b --empty --empty", "--empty given twice"),
        ("watch a/b --escalate", "--escalate needs a value"),
        ("watch a/b --escalate 30m", "--escalate needs a value and then whom it names"),
        ("watch a/b --escalate 30m --all", "--escalate needs a value and then whom it names"),
        (
            f"watch a/b --escalate soon {ONCALL}",
            "--escalate: 'soon' is not a duration (e.g. 90s, 30m, 2h, 1d, 1h30m)",
        ),
        (f"watch a/b --escalate 30s {ONCALL}", "--escalate waits from 1m to 7d, not '30s'"),
        (f"watch a/b --escalate 8d {ONCALL}", "--escalate waits from 1m to 7d, not '8d'"),
        (
            "watch a/b --escalate 30m @oncall",
            "can't tell who '@oncall' is: --escalate names a user or a user group picked from "
            "Slack's autocomplete (type @ and choose), or their ID (U… or S…)",
        ),
        (
            "watch a/b --escalate 30m <!here>",
            "can't tell who '@here' is: --escalate names a user or a user group picked from "
            "Slack's autocomplete (type @ and choose), or their ID (U… or S…)",
        ),
        (
            "watch a/b --escalate 30m <#C123ABC|alerts>",
            "'#alerts' is a channel; --escalate names a user or a group",
        ),
        ("watch sas:bot-7 --empty", "--empty watch ACC's data counts; SAS agent runs have none"),
        (
            "watch sas:bot-7 --empty --drop 10",
            "--empty and --drop watch ACC's data counts; SAS agent runs have none",
        ),
        ("watch server:", "missing the server name after 'server:' (see ACCBOT_SERVERS)"),
        (
            "watch server:se1 --all",
            "a server watch takes no options (--all): it alerts when the server is unreachable "
            "or over ACC's own thresholds, and when it is back",
        ),
        (
            "watch server:se1 alerts",
            "'alerts' is not a channel (type # and pick one from the list)",
        ),
        ("unwatch server:se1 --all", "unknown option --all"),
    ],
)
def test_watch_refusals_say_what_was_wrong(text: str, message: str) -> None:
    with pytest.raises(CommandError) as info:
        parse(text)
    assert info.value.message == message
    assert info.value.usage is not None
