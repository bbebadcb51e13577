"""The watcher: polls watched agents' histories and alerts, never twice, never missing.

It knows nothing of Slack: what it has to say are typed events (events.py) handed to a
sink (sink.py); Slack's sink is ``accbot.slack.sink``. Watch kinds, streams and
observations are in ``accbot.watching``.

detect.py    pure rules: new failures, end states with --all, recoveries, overdue runs
poll.py      every watched history at once, bounded, pages grown until they overlap
followups.py when a job history is asked: a job's run changed, or every tenth cycle
record.py    one transaction per agent: reserve alerts, mark recoveries, move the cursor
events.py    what the watcher says, as data: alerts, digests and their replies, log
             excerpts, recoveries, outage notices
sink.py      the Sink protocol (post, find a keyed post again) and its pace
publish.py   recorded events -> the sink: per-channel queues and pace, digests, exactly once
outage.py    backoff while a backend is down; "unreachable" / "reachable again" once
shards.py    watches split by agent into shards; each replica leases a fair share
selfwatch.py the watcher about itself: cycle ends stored and exported, "behind" and
             "caught up" said once, the first cycle after downtime as one digest
cycle.py     one cycle: load, poll, record, announce, publish
service.py   the APScheduler jobs that run cycles and keep the shard leases

Several replicas on one PostgreSQL split the watches: each polls, and posts the alerts
of, only the agents of the shards it leases (ACCBOT_WATCH_SHARDS, shards.py).

Jobs that must run once across replicas (turning paused schedules back on, say) are
singletons: ``WatcherService.add_singleton(job)`` runs ``job`` after every cycle on the
one replica that holds shard 0 (``ShardLeases.runs_singletons``). When that replica dies,
shard 0 moves with the others within two intervals, and the singletons with it.
"""
