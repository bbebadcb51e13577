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

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput, NotConfigured
from accbot.actions.handler import Progress
from accbot.actions.results import AnnouncedNotice, Notice
from accbot.commands.durations import duration_text as span_text
from accbot.commands.model import AgentRef, ListWatches, Mute, Unwatch, Watch
from accbot.store import mutes as store_mutes
from accbot.store import server_watches as store_server_watches
from accbot.store import watches as store_watches
from accbot.store.models import Watch as WatchRow
from accbot.store.watches import WatchOptions
from accbot.watcher.baseline import start_cursor
from accbot.watcher.sources import UnknownWatchKind, WatchKind, watch_kind

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
            return Notice(text=f"`{agent}` is already watched in <#{channel}> (alerts on {what}).")
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
    return AnnouncedNotice(text=f"{verb} `{agent}` in <#{channel}>: alerts on {what}.")


def watch_options(command: Watch) -> WatchOptions:
    escalate = command.escalate
    return WatchOptions(
        all_states=command.all_states,
        empty_alerts=command.empty,
        drop_percent=command.drop_percent,
        escalate_seconds=int(escalate.after.total_seconds()) if escalate else None,
        escalate_to=escalate.target_id if escalate else None,
    )


def describe_options(options: WatchOptions) -> str:
    """"failures, empty runs; escalated to <@U…> after 30m": what a watch alerts on."""
    kinds = ["every end state" if options.all_states else "failures"]
    if options.empty_alerts:
        kinds.append("empty runs")
    if options.drop_percent is not None:
        kinds.append(f"data counts more than {options.drop_percent}% below the median")
    text = ", ".join(kinds)
    if options.escalate_seconds and options.escalate_to:
        after = span_text(timedelta(seconds=options.escalate_seconds))
        text += f"; unacknowledged after {after}, {mention(options.escalate_to)} is told"
    return text


def mention(person_id: str) -> str:
    """A user (U…/W…) or user group (S…) ID as Slack mentions it."""
    return f"<!subteam^{person_id}>" if person_id.startswith("S") else f"<@{person_id}>"


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
    return AnnouncedNotice(text=f"stopped watching `{agent}` in <#{channel}>.")


def list_watches(command: ListWatches, actor: Actor, services: Services) -> Notice:
    now = services.clock()
    with services.db.session() as session:
        watches = list(store_watches.list_watches(session))
        servers = list(store_server_watches.list_server_watches(session))
        mutes = list(store_mutes.active_mutes(session, now))
    if not watches and not mutes and not servers:
        return Notice(
            text="Nothing is watched. `/acc watch <agentPath>` starts alerting a channel."
        )
    lines = [f"*Watches* ({len(watches)})" if watches else "*Watches*: none"]
    for entry in watches[:MAX_LISTED]:
        what = describe_options(WatchOptions.of(entry))
        ref = AgentRef(entry.kind, entry.agent_ref)  # type: ignore[arg-type]
        lines.append(f"• `{ref}` in <#{entry.channel_id}>: {what} (by <@{entry.created_by}>)")
    if len(watches) > MAX_LISTED:
        lines.append(f"… and {len(watches) - MAX_LISTED} more")
    if servers:
        lines.append(f"*Servers* ({len(servers)})")
        for server in servers[:MAX_LISTED]:
            lines.append(
                f"• `server:{server.server_name}` in <#{server.channel_id}> "
                f"(by <@{server.created_by}>)"
            )
    if mutes:
        lines.append(f"*Muted* ({len(mutes)})")
        for entry in mutes[:MAX_LISTED]:
            ref = AgentRef(entry.kind, entry.agent_ref)  # type: ignore[arg-type]
            lines.append(f"• `{ref}` until {_moment(entry.until)} (by <@{entry.created_by}>)")
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
        text=(
            f"muted alerts for `{agent}` for {duration_text(command.duration)} "
            f"(until {_moment(until)})."
        )
    )


def duration_text(span: timedelta) -> str:
    """``1h``, ``2h 30m``, ``1d 4h``: the way durations are typed."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{v}{unit}" for v, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if v]
    return " ".join(parts) or "0m"


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def watch_channel(named: str | None, actor: Actor, services: Services) -> str:
    channel = named or actor.channel_id or services.settings.ACCBOT_ALERT_CHANNEL
    if not channel:
        raise InvalidInput(
            "Which channel? Name one (`#alerts`), run the command in that channel, "
            "or set ACCBOT_ALERT_CHANNEL."
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
                f"`{agent}` is not watched in <#{named}>. `/acc watching` lists the watches."
            )
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
        where = f"<#{actor.channel_id}> or any other channel" if actor.channel_id else "any channel"
        raise InvalidInput(
            f"`{agent}` is not watched in {where}. `/acc watching` lists the watches."
        )
    channels = ", ".join(f"<#{entry.channel_id}>" for entry in watches)
    raise InvalidInput(
        f"`{agent}` is watched in {channels}: name the channel, e.g. "
        f"`/acc unwatch {agent} #channel`."
    )


def _find(session: Session, agent: AgentRef, channel: str) -> WatchRow | None:
    """The channel's watch of the agent; paths match whatever their case."""
    for entry in store_watches.list_watches(session, channel_id=channel):
        if entry.kind == agent.kind and entry.agent_ref.lower() == agent.ref.lower():
            return entry
    return None
