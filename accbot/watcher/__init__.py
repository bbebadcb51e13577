"""The watcher: polls watched agents' histories and alerts Slack, never twice, never missing.

sources.py   backend histories -> Observation (ACC runs and job runs; SAS plugs in)
detect.py    pure rules: new failures, end states with --all, recoveries, overdue runs
poll.py      every watched history at once, bounded, pages grown until they overlap
record.py    one transaction per agent: reserve alerts, mark recoveries, move the cursor
publish.py   pending alerts -> Slack (digests, log excerpts, recovered replies)
notify.py    the Slack calls, with the alert key in message metadata
outage.py    backoff while a backend is down; "unreachable" / "reachable again" once
leader.py    the database lease that lets one replica poll
baseline.py  where a new watch starts
cycle.py     one cycle: load, poll, record, announce, publish
service.py   the APScheduler jobs that run cycles and keep the lease
"""
