"""Schedules: list an agent's schedules, add one, act on one (on, off, run, delete) and
on all of an agent's at once (on, off, delete; the destructive ones wait for "Confirm").

ACC takes Windows time zone ids ("AUS Eastern Standard Time"); people may type IANA
names ("Australia/Sydney"), converted with the CLDR table that tzlocal ships.
"""

from __future__ import annotations

import difflib
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from tzlocal.windows_tz import tz_win, win_tz

from accbot.acc.models import Schedule, ScheduleRequest
from accbot.actions.common import quote_word, resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, joined, pairs, say
from accbot.actions.results import ConfirmationRequired, Mutation, Notice, ScheduleList
from accbot.commands.model import AddSchedule, BulkScheduleAction, ListSchedules, ScheduleAction
from accbot.commands.roles import Role

DEFAULT_ZONE = "UTC"
START_FORMAT = "%Y-%m-%dT%H:%M:%S"  # ACC's yyyy-MM-ddTHH:mm:ss

_WINDOWS_BY_FOLDED = {name.casefold(): name for name in win_tz}
_IANA_BY_FOLDED = {name.casefold(): name for name in tz_win}

# Bulk changes that need a "Confirm" click: deleting, and switching schedules off
# (a disabled schedule silently stops the agent's runs). Switching on is undone by "off".
CONFIRMED_BULK_ACTIONS = frozenset({"off", "delete"})

_SINGLE_SUMMARIES = {
    "on": ("enabled schedule ", ""),
    "off": ("disabled schedule ", ""),
    "run": ("started schedule ", " now"),
    "delete": ("deleted schedule ", ""),
}


def windows_zone(name: str | None) -> str:
    """The Windows time zone id ACC expects for ``name`` (an IANA name or a Windows id,
    in any letter case); None or empty means UTC. Raises InvalidInput naming the zone."""
    if name is None or not name.strip():
        return DEFAULT_ZONE
    folded = name.strip().casefold()
    if folded in _WINDOWS_BY_FOLDED:
        return _WINDOWS_BY_FOLDED[folded]
    if folded in _IANA_BY_FOLDED:
        return tz_win[_IANA_BY_FOLDED[folded]]
    choices = list(_WINDOWS_BY_FOLDED) + list(_IANA_BY_FOLDED)
    hint = difflib.get_close_matches(folded, choices, n=1)
    suggestion = say()
    if hint:
        known = _WINDOWS_BY_FOLDED.get(hint[0]) or _IANA_BY_FOLDED[hint[0]]
        suggestion = say(" Did you mean ", Code(known), "?")
    raise InvalidInput(
        say(f"'{name.strip()}' is not a time zone I know: give an IANA name (Europe/London) "
            "or a Windows id (GMT Standard Time).", suggestion)
    )  # fmt: skip


def zone_now(zone_id: str, now: datetime) -> str:
    """``now`` as wall-clock time in the Windows zone ``zone_id``, in ACC's format."""
    return now.astimezone(ZoneInfo(win_tz[zone_id])).strftime(START_FORMAT)


def bulk_command_text(action: str, agent_path: str) -> str:
    """The ``/acc`` text (without ``/acc``) that re-runs a bulk change once confirmed."""
    return f"schedules {action} {quote_word(agent_path)}"


def list_schedules(command: ListSchedules, actor: Actor, services: Services) -> ScheduleList:
    agent = resolve_agent(services, command.agent_path)
    return ScheduleList(
        agent_label=command.agent_path,
        schedules=services.acc.get_schedules(agent.agent_id),
        can_operate=actor.holds(Role.OPERATOR),
        can_delete=actor.holds(Role.ADMIN),
        portal_url=services.acc_link(),
    )


def add_schedule(
    command: AddSchedule,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    zone = windows_zone(command.tz)  # refused before anything reaches ACC
    agent = resolve_agent(services, command.agent_path)
    schedule_id = str(uuid.uuid4())
    start = command.start or zone_now(zone, services.clock())
    services.acc.save_schedule(
        agent.agent_id,
        ScheduleRequest(
            schedule_id=schedule_id,
            cron=command.cron,
            start_time=start,
            time_zone_id=zone,
            input_parameters=command.params or None,
        ),
    )
    saved = _find(services.acc.get_schedules(agent.agent_id), schedule_id)
    description = (saved.cron_description if saved else None) or "ACC gave no description"
    detail = say("Schedule ", Code(schedule_id), f" · zone {zone} · from {start}")
    if command.params:
        detail += say(" · input parameters ", pairs(command.params))
    return Mutation(
        summary=say(
            "added a schedule to ",
            Code(command.agent_path),
            ": ",
            Code(command.cron),
            " — ",
            description,
        ),  # fmt: skip
        detail=detail,
        portal_url=services.acc_link(),
    )


def schedule_action(
    command: ScheduleAction,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation:
    """ACC has no "get one schedule": act on the ID; a 404 says ACC has no such schedule."""
    schedule_id = command.schedule_id
    if command.action == "on":
        services.acc.set_schedule_enabled(schedule_id, True)
    elif command.action == "off":
        services.acc.set_schedule_enabled(schedule_id, False)
    elif command.action == "run":
        services.acc.start_schedule(schedule_id)
    elif command.action == "delete":
        services.acc.delete_schedule(schedule_id)
    else:
        raise InvalidInput(f"'{command.action}' is not something a schedule can do.")
    before, after = _SINGLE_SUMMARIES[command.action]
    return Mutation(
        summary=say(before, Code(schedule_id), after),
        portal_url=services.acc_link(),
    )


def bulk_schedule_action(
    command: BulkScheduleAction,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation | ConfirmationRequired | Notice:
    path = command.agent_path
    agent = resolve_agent(services, path)
    schedules = services.acc.get_schedules(agent.agent_id)
    changing = _changing(schedules, command.action)
    if not changing:
        state = {"on": "already enabled", "off": "already disabled"}.get(command.action)
        text = (
            say(Code(path), " has no schedules; nothing to change.")
            if not schedules
            else say("Every schedule of ", Code(path), f" is {state}; nothing to change.")
        )
        return Notice(text=text)
    verb = {"on": "enable", "off": "disable", "delete": "delete"}[command.action]
    if command.action in CONFIRMED_BULK_ACTIONS and not confirmed:
        return ConfirmationRequired(
            prompt=say(
                f"This will {verb} {_count(len(changing))} of ",
                Code(path),
                " for good." if command.action == "delete" else ".",
            ),  # fmt: skip
            command_text=bulk_command_text(command.action, path),
        )
    if command.action == "delete":
        services.acc.delete_all_schedules(agent.agent_id)
    else:
        services.acc.set_all_schedules_enabled(agent.agent_id, command.action == "on")
    return Mutation(
        summary=say(f"{verb}d {_count(len(changing))} of ", Code(path)),
        detail=joined([Code(s.schedule_id) for s in changing]),
        portal_url=services.acc_link(),
    )


def _changing(schedules: list[Schedule], action: str) -> list[Schedule]:
    if action == "on":
        return [s for s in schedules if not s.is_enabled]
    if action == "off":
        return [s for s in schedules if s.is_enabled]
    return list(schedules)


def _count(number: int) -> str:
    return f"{number} schedule" + ("" if number == 1 else "s")


def _find(schedules: list[Schedule], schedule_id: str) -> Schedule | None:
    return next((s for s in schedules if s.schedule_id.lower() == schedule_id.lower()), None)
