"""A Phrase in Slack: text escaped, code in backticks, mentions only from Slack ids."""

from __future__ import annotations

from datetime import UTC, datetime

from accbot.actions.phrases import ChannelRef, Code, Heading, Moment, UserRef, say
from accbot.slack.views.phrase import mrkdwn

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_text_and_code_are_escaped_and_a_backtick_cannot_end_the_code():
    phrase = say("a <b> & c ", Code("x`<!here>`y"))
    assert mrkdwn(phrase) == "a &lt;b&gt; &amp; c `x'&lt;!here&gt;'y`"


def test_people_and_channels_are_mentioned_only_by_slack_ids():
    phrase = say(UserRef("U0123ABC"), " ", UserRef("S0GROUP1"), " ", ChannelRef("C0123ABC"))
    assert mrkdwn(phrase) == "<@U0123ABC> <!subteam^S0GROUP1> <#C0123ABC>"
    odd = say(UserRef("cli:alice"), " ", UserRef("<!channel>"), " ", ChannelRef("general>"))
    assert mrkdwn(odd) == "cli:alice &lt;!channel&gt; #general&gt;"


def test_headings_are_bold_and_times_are_slack_dates():
    text = mrkdwn(say(Heading("Watches"), " until ", Moment(WHEN)))
    assert text.startswith("*Watches* until <!date^")
    assert "|2026-03-04 05:06:07 +0000>" in text
