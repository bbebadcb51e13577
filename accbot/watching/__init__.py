"""What a watch is, shared by the actions that create watches and the watcher that polls them.

observation.py  Observation (one run as seen in one poll), LogExcerpt
keys.py         the keys a run leaves in the cursor (seen, end states, overdue)
kind.py         WatchKind and Stream: how a reference resolves and which histories to poll
acc.py          ACC agents: their run history and their job history
sas.py          SAS catalog agents: their run history
registry.py     the watch kinds, a plain table
codec.py        an observation as JSON data, so an alert's record holds data, not a message
baseline.py     where a new watch starts: the current history, recorded as seen
latest.py       the newest run seen of an agent (its "last status", kept on its cursor)

It sits below both ``actions/`` and ``watcher/`` and imports neither.
"""
