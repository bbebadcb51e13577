"""Server watches: ``/acc watch server:<name>`` and ``/acc unwatch server:<name>``.

The name must be one of ACCBOT_SERVERS; only that name is stored (the address and key
stay in the configuration). The watcher checks each watched server every cycle; a server
already in trouble when the watch starts is alerted on the first cycle.
"""

from __future__ import annotations

from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
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
        return Notice(text=f"`server:{server.name}` is already watched in <#{channel}>.")
    return AnnouncedNotice(
        text=f"started watching `server:{server.name}` in <#{channel}>: {WHAT}, and when it is back."
    )


def unwatch_server(
    command: UnwatchServer,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> AnnouncedNotice:
    channel = watch_channel(command.channel_id, actor, services)
    wanted = command.server.casefold()
    with services.db.session() as session:
        found = [
            w.server_name
            for w in server_watches.list_server_watches(session, channel_id=channel)
            if w.server_name.casefold() == wanted
        ]
        for name in found:
            server_watches.remove_server_watch(session, name, channel)
    if not found:  # the typed name is not echoed: it is the user's text, not a server's
        raise InvalidInput(
            f"No server of that name is watched in <#{channel}>. "
            "`/acc watching` lists the watches."
        )
    return AnnouncedNotice(text=f"stopped watching `server:{found[0]}` in <#{channel}>.")
