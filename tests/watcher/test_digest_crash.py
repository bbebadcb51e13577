"""Crashes in the middle of a digest: a real process dies at one of its posts, another starts.

A storm of 25 failures becomes one digest: its top-level post, then two replies listing
20 and 5 runs. The first process dies before or just after one of those three posts (after
recording it, or after Slack accepted it but before marking it posted). Whatever the
moment, once a second process has run every run is listed exactly once in the digest's
thread, the digest is posted once, and every record says where it went.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accbot.store.models import Alert, DigestMessage
from tests.watcher.helpers import ALERTS, alerts_in, replies, text_of
from tests.watcher.test_crash import run_watcher_process
from tests.watcher.watcher_process import CRASH_EXIT

PATH = "acme/shop/prices"
FAILURES = 25


@pytest.mark.parametrize(
    ("crash", "at", "posted_before"),
    [
        ("after-record", 1, 0),  # the digest recorded, not posted
        ("after-post", 1, 1),  # the digest posted, not marked
        ("after-record", 2, 1),  # the digest marked; its first reply not posted
        ("after-post", 2, 2),  # the first reply posted, not marked
        ("after-post", 3, 3),  # the last reply posted, not marked
    ],
    ids=[
        "before-the-digest",
        "after-the-digest",
        "before-its-first-reply",
        "after-its-first-reply",
        "after-its-last-reply",
    ],
)
def test_a_crash_anywhere_in_a_digest_leaves_every_run_listed_exactly_once(
    crash, at, posted_before, acc, slack, settings_env, services, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    runs = [acc.state.add_run(agent_id, 5)["agentRunHistoryId"] for _ in range(FAILURES)]

    crashed = run_watcher_process(
        settings_env, "once", "--crash", crash, "--crash-at", str(at), "--holder", "crashing"
    )
    assert crashed.returncode == CRASH_EXIT, crashed.stderr
    assert slack.count("chat.postMessage") == posted_before

    restarted = run_watcher_process(settings_env, "once", "--holder", "restarted")
    assert restarted.returncode == 0, restarted.stderr

    [digest] = alerts_in(slack, ALERTS)
    assert f"{FAILURES} alerts" in text_of(digest)
    lists = replies(slack, ALERTS, digest.ts)
    assert len(lists) == 2
    for run in runs:
        assert sum(run in text_of(reply) for reply in lists) == 1, run
    with services.db.session() as session:
        records = list(session.scalars(select(Alert)))
        messages = list(session.scalars(select(DigestMessage).order_by(DigestMessage.part)))
    assert len(records) == FAILURES
    assert {(r.state, r.slack_ts, r.thread_ts) for r in records} == {
        ("posted", digest.ts, digest.ts)
    }
    assert [(m.state, m.slack_ts) for m in messages] == [
        ("posted", digest.ts),
        *(("posted", reply.ts) for reply in lists),
    ]
    if posted_before > 1:
        assert slack.count("conversations.replies") >= 1  # the thread was searched first


def test_a_digest_reply_found_in_the_thread_is_marked_not_posted_again(
    acc, slack, settings_env, services, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    for _ in range(FAILURES):
        acc.state.add_run(agent_id, 5)
    run_watcher_process(settings_env, "once", "--crash", "after-post", "--crash-at", "2")

    run_watcher_process(settings_env, "once", "--holder", "second")
    run_watcher_process(settings_env, "once", "--holder", "third")

    [digest] = alerts_in(slack, ALERTS)
    assert len(replies(slack, ALERTS, digest.ts)) == 2
    assert slack.count("chat.postMessage") == 3
