"""A watch keeps its data-quality options and escalation; watching again replaces them."""

from __future__ import annotations

from datetime import UTC, datetime

from accbot.store import watches
from accbot.store.watches import WatchOptions

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _watch(session, options: WatchOptions | None = None):
    return watches.add_watch(
        session,
        kind="acc",
        agent_ref="team/agent",
        agent_id="agent-1",
        channel_id="C1",
        created_by="U1",
        options=options,
        now=T0,
    )


def test_a_watch_keeps_its_options(database) -> None:
    options = WatchOptions(empty_alerts=True, drop_percent=50, escalate_seconds=1800,
                           escalate_to="S0ONCALL1")  # fmt: skip
    with database.session() as session:
        _, created = _watch(session, options)
        assert created
    with database.session() as session:
        [stored] = watches.list_watches(session)
        assert WatchOptions.of(stored) == options


def test_a_plain_watch_alerts_on_failures_only(database) -> None:
    with database.session() as session:
        watch, _ = _watch(session)
        assert WatchOptions.of(watch) == WatchOptions()
        assert watch.empty_alerts is False and watch.drop_percent is None


def test_watching_again_replaces_every_option(database) -> None:
    with database.session() as session:
        first, _ = _watch(session, WatchOptions(empty_alerts=True, escalate_seconds=60,
                                                escalate_to="U0BOB1234"))  # fmt: skip
    with database.session() as session:
        again, created = _watch(session, WatchOptions(all_states=True, drop_percent=30))
        assert not created and again.id == first.id
    with database.session() as session:
        [stored] = watches.list_watches(session)
        assert WatchOptions.of(stored) == WatchOptions(all_states=True, drop_percent=30)
