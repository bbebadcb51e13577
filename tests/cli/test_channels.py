"""`accbot watch a/b #alerts`: a channel's name resolved with conversations.list.

Against the fake Slack (its conversations.list pages with cursors) and the simulator.
"""

from __future__ import annotations

import pytest

from accbot.cli.channels import resolve_channel_names
from accbot.config import load_settings
from accbot.store import watches
from tests.support.fake_slack import FakeSlack
from tests.test_cli import BOT_TOKEN, QUICK, acc, cli, services  # noqa: F401 (fixtures)

ALERTS = "C0ALERTS9"


@pytest.fixture
def slack(services):  # noqa: F811 (the fixture imported above)
    """A fake Slack with 7 channels listed 2 a page, and the CLI's bot token pointed at it."""
    with FakeSlack() as fake:
        fake.channel_page_size = 2
        for i in range(6):
            fake.channels[f"C0OTHER{i}X"] = f"team-{i}"
        fake.channels["CZZLAST01"] = "Alerts"  # last page, and Slack's own capitals
        fake.channels[ALERTS] = "alerts-x"
        services.settings = load_settings(
            ACC_BASE_URL=services.settings.ACC_BASE_URL,
            ACC_API_TOKEN="cli-token",
            DATABASE_URL=services.settings.DATABASE_URL,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_API_URL=fake.api_url,
        )
        yield fake


def stored_channels(services) -> list[str]:  # noqa: F811
    with services.db.session() as session:
        return [w.channel_id for w in watches.list_watches(session)]


def test_watch_takes_a_channel_by_name_looked_up_page_by_page(cli, services, slack):  # noqa: F811
    code, text, err = cli("watch", QUICK, "#alerts")
    assert code == 0, err
    assert stored_channels(services) == ["CZZLAST01"]
    calls = slack.calls_to("conversations.list")
    assert len(calls) == 4  # 8 channels, 2 a page: it followed the cursor to the last page
    assert [c.params.get("cursor") for c in calls] == [None, "2", "4", "6"]
    assert all(c.token == BOT_TOKEN for c in calls)
    assert "private_channel" in calls[0].params["types"]
    assert f"Started watching {QUICK} in #CZZLAST01" in text


def test_unwatch_takes_the_name_too(cli, services, slack):  # noqa: F811
    cli("watch", QUICK, "#alerts-x")
    assert stored_channels(services) == [ALERTS]
    code, text, err = cli("unwatch", QUICK, "#alerts-x")
    assert code == 0, err
    assert stored_channels(services) == []


def test_an_unknown_name_is_refused_and_nothing_is_watched(cli, services, slack):  # noqa: F811
    code, text, err = cli("watch", QUICK, "#nowhere")
    assert code == 2
    assert "Slack knows no channel named '#nowhere' that accbot can see" in err
    assert stored_channels(services) == []


def test_a_name_without_a_bot_token_says_what_to_do(cli, services):  # noqa: F811
    code, _, err = cli("watch", QUICK, "#alerts")
    assert code == 2
    assert "needs SLACK_BOT_TOKEN" in err and "channel's ID" in err
    assert stored_channels(services) == []


def test_slack_refusing_the_lookup_is_one_error_line_without_the_token(cli, services, slack):  # noqa: F811
    slack.fail_next("conversations.list", status=200, body={"ok": False, "error": "missing_scope"})
    code, _, err = cli("watch", QUICK, "#alerts")
    assert code == 1
    assert err.strip() == (
        "error: Slack would not list its channels (missing_scope); give the channel's ID (C…)"
    )
    assert BOT_TOKEN not in err


def test_ids_need_no_lookup_and_other_commands_keep_their_words():
    def never(_: str) -> str | None:
        raise AssertionError("looked up")

    assert resolve_channel_names(["watch", QUICK, "C0123ABCD"], lambda: never) == [
        "watch", QUICK, "C0123ABCD",
    ]  # fmt: skip
    words = ["start", QUICK, "tag=#alerts", "#x"]
    assert resolve_channel_names(words, lambda: never) == words


def test_an_id_typed_with_a_hash_is_the_id_without_a_lookup():
    """Channel names have no capitals, so ``#C0123ABCD`` can only be the ID itself."""

    def never(_: str) -> str | None:
        raise AssertionError("looked up")

    assert resolve_channel_names(["unwatch", QUICK, "#C0123ABCD"], lambda: None) == [
        "unwatch", QUICK, "C0123ABCD",
    ]  # fmt: skip
    assert resolve_channel_names(["watch", QUICK, "#G0123ABCD"], lambda: never)[-1] == "G0123ABCD"
