"""Server health: ask ACC to check one of the SE servers configured in ACCBOT_SERVERS.

A server's key is a secret: it goes to ACC in the request body and nowhere else (not
into the result, a message, a log line, or the audit log, which this read never writes).
"""

from __future__ import annotations

from dataclasses import replace

from accbot.acc.models import ServerCheckRequest, ServerStatus
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput, NotConfigured
from accbot.actions.phrases import Code, joined, say
from accbot.actions.results import ServerReport
from accbot.commands.model import ServerHealth
from accbot.config import ServerConfig

SERVERS_EXAMPLE = '[{"name": "se1", "ip": "10.0.0.5", "port": 8004, "key": "…", "ssl": false}]'


def server_health(command: ServerHealth, actor: Actor, services: Services) -> ServerReport:
    server = find_server(services.settings.ACCBOT_SERVERS, command.server)
    key = server.key.get_secret_value()
    status = services.acc.check_server(
        ServerCheckRequest(key=key, ip_address=server.ip, port=server.port, use_ssl=server.ssl)
    )
    return ServerReport(
        name=server.name, address=f"{server.ip}:{server.port}", status=_without(status, key)
    )


def find_server(servers: list[ServerConfig], name: str) -> ServerConfig:
    if not servers:
        raise NotConfigured(
            say(
                "No servers are configured. An admin sets ACCBOT_SERVERS to a JSON list such as ",
                Code(SERVERS_EXAMPLE),
                " and restarts accbot.",
            )  # fmt: skip
        )
    wanted = name.strip().casefold()
    for server in servers:
        if server.name.casefold() == wanted:
            return server
    names = joined([Code(s.name) for s in servers])
    raise InvalidInput(say(f"No server is named '{name}'. The configured servers: ", names, "."))


def _without(status: ServerStatus, key: str) -> ServerStatus:
    """ACC's message, in case it ever echoes the key back, with the key blanked out."""
    if not key or key not in status.message:
        return status
    return replace(status, message=status.message.replace(key, "***"))
