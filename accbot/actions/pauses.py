"""Schedule pauses: ``schedule off <id> for 2h`` and ``schedules off <agent> for 2h``.

A pause turns schedules off in ACC and records exactly which ones it turned off (an
agent's schedules that were already off are left out, so they stay off). When it ends —
time up (the watcher), "Turn back on now", or its schedules turned back on by hand — it
turns back on only those. Each ending goes through ``store.pauses.claim`` first, so a
pause is ended once however many replicas or clicks reach for it.

Reminders come 15 minutes before the end, or at half time for pauses shorter than 30
minutes, with "Turn back on now" and "Extend 1h".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from accbot.acc.errors import BackendError, NotFound
from accbot.acc.models import Schedule
from accbot.actions import schedules
from accbot.actions.common import quote_word, resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput, PermissionDenied
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, say
from accbot.actions.results import (
    ConfirmationRequired,
    Mutation,
    Notice,
    PauseEnded,
    PauseExtended,
    PauseList,
    PauseStarted,
    PauseView,
)
from accbot.commands.durations import duration_text
from accbot.commands.model import MAX_PAUSE, BulkScheduleAction, Command, ListPauses, ScheduleAction
from accbot.commands.roles import Role
from accbot.store import pauses as store
from accbot.store.models import SchedulePause

logger = logging.getLogger("accbot.actions")

REMINDER_LEAD = timedelta(minutes=15)
SHORT_PAUSE = timedelta(minutes=30)  # shorter pauses are reminded at half time
EXTEND_STEP = timedelta(hours=1)  # what "Extend 1h" adds
MAX_AGENTS_SEARCHED = 10  # schedule lists read to find one schedule's agent

EXPIRED, RESUMED, BY_HAND, REPLACED = "expired", "resumed", "by_hand", "replaced"


@dataclass(frozen=True)
class ResumePause(Command):
    """ "Turn back on now": turning schedules on is an operator's change."""

    pause_id: int
    name: ClassVar[str] = "schedule on"
    mutating: ClassVar[bool] = True


@dataclass(frozen=True)
class ExtendPause(Command):
    """ "Extend 1h": keeping schedules off longer, like pausing them (an agent's
    schedules need an admin, checked in the handler)."""

    pause_id: int
    by: timedelta = EXTEND_STEP
    name: ClassVar[str] = "schedule off"
    mutating: ClassVar[bool] = True


def compact(span: timedelta) -> str:
    """``1h30m``: one word, as a re-run command text needs it."""
    return duration_text(span).replace(" ", "")


def reminder_time(start: datetime, end: datetime) -> datetime:
    span = end - start
    return end - REMINDER_LEAD if span >= SHORT_PAUSE else start + span / 2


def view_of(pause: SchedulePause) -> PauseView:
    return PauseView(
        pause_id=pause.id,
        schedule_ids=list(pause.schedule_ids),
        agent_path=pause.agent_path,
        channel_id=pause.channel_id,
        paused_by=pause.created_by,
        paused_at=pause.created_at,
        ends_at=pause.ends_at,
    )


# --- starting a pause -----------------------------------------------------------------


def pause_schedule(
    command: ScheduleAction, actor: Actor, services: Services
) -> PauseStarted | Notice:
    """``schedule off <id> for <duration>``. ACC reads schedules only per agent: when the
    schedule belongs to an agent this process has looked up (``/acc schedules``, ``/acc
    agent`` …), its state is checked — one already off is not paused, so not turned on
    later — and the pause keeps the agent, so a schedule turned back on in ACC ends it.
    Otherwise the named schedule is turned off and, at the end, back on."""
    assert command.pause is not None
    agent_id, schedule = _locate(services, command.schedule_id)
    if schedule is not None and not schedule.is_enabled:
        return Notice(
            text=say(
                "Schedule ", Code(schedule.schedule_id), " is already disabled; nothing to pause."
            )
        )
    services.acc.set_schedule_enabled(command.schedule_id, False)  # a 404 names it first
    return _record(services, actor, [command.schedule_id], command.pause, agent_id=agent_id)


def _locate(services: Services, schedule_id: str) -> tuple[str | None, Schedule | None]:
    """The schedule and its agent's id, among the agents this process knows."""
    wanted = schedule_id.lower()
    for agent_id in services.agent_paths.keys()[-MAX_AGENTS_SEARCHED:]:
        try:
            schedules = services.acc.get_schedules(agent_id)
        except BackendError:
            continue
        for schedule in schedules:
            if schedule.schedule_id.lower() == wanted:
                return agent_id, schedule
    return None, None


def pause_agent_schedules(
    command: BulkScheduleAction, actor: Actor, services: Services, *, confirmed: bool
) -> PauseStarted | ConfirmationRequired | Notice:
    """``schedules off <agent> for <duration>``: only the schedules that are on."""
    assert command.pause is not None
    path = command.agent_path
    agent = resolve_agent(services, path)
    schedules = services.acc.get_schedules(agent.agent_id)
    enabled = [s for s in schedules if s.is_enabled]
    if not enabled:
        text = (
            say(Code(path), " has no schedules; nothing to pause.")
            if not schedules
            else say("Every schedule of ", Code(path), " is already disabled; nothing to pause.")
        )
        return Notice(text=text)
    if not confirmed:
        count = f"{len(enabled)} schedule{'' if len(enabled) == 1 else 's'}"
        return ConfirmationRequired(
            prompt=say(
                f"This will turn off {count} of ",
                Code(path),
                f" for {duration_text(command.pause)}; accbot turns them back on when the "
                "time is up.",
            ),
            command_text=f"schedules off {quote_word(path)} for {compact(command.pause)}",
        )
    turned_off, failed = _turn_off(services, enabled)
    if not turned_off:
        raise InvalidInput(f"ACC turned none of the schedules of {path} off; nothing is paused.")
    started = _record(
        services, actor, turned_off, command.pause, agent_id=agent.agent_id, agent_path=path
    )
    return PauseStarted(
        pause=started.pause, already_off=len(schedules) - len(enabled), failed=failed
    )


def _turn_off(services: Services, schedules: list[Schedule]) -> tuple[list[str], list[str]]:
    """One by one, so exactly the schedules that were on are off (and recorded)."""
    done: list[str] = []
    failed: list[str] = []
    for schedule in schedules:
        try:
            services.acc.set_schedule_enabled(schedule.schedule_id, False)
            done.append(schedule.schedule_id)
        except BackendError as exc:
            logger.warning("pause: could not turn off %s: %s", schedule.schedule_id, exc)
            failed.append(schedule.schedule_id)
    return done, failed


def _record(
    services: Services,
    actor: Actor,
    schedule_ids: list[str],
    span: timedelta,
    *,
    agent_id: str | None = None,
    agent_path: str | None = None,
) -> PauseStarted:
    now = services.clock()
    ends_at = now + span
    with services.db.session() as session:
        # Paused again: the new pause takes these schedules over from older ones.
        for older in store.covering(session, schedule_ids):
            if not store.drop_schedules(session, older.id, schedule_ids):
                store.finish(session, older.id, reason=REPLACED, by=actor.user_id, now=now)
        pause = store.create(
            session,
            schedule_ids=schedule_ids,
            ends_at=ends_at,
            remind_at=reminder_time(now, ends_at),
            by=actor.user_id,
            channel_id=actor.channel_id or services.settings.ACCBOT_ALERT_CHANNEL,
            agent_id=agent_id,
            agent_path=agent_path,
            now=now,
        )
        return PauseStarted(pause=view_of(pause))


# --- ending a pause -------------------------------------------------------------------


def end_pause(
    services: Services, pause_id: int, *, reason: str, by: str | None
) -> PauseEnded | None:
    """Turn the pause's schedules back on and end it; None when someone else got to it
    first. A failing ACC puts the pause back, to be tried again, and raises."""
    with services.db.session() as session:
        if not store.claim(session, pause_id):
            return None
        pause = store.get(session, pause_id)
        assert pause is not None
        view = view_of(pause)
    turned_on: list[str] = []
    missing: list[str] = []
    try:
        for schedule_id in view.schedule_ids:
            try:
                services.acc.set_schedule_enabled(schedule_id, True)
                turned_on.append(schedule_id)
            except NotFound:
                missing.append(schedule_id)  # deleted meanwhile: nothing to turn on
    except Exception as exc:
        with services.db.session() as session:
            store.release(session, pause_id, str(exc))
        raise
    with services.db.session() as session:
        store.finish(session, pause_id, reason=reason, by=by, now=services.clock())
    return PauseEnded(pause=view, reason=reason, by=by, turned_on=turned_on, missing=missing)


def resume_pause(
    command: ResumePause,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> PauseEnded | Notice:
    ended = end_pause(services, command.pause_id, reason=RESUMED, by=actor.user_id)
    if ended is None:
        return Notice(text=say("That pause is already over; its schedules were turned back on."))
    return ended


def extend_pause(
    command: ExtendPause,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> PauseExtended | Notice:
    now = services.clock()
    with services.db.session() as session:
        pause = store.get(session, command.pause_id)
        if pause is None or pause.state != store.ACTIVE:
            return Notice(text=say("That pause is already over; nothing to extend."))
        if pause.agent_path is not None and not actor.holds(Role.ADMIN):
            raise PermissionDenied("keep all of an agent's schedules off for longer", Role.ADMIN)
        ends_at = max(pause.ends_at, now) + command.by
        if ends_at - pause.created_at > MAX_PAUSE:
            raise InvalidInput(f"A pause lasts at most {MAX_PAUSE.days}d; it was not extended.")
        if not store.extend(
            session, pause.id, ends_at=ends_at, remind_at=reminder_time(now, ends_at)
        ):
            return Notice(text=say("That pause is already over; nothing to extend."))
        session.refresh(pause)
        return PauseExtended(pause=view_of(pause), by=actor.user_id)


def list_pauses(command: ListPauses, actor: Actor, services: Services) -> PauseList:
    with services.db.session() as session:
        views = [view_of(p) for p in store.active(session)]
    return PauseList(pauses=views, can_operate=actor.holds(Role.OPERATOR))


def schedules_turned_on(services: Services, schedule_ids: list[str], by: str) -> list[PauseEnded]:
    """Schedules turned on through accbot (``schedule on``, "Enable", ``schedules on``)
    leave their pauses; a pause left with none is over (``by_hand``)."""
    ended: list[PauseEnded] = []
    now = services.clock()
    with services.db.session() as session:
        for pause in store.covering(session, schedule_ids):
            view = view_of(pause)
            if not store.drop_schedules(session, pause.id, schedule_ids):
                if store.finish(session, pause.id, reason=BY_HAND, by=by, now=now):
                    ended.append(PauseEnded(pause=view, reason=BY_HAND, by=by))
    return ended


# --- what the watcher runs, under its lease --------------------------------------------


def expire_due(services: Services) -> list[PauseEnded]:
    """End every pause whose time is up; one that ACC fails stays for the next check."""
    with services.db.session() as session:
        due = store.due(session, services.clock())
    ended: list[PauseEnded] = []
    for pause_id in due:
        try:
            result = end_pause(services, pause_id, reason=EXPIRED, by=None)
        except BackendError as exc:
            logger.warning("pause %s: could not turn its schedules back on: %s", pause_id, exc)
            continue
        if result is not None:
            ended.append(result)
    return ended


def due_reminders(services: Services) -> list[PauseView]:
    """Pauses whose reminder is due, each taken once (across replicas)."""
    now = services.clock()
    views: list[PauseView] = []
    with services.db.session() as session:
        for pause_id in store.reminders_due(session, now):
            if store.take_reminder(session, pause_id, now):
                pause = store.get(session, pause_id)
                if pause is not None:
                    views.append(view_of(pause))
    return views


def turned_on_by_hand(services: Services) -> list[PauseEnded]:
    """An agent's pause whose schedules were all turned back on in ACC (or deleted) is
    over: one schedules list per paused agent."""
    with services.db.session() as session:
        watched = [p for p in store.active(session) if p.agent_id]
        by_agent: dict[str, list[tuple[int, list[str]]]] = {}
        for pause in watched:
            by_agent.setdefault(pause.agent_id or "", []).append(
                (pause.id, list(pause.schedule_ids))
            )
    ended: list[PauseEnded] = []
    for agent_id, held in by_agent.items():
        try:
            schedules = services.acc.get_schedules(agent_id)
        except BackendError as exc:
            logger.info("pauses: could not read the schedules of %s: %s", agent_id, exc)
            continue
        off = {s.schedule_id.lower() for s in schedules if not s.is_enabled}
        for pause_id, schedule_ids in held:
            back_on = [s for s in schedule_ids if s.lower() not in off]
            if back_on:
                ended.extend(_leave(services, pause_id, back_on))
    return ended


def _leave(services: Services, pause_id: int, schedule_ids: list[str]) -> list[PauseEnded]:
    now = services.clock()
    with services.db.session() as session:
        pause = store.get(session, pause_id)
        if pause is None or pause.state != store.ACTIVE:
            return []
        view = view_of(pause)
        if store.drop_schedules(session, pause_id, schedule_ids):
            return []
        if store.finish(session, pause_id, reason=BY_HAND, by=None, now=now):
            return [PauseEnded(pause=view, reason=BY_HAND)]
    return []


# --- the schedule commands, with pauses -------------------------------------------------


def schedule_action(
    command: ScheduleAction,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation | PauseStarted | Notice:
    """``schedule on|off|run|delete``: ``off ... for`` pauses; ``on`` ends the pause
    holding the schedule (turned back on by hand)."""
    if command.pause is not None:
        return pause_schedule(command, actor, services)
    result = schedules.schedule_action(command, actor, services, confirmed=confirmed)
    if command.action == "on":
        schedules_turned_on(services, [command.schedule_id], actor.user_id)
    return result


def bulk_schedule_action(
    command: BulkScheduleAction,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> Mutation | ConfirmationRequired | Notice | PauseStarted:
    """``schedules on|off|delete``: ``off ... for`` pauses; ``on`` ends the pauses of
    the schedules it turned on."""
    if command.pause is not None:
        return pause_agent_schedules(command, actor, services, confirmed=confirmed)
    result = schedules.bulk_schedule_action(command, actor, services, confirmed=confirmed)
    if command.action == "on" and isinstance(result, Mutation):
        with services.db.session() as session:
            any_paused = bool(store.active(session))
        if any_paused:
            agent = resolve_agent(services, command.agent_path)
            ids = [
                s.schedule_id for s in services.acc.get_schedules(agent.agent_id) if s.is_enabled
            ]
            schedules_turned_on(services, ids, actor.user_id)
    return result
