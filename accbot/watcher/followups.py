"""When to ask an agent's on-demand streams (an ACC agent's job history).

A job run's state follows its agent runs, and every agent run of a job shows in the
agent's run history with the job's number (``runId`` > 0) or its schedule
(``agentJobScheduleId``). So the run history, asked every cycle, says when a job may
have changed, and the job history is asked only then:

* when the agent has no cursor yet (a first look must see every stream, or old job runs
  would be alerted later);
* when the run history shows a run that belongs to a job appear or reach an end state
  not seen before;
* when the last job history showed a job still running while none of its runs are active
  any more (the job is settling: ACC may write its end state a moment after its runs');
* when the last answer failed;
* and, whatever happens, at least every SAFETY_NET_CYCLES cycles. Agents are spread over
  those cycles round-robin, so each cycle asks about one in SAFETY_NET_CYCLES of them
  rather than all of them every tenth cycle.

The state is this process's memory, not the database: a quiet cycle writes nothing. An
agent new to the process (after a restart, or a dead replica's shards taken over) joins
the safety net's rounds without an extra request: a job that ended meanwhile shows in its
runs, and one still settling is asked within SAFETY_NET_CYCLES cycles. So a takeover
costs one request per agent, and the taken agents are polled again quickly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from accbot.store.cursors import seen_key
from accbot.watcher.detect import run_marker
from accbot.watcher.poll import Fetched
from accbot.watching.observation import Observation

SAFETY_NET_CYCLES = 10

AgentKey = tuple[str, str]  # (kind, agent_id)


@dataclass
class _Asked:
    cycle: int  # when the on-demand streams were last asked (or stand as asked)
    unsettled: bool  # that answer showed an entry not yet in an end state


class FollowUps:
    """Per agent: when its on-demand streams were last asked and what they showed."""

    def __init__(self, safety_net_cycles: int = SAFETY_NET_CYCLES) -> None:
        self.safety_net_cycles = safety_net_cycles
        self.cycle = 0
        self._agents: dict[AgentKey, _Asked] = {}
        self._next_slot = 0
        self._lock = threading.Lock()

    def begin_cycle(self, agents: Iterable[AgentKey]) -> None:
        """Count a cycle, and forget agents no longer polled here (unwatched, or their
        shard went to another replica): coming back, they join the rounds afresh."""
        with self._lock:
            self.cycle += 1
            keep = set(agents)
            for key in [k for k in self._agents if k not in keep]:
                del self._agents[key]

    def wanted(self, key: AgentKey, seen: frozenset[str] | None, every: list[Fetched]) -> bool:
        """Whether to ask the agent's on-demand streams, given its every-cycle answers."""
        if seen is None:
            return True
        with self._lock:
            asked = self._agents.get(key)
            if asked is None:  # new to this process: it joins the safety net's rounds
                asked = self._agents[key] = _Asked(self._first_due(), unsettled=False)
        if self.cycle - asked.cycle >= self.safety_net_cycles:
            return True
        runs = [o for f in every for o in (f.observations or ()) if o.belongs_to_job]
        if any(_is_news(o, seen) for o in runs):
            return True
        return asked.unsettled and not any(o.is_active for o in runs)

    def record(self, key: AgentKey, on_demand: list[Fetched]) -> None:
        """Remember what the agent's on-demand streams answered this cycle (if asked)."""
        if not on_demand:
            return
        with self._lock:
            if not all(f.ok for f in on_demand):  # due again at once: asked next cycle
                self._agents[key] = _Asked(self.cycle - self.safety_net_cycles, unsettled=True)
                return
            unsettled = any(not o.is_finished for f in on_demand for o in (f.observations or ()))
            previous = self._agents.get(key)
            cycle = self._first_due() if previous is None else self.cycle
            self._agents[key] = _Asked(cycle=cycle, unsettled=unsettled)

    def _first_due(self) -> int:
        """The "last asked" cycle of an agent new to the safety net, spread round-robin:
        the n-th new agent is due in (n mod SAFETY_NET_CYCLES) + 1 cycles. (Caller holds
        the lock.)"""
        slot = self._next_slot
        self._next_slot = (slot + 1) % self.safety_net_cycles
        return self.cycle - (self.safety_net_cycles - 1 - slot)

    def tracked(self) -> int:
        return len(self._agents)

    def knows(self, key: AgentKey) -> bool:
        """Whether this process has polled the agent before."""
        with self._lock:
            return key in self._agents


def _is_news(observation: Observation, seen: frozenset[str]) -> bool:
    if run_marker(observation) not in seen:
        return True
    return observation.is_finished and seen_key(observation.run_id, observation.status) not in seen
