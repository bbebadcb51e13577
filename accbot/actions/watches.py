"""Watches and mutes: which channel hears about which agent's runs, and when not.

A new watch resolves the agent (an unknown one is refused with ACC's 404) and starts the
agent's cursor from its current history, so nothing older than the watch is alerted.
The channel is the one named, else the one the command came from, else
ACCBOT_ALERT_CHANNEL. Mutes hold an agent's alerts back until they expire by themselves.

A watch's options (``--all``, ``--empty``, ``--drop``, ``--escalate``) are stored with
it; watching again with other options replaces them. The escalation is only stored and
listed here: the step that mentions the person is not built yet.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput, NotConfigured
from accbot.actions.handler import Progress
from accbot.actions.phrases import (
    ChannelRef,
    Code,
    Heading,
    Moment,
    Phrase,
    UserRef,
    joined,
    say,
)
from accbot.actions.results import AnnouncedNotice, Notice
from accbot.commands.durations import duration_text as span_text
from accbot.commands.model import AgentRef, ListWatches, Mute, Unwatch, Watch
from accbot.store import mutes as store_mutes
from accbot.store import server_watches as store_server_watches
from accbot.store import watches as store_watches
from accbot.store.models import Watch as WatchRow
from accbot.store.watches import WatchOptions
from accbot.watching.baseline import start_cursor
from accbot.watching.kind import UnknownWatchKind, WatchKind
from accbot.watching.registry import watch_kind

MAX_LISTED = 40


def watch(
    command: Watch,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Notice:
    agent = command.agent
    channel = watch_channel(command.channel_id, actor, services)
    agent_id = _kind(services, agent).resolve(services, agent.ref)
    start_cursor(services, agent.kind, agent_id)
    options = watch_options(command)
    what = describe_options(options)
    with services.db.session() as session:
        before = _find(session, agent, channel)
        if before is not None and WatchOptions.of(before) == options:
            return Notice(
                text=say(Code(str(agent)), " is already watched in ", ChannelRef(channel),
                         " (alerts on ", what, ").")
            )  # fmt: skip
        store_watches.add_watch(
            session,
            kind=agent.kind,
            agent_ref=before.agent_ref if before is not None else agent.ref,
            agent_id=agent_id,
            channel_id=channel,
            created_by=actor.user_id,
            options=options,
            now=services.clock(),
        )
    verb = "changed the watch of" if before is not None else "started watching"
    return AnnouncedNotice(
        text=say(
            f"{verb} ", Code(str(agent)), " in ", ChannelRef(channel), ": alerts on ", what, "."
        )
    )


def watch_options(command: Watch) -> WatchOptions:
    escalate = command.escalate
    return WatchOptions(
        all_states=command.all_states,
        empty_alerts=command.empty,
        drop_percent=command.drop_percent,
        escalate_seconds=int(escalate.after.total_seconds()) if escalate else None,
        escalate_to=escalate.target_id if escalate else None,
    )


def describe_options(options: WatchOptions) -> Phrase:
    """ "failures, empty runs; unacknowledged after 30m, <someone> is told": what a watch
    alerts on (the person or group is an id each front end shows its own way)."""
    kinds = ["every end state" if options.all_states else "failures"]
    if options.empty_alerts:
        kinds.append("empty runs")
    if options.drop_percent is not None:
        kinds.append(f"data counts more than {options.drop_percent}% below the median")
    text = say(", ".join(kinds))
    if options.escalate_seconds and options.escalate_to:
        after = span_text(timedelta(seconds=options.escalate_seconds))
        text += say(f"; unacknowledged after {after}, ", UserRef(options.escalate_to), " is told")
    return text


def unwatch(
    command: Unwatch,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> AnnouncedNotice:
    agent = command.agent
    with services.db.session() as session:
        found = _watch_to_remove(session, agent, command.channel_id, actor)
        channel = found.channel_id
        store_watches.remove_watch(session, found.kind, found.agent_ref, channel)
    return AnnouncedNotice(
        text=say("stopped watching ", Code(str(agent)), " in ", ChannelRef(channel), ".")
    )


def list_watches(command: ListWatches, actor: Actor, services: Services) -> Notice:
    now = services.clock()
    with services.db.session() as session:
        watches = list(store_watches.list_watches(session))
        servers = list(store_server_watches.list_server_watches(session))
        mutes = list(store_mutes.active_mutes(session, now))
    if not watches and not mutes and not servers:
        return Notice(
            text=say("Nothing is watched. ", Code("/acc watch <agentPath>"),
                     " starts alerting a channel.")
        )  # fmt: skip
    lines = [say(Heading("Watches"), f" ({len(watches)})" if watches else ": none")]
    for entry in watches[:MAX_LISTED]:
        what = describe_options(WatchOptions.of(entry))
        ref = AgentRef(entry.kind, entry.agent_ref)  # type: ignore[arg-type]
        lines.append(
            say("• ", Code(str(ref)), " in ", ChannelRef(entry.channel_id), ": ", what, " (by ",
                UserRef(entry.created_by), ")")
        )  # fmt: skip
    if len(watches) > MAX_LISTED:
        lines.append(say(f"… and {len(watches) - MAX_LISTED} more"))
    if servers:
        lines.append(say(Heading("Servers"), f" ({len(servers)})"))
        for server in servers[:MAX_LISTED]:
            lines.append(
                say("• ", Code(f"server:{server.server_name}"), " in ",
                    ChannelRef(server.channel_id), " (by ", UserRef(server.created_by), ")")
            )  # fmt: skip
    if mutes:
        lines.append(say(Heading("Muted"), f" ({len(mutes)})"))
        for entry in mutes[:MAX_LISTED]:
            ref = AgentRef(entry.kind, entry.agent_ref)  # type: ignore[arg-type]
            lines.append(
                say("• ", Code(str(ref)), " until ", Moment(entry.until), " (by ",
                    UserRef(entry.created_by), ")")
            )  # fmt: skip
    return Notice(text=lines[0], lines=lines[1:])


def mute(
    command: Mute,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> AnnouncedNotice:
    agent = command.agent
    with services.db.session() as session:
        known = [
            w.agent_ref
            for w in store_watches.list_watches(session)
            if w.kind == agent.kind and w.agent_ref.lower() == agent.ref.lower()
        ]
    if not known:  # not watched (yet): make sure it exists, or a typo would mute nothing
        _kind(services, agent).resolve(services, agent.ref)
    ref = known[0] if known else agent.ref
    now = services.clock()
    until = now + command.duration
    with services.db.session() as session:
        store_mutes.mute(session, agent.kind, ref, until, actor.user_id, now=now)
    return AnnouncedNotice(
        text=say(
            "muted alerts for ",
            Code(str(agent)),
            f" for {duration_text(command.duration)} (until ",
            Moment(until),
            ").",
        )  # fmt: skip
    )


def duration_text(span: timedelta) -> str:
    """``1h``, ``2h 30m``, ``1d 4h``: the way durations are typed."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{v}{unit}" for v, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if v]
    return " ".join(parts) or "0m"


def watch_channel(named: str | None, actor: Actor, services: Services) -> str:
    channel = named or actor.channel_id or services.settings.ACCBOT_ALERT_CHANNEL
    if not channel:
        raise InvalidInput(
            say(
                "Which channel? Name one (",
                Code("#alerts"),
                "), run the command in that channel, or set ACCBOT_ALERT_CHANNEL.",
            )
        )
    return channel


def _kind(services: Services, agent: AgentRef) -> WatchKind:
    try:
        kind = watch_kind(agent.kind)
    except UnknownWatchKind:
        raise NotConfigured(f"This accbot cannot watch {agent.kind.upper()} agents.") from None
    reason = kind.unavailable(services)
    if reason:
        raise NotConfigured(reason)
    return kind


def _watch_to_remove(
    session: Session, agent: AgentRef, named: str | None, actor: Actor
) -> WatchRow:
    """The watch ``unwatch`` means: in the channel named; else the agent's only watch;
    else, of several, the one in the channel the command was typed in. Otherwise the
    person is asked which channel, with the channels listed."""
    if named:
        found = _find(session, agent, named)
        if found is None:
            raise InvalidInput(
                say(Code(str(agent)), " is not watched in ", ChannelRef(named), ". ",
                    Code("/acc watching"), " lists the watches.")
            )  # fmt: skip
        return found
    watches = [
        entry
        for entry in store_watches.list_watches(session)
        if entry.kind == agent.kind and entry.agent_ref.lower() == agent.ref.lower()
    ]
    if len(watches) == 1:
        return watches[0]
    here = [entry for entry in watches if entry.channel_id == actor.channel_id]
    if here:
        return here[0]
    if not watches:
        where = (
            say(ChannelRef(actor.channel_id), " or any other channel")
            if actor.channel_id
            else say("any channel")
        )
        raise InvalidInput(
            say(Code(str(agent)), " is not watched in ", where, ". ", Code("/acc watching"),
                " lists the watches.")
        )  # fmt: skip
    channels = joined([ChannelRef(entry.channel_id) for entry in watches])
    raise InvalidInput(
        say(Code(str(agent)), " is watched in ", channels, ": name the channel, e.g. ",
            Code(f"/acc unwatch {agent} #channel"), ".")
    )  # fmt: skip


def _find(session: Session, agent: AgentRef, channel: str) -> WatchRow | None:
    """The channel's watch of the agent; paths match whatever their case."""
    for entry in store_watches.list_watches(session, channel_id=channel):
        if entry.kind == agent.kind and entry.agent_ref.lower() == agent.ref.lower():
            return entry
    return None
