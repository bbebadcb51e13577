"""``/acc status``: the watcher's own health, read from the database so that any replica
(or the CLI) answers for all of them: each replica's last cycle and the shard leases it
holds, the alerts recorded but not posted yet per channel, and ACC's (and SAS's, when
configured) health as the watcher's outage notices last said it."""

from __future__ import annotations

from accbot.actions.context import Actor, Services
from accbot.actions.health import BEHIND_INTERVALS
from accbot.actions.results import BackendHealthView, ReplicaCycle, WatcherStatus
from accbot.commands.model import ShowStatus
from accbot.store import alerts, cycles, lease, notices


def show_status(command: ShowStatus, actor: Actor, services: Services) -> WatcherStatus:
    settings = services.settings
    now = services.clock()
    poll = float(settings.ACCBOT_POLL_SECONDS)
    with services.db.session() as session:
        ends = {c.holder: c for c in cycles.cycle_ends(session)}
        held = lease.holders(session, lease.WATCH_SHARD_PREFIX, now)
        live = set(lease.live_replicas(session, now))
        pending = alerts.pending_counts(session)
        down = notices.unreachable_backends(session)
    shards: dict[str, list[int]] = {}
    for name, holder in held.items():
        number = name[len(lease.WATCH_SHARD_PREFIX) :]
        if number.isdigit():
            shards.setdefault(holder, []).append(int(number))
    replicas = []
    for holder in sorted(live | set(ends) | set(shards)):
        end = ends.get(holder)
        mine = tuple(sorted(shards.get(holder, ())))
        lag = (now - end.ended_at).total_seconds() if end is not None else None
        replicas.append(
            ReplicaCycle(
                holder=holder,
                this_replica=holder == services.watcher_holder,
                live=holder in live,
                shards=mine,
                last_cycle_end=end.ended_at if end is not None else None,
                cycle_seconds=end.seconds if end is not None else None,
                behind=bool(mine) and (lag is None or lag > BEHIND_INTERVALS * poll),
            )
        )
    replicas.sort(key=lambda r: (r.last_cycle_end is None, -(r.last_cycle_end or now).timestamp()))
    backends = [BackendHealthView("ACC", "ACC" not in down)]
    if settings.sas_enabled:
        backends.append(BackendHealthView("SAS", "SAS" not in down))
    return WatcherStatus(
        now=now,
        poll_seconds=poll,
        shard_count=settings.ACCBOT_WATCH_SHARDS,
        replicas=tuple(replicas),
        pending=dict(sorted(pending.items())),
        backends=tuple(backends),
    )
