"""What the App Home shows, gathered from the store and the role settings.

The Slack view only lays this out; it fetches nothing itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from accbot.actions.context import Services
from accbot.commands.roles import Role
from accbot.store import audit, watches

logger = logging.getLogger("accbot.actions")

RECENT_CHANGES = 5


@dataclass(frozen=True)
class WatchLine:
    agent: str  # path, or sas:<agentId>
    channel_id: str
    all_states: bool


@dataclass(frozen=True)
class HomeSummary:
    roles: list[str]
    admins_configured: bool
    watches: list[WatchLine] = field(default_factory=list)
    recent: list[tuple[str, str, str]] = field(default_factory=list)  # user, action, result
    portal_url: str = ""


def home_summary(services: Services, user_id: str) -> HomeSummary:
    held = services.roles.roles_of(user_id)
    roles = [role.value for role in (Role.OPERATOR, Role.APPROVER, Role.ADMIN) if role in held]
    with services.db.session() as session:
        watch_lines = [
            WatchLine(
                agent=f"{'sas:' if w.kind == 'sas' else ''}{w.agent_ref}",
                channel_id=w.channel_id,
                all_states=w.all_states,
            )
            for w in watches.list_watches(session)
        ]
        recent = [
            (e.user_id, e.action, e.result) for e in audit.recent(session, RECENT_CHANGES)
        ]
    return HomeSummary(
        roles=roles,
        admins_configured=services.roles.admins_configured,
        watches=watch_lines,
        recent=recent,
        portal_url=services.acc_link(),
    )
