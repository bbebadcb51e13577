"""What a person would see or an admin would check: message text, buttons, audit rows."""

from __future__ import annotations

import json
from typing import Any

from accbot.store import audit


def blocks_text(message: dict[str, Any]) -> str:
    """Everything a message shows (its blocks and its notification text) as one string."""
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + (message.get("text") or "")


def shown(mrkdwn: str) -> str:
    """mrkdwn as Slack shows it: the three escapes it defines decoded (``&amp;`` last)."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of a message's actions blocks, in order."""
    found = []
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            found.extend(e for e in block.get("elements", []) if e.get("type") == "button")
    return found


def button_labels(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]


def audit_rows(bot: Any) -> list[tuple[str, str, str, dict[str, Any], str | None]]:
    """(user, action, result, arguments, detail) of every audit entry, oldest first."""
    with bot.services.db.session() as session:
        entries = audit.recent(session, 1000)
        rows = [(e.user_id, e.action, e.result, dict(e.arguments), e.detail) for e in entries]
    return list(reversed(rows))


def acc_attempts(bot: Any) -> int:
    """How many times the bot's ACC client sends a GET that keeps failing with 5xx."""
    return bot.services.acc.max_retries + 1


def quicken_retries(bot: Any) -> None:
    """Keep the ACC client's retries, drop their waiting, so 5xx tests stay fast."""
    bot.services.acc.backoff = 0.0
