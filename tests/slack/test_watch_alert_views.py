"""Data-quality and server alerts as Slack shows them: what a person needs to act, and
nothing from ACC or a user that could become live markup."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from accbot.slack.views import watch_alerts
from accbot.watcher.quality import QualityRule, judge
from accbot.watcher.server_health import OVER_THRESHOLD, UNREACHABLE, ServerFacts

PORTAL = "https://acc.example.com"
LIVE = re.compile(r"<[!@#]|<https?:", re.IGNORECASE)
FRAGMENTS = ["<!channel>", "<!here>", "<@U999>", "<#C999>", "<https://evil.example|x>", "&", "`"]
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=5
).map("".join)


def _shown(blocks) -> str:
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)


def _texts(value) -> list[str]:
    """Every text a person sees in a block tree (button values are not shown)."""
    if isinstance(value, dict):
        return [
            text
            for key, item in value.items()
            for text in ([item] if key == "text" and isinstance(item, str) else _texts(item))
        ]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def _seen(blocks) -> str:
    return "\n".join(_texts([b.to_dict() for b in blocks]))


def test_a_drop_alert_shows_the_count_the_median_and_the_recent_counts() -> None:
    finding = judge(40, [100, 110, 90, 100, 120], QualityRule(drop_percent=50))
    assert finding is not None
    shown = _shown(watch_alerts.quality_alert_blocks("a/b", None, "r1", finding, PORTAL))
    assert "60% less data than usual" in shown
    assert "*Data count*\\n40" in shown
    assert "*Median of the last 5 successful runs*\\n100" in shown
    assert "`▇▇▆▇█▃`" in shown
    assert "*Alerts below*\\n50% under the median" in shown


def test_an_empty_alert_says_so() -> None:
    finding = judge(0, [], QualityRule(empty=True))
    assert finding is not None
    text = watch_alerts.quality_text("a/b", "r1", finding)
    assert text == "a/b: run r1 succeeded with no data (0 rows)"
    shown = _shown(watch_alerts.quality_alert_blocks("a/b", None, "r1", finding, ""))
    assert (
        "succeeded with no data" in shown and "*Median of the last 0 successful runs*\\n—" in shown
    )


def test_a_server_alert_names_the_trouble_and_why() -> None:
    facts = ServerFacts("se1", "10.0.0.5:8004", OVER_THRESHOLD, ("memory 93% (threshold 90%)",))
    shown = _shown(watch_alerts.server_alert_blocks(facts))
    assert "*Server `se1`* is over ACC's thresholds" in shown
    assert "memory 93% (threshold 90%)" in shown and "10.0.0.5:8004" in shown
    assert watch_alerts.server_text(facts) == "server se1 is over ACC's thresholds"


@settings(max_examples=60, deadline=None)
@given(agent=hostile, run_id=hostile, name=hostile, reason=hostile)
def test_nothing_from_acc_or_a_user_becomes_live_markup(agent, run_id, name, reason) -> None:
    finding = judge(0, [5, 5, 5, 5, 5], QualityRule(empty=True, drop_percent=50))
    assert finding is not None
    facts = ServerFacts(name, "10.0.0.5:8004", UNREACHABLE, (reason,))
    texts = [
        _seen(watch_alerts.quality_alert_blocks(agent, None, run_id, finding, PORTAL)),
        _seen(watch_alerts.server_alert_blocks(facts)),
        watch_alerts.quality_line(agent, run_id, finding),
        watch_alerts.quality_text(agent, run_id, finding),
        watch_alerts.server_text(facts),
        watch_alerts.server_line(facts),
        watch_alerts.server_back_text(name, reason),
    ]
    for text in texts:
        left = text.replace(f"<{PORTAL}|", "")
        assert LIVE.search(left) is None, text
