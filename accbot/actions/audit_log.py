"""The audit log: the latest changes made through accbot, for ``/acc audit``."""

from __future__ import annotations

from accbot.actions.context import Actor, Services
from accbot.actions.results import AuditEntryView, AuditList
from accbot.commands.model import ShowAudit
from accbot.store import audit


def show_audit(command: ShowAudit, actor: Actor, services: Services) -> AuditList:
    with services.db.session() as session:
        entries = [
            AuditEntryView(
                at=entry.at,
                user_id=entry.user_id,
                action=entry.action,
                arguments=dict(entry.arguments or {}),
                result=entry.result,
                detail=entry.detail,
            )
            for entry in audit.recent(session, command.count)
        ]
    return AuditList(entries=entries)
