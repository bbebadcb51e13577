"""Server watches: ``/acc watch server:<name>`` and ``/acc unwatch server:<name>``.

The name must be one of ACCBOT_SERVERS; only that name is stored (the address and key
stay in the configuration). The watcher checks each watched server every cycle; a server
already in trouble when the watch starts is alerted on the first cycle.
"""

from __future__ import annotations

from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.phrases import ChannelRef, Code, joined, say
from accbot.actions.results import AnnouncedNotice, Notice
from accbot.actions.servers import find_server
from accbot.actions.watches import watch_channel
from accbot.commands.model import UnwatchServer, WatchServer
from accbot.store import server_watches

WHAT = "alerts when it is unreachable or its CPU or memory is at or over ACC's thresholds"


def watch_server(
    command: WatchServer,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Notice:
    server = find_server(services.settings.ACCBOT_SERVERS, command.server)
    channel = watch_channel(command.channel_id, actor, services)
    with services.db.session() as session:
        added = server_watches.add_server_watch(
            session,
            server_name=server.name,
            channel_id=channel,
            created_by=actor.user_id,
            now=services.clock(),
        )
    if not added:
        return Notice(
            text=say(
                Code(f"server:{server.name}"), " is already watched in ", ChannelRef(channel), "."
            )
        )
    return AnnouncedNotice(
        text=say("started watching ", Code(f"server:{server.name}"), " in ", ChannelRef(channel),
                 f": {WHAT}, and when it is back.")
    )  # fmt: skip


def unwatch_server(
    command: UnwatchServer,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> AnnouncedNotice:
    """Like ``unwatch`` of an agent: the channel named; else the server's only watch; else,
    of several, the one in the channel the command was typed in; otherwise ask."""
    wanted = command.server.casefold()
    with services.db.session() as session:
        found = [
            w
            for w in server_watches.list_server_watches(session)
            if w.server_name.casefold() == wanted
        ]
        if command.channel_id:
            found = [w for w in found if w.channel_id == command.channel_id]
        elif len(found) > 1:
            here = [w for w in found if w.channel_id == actor.channel_id]
            if not here:
                channels = joined([ChannelRef(w.channel_id) for w in found])
                raise InvalidInput(
                    say(Code(f"server:{found[0].server_name}"), " is watched in ", channels,
                        ": name the channel, e.g. ", Code("/acc unwatch server:<name> #channel"), ".")
                )  # fmt: skip
            found = here
        if not found:  # the typed name is not echoed: it is the user's text, not a server's
            where = (
                say(ChannelRef(command.channel_id)) if command.channel_id else say("any channel")
            )
            raise InvalidInput(
                say("No server of that name is watched in ", where, ". ", Code("/acc watching"),
                    " lists the watches.")
            )  # fmt: skip
        name, channel = found[0].server_name, found[0].channel_id
        server_watches.remove_server_watch(session, name, channel)
    return AnnouncedNotice(
        text=say("stopped watching ", Code(f"server:{name}"), " in ", ChannelRef(channel), ".")
    )
