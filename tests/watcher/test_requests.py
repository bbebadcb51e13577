"""What a cycle costs ACC and the database: one request per watch, a job history only when a
job's run changes (and every tenth cycle regardless), bounded concurrency, batched reads,
and no write at all when nothing happened."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event

from accbot.simulator.errors import SimError
from accbot.store import cursors
from accbot.watcher.followups import SAFETY_NET_CYCLES
from accbot.watcher.service import WatcherService
from tests.watcher.helpers import ALERTS, alert_key, alerts_in, text_of

PATH = "acme/shop/prices"


def _agents(acc, watch, count: int) -> list[str]:
    ids = []
    for number in range(count):
        path = f"acme/fleet/agent{number:03d}"
        ids.append(acc.state.add_agent(path)["agentId"])
        watch(path)
    return ids


def _histories_asked(acc, during) -> tuple[Counter, Counter]:
    """(run histories, job histories) asked per agent id while ``during()`` runs."""
    before = len(acc.state.requests)
    during()
    runs, jobs = Counter(), Counter()
    for request in acc.state.requests[before:]:
        parts = request.path.strip("/").split("/")  # api/agent/<id>/history
        if len(parts) == 4 and parts[3] == "history":
            if parts[1] == "agent":
                runs[parts[2]] += 1
            elif parts[1] == "job":
                jobs[parts[2]] += 1
    return runs, jobs


def test_a_quiet_cycle_asks_each_run_history_once_and_a_tenth_of_the_job_histories(
    acc, watcher, watch
):
    ids = _agents(acc, watch, 20)

    runs, jobs = _histories_asked(acc, watcher.run_cycle)  # the process's first cycle
    assert runs == Counter(ids) and not jobs  # the agents join the safety net's rounds

    for _ in range(3):
        runs, jobs = _histories_asked(acc, watcher.run_cycle)
        assert runs == Counter(ids)
        assert sum(jobs.values()) == len(ids) // SAFETY_NET_CYCLES


def test_an_agent_without_a_cursor_has_every_history_asked(acc, services, watcher, watch):
    ids = _agents(acc, watch, 3)
    with services.db.session() as session:
        cursors.delete_cursor(session, "acc", ids[0])  # as if its watch's first look failed

    runs, jobs = _histories_asked(acc, watcher.run_cycle)

    assert runs == Counter(ids) and jobs[ids[0]] == 1


def test_every_job_history_is_asked_once_in_every_ten_quiet_cycles(acc, watcher, watch):
    ids = _agents(acc, watch, 20)
    watcher.run_cycle()

    def ten_cycles() -> None:
        for _ in range(SAFETY_NET_CYCLES):
            watcher.run_cycle()

    for _ in range(2):
        runs, jobs = _histories_asked(acc, ten_cycles)
        assert runs == Counter({agent_id: SAFETY_NET_CYCLES for agent_id in ids})
        assert jobs == Counter(ids)


def test_a_run_of_a_job_that_ends_brings_the_jobs_failure_in_the_same_cycle(
    acc, slack, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher.run_cycle()
    watcher.run_cycle()

    job = acc.state.add_job_run(agent_id, 5, run_status=5)
    runs, jobs = _histories_asked(acc, watcher.run_cycle)

    assert jobs == Counter([agent_id])
    keys = [alert_key(m) for m in alerts_in(slack, ALERTS)]
    assert any(job["agentJobHistoryId"] in key for key in keys)  # the job's failure
    assert len(keys) == 2  # and its run's


def test_a_run_that_belongs_to_no_job_does_not_ask_the_job_history(acc, slack, watcher, watch):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher.run_cycle()
    watcher.run_cycle()

    acc.state.add_run(agent_id, 5)  # started by hand: runId 0, no schedule
    runs, jobs = _histories_asked(acc, watcher.run_cycle)

    assert runs == Counter([agent_id]) and not jobs
    assert len(alerts_in(slack, ALERTS)) == 1


def test_a_scheduled_run_counts_as_a_jobs_run_by_its_schedule_id(acc, watcher, watch):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher.run_cycle()
    watcher.run_cycle()

    acc.state.add_run(agent_id, 4, agent_job_schedule_id="0f0e0d0c-0000-4000-8000-000000000001")
    runs, jobs = _histories_asked(acc, watcher.run_cycle)

    assert jobs == Counter([agent_id])


def test_a_job_still_running_after_its_runs_ended_is_asked_each_cycle_until_it_ends(
    acc, slack, watcher, watch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher.run_cycle()
    job = acc.state.add_job_run(agent_id, 1, run_status=4)  # ACC has not settled the job yet
    watcher.run_cycle()

    _, jobs = _histories_asked(acc, watcher.run_cycle)
    assert jobs == Counter([agent_id])
    acc.state.set_job_status(job["agentJobHistoryId"], 5)
    _, jobs = _histories_asked(acc, watcher.run_cycle)

    assert jobs == Counter([agent_id])
    [alert] = alerts_in(slack, ALERTS)
    assert job["agentJobHistoryId"] in alert_key(alert) and "Job run failed" in text_of(alert)
    _, jobs = _histories_asked(acc, watcher.run_cycle)
    assert not jobs  # settled: back to the run history alone


def test_a_job_history_that_failed_to_answer_is_asked_again_next_cycle(
    acc, slack, watcher, watch, monkeypatch
):
    agent_id = acc.state.add_agent(PATH)["agentId"]
    watch(PATH)
    watcher.run_cycle()
    watcher.run_cycle()
    job = acc.state.add_job_run(agent_id, 5, run_status=4)
    answer = acc.state.job_history

    def unavailable_once(*args, **kwargs):
        monkeypatch.setattr(acc.state, "job_history", answer)
        raise SimError(503, "job history unavailable")

    monkeypatch.setattr(acc.state, "job_history", unavailable_once)
    _, jobs = _histories_asked(acc, watcher.run_cycle)
    assert jobs == Counter([agent_id]) and alerts_in(slack, ALERTS) == []

    _, jobs = _histories_asked(acc, watcher.run_cycle)

    assert jobs == Counter([agent_id])
    [alert] = alerts_in(slack, ALERTS)
    assert job["agentJobHistoryId"] in alert_key(alert)


def test_acc_concurrency_bounds_the_requests_in_flight(acc, make_services, sink, watch):
    _agents(acc, watch, 12)
    services = make_services(ACCBOT_ACC_CONCURRENCY="3")
    watcher = WatcherService(services, sink, poll_seconds=1, holder_id="bounded")
    try:
        acc.state.latency = 0.05
        acc.state.most_in_flight = 0
        watcher.run_cycle()
    finally:
        watcher.stop()
    assert acc.state.most_in_flight == 3


class _Statements:
    """Every SQL statement the engine runs while counting."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.seen: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.seen.append(statement.strip())

    def __enter__(self) -> _Statements:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _verbs(self) -> list[str]:
        return [s.split(None, 1)[0].upper() for s in self.seen]

    @property
    def writes(self) -> list[str]:
        return [
            s
            for s, v in zip(self.seen, self._verbs(), strict=True)
            if v in ("INSERT", "UPDATE", "DELETE")
        ]

    @property
    def queries(self) -> int:
        return sum(1 for v in self._verbs() if v == "SELECT")


@pytest.mark.parametrize("agents", [3, 30])
def test_a_quiet_cycle_reads_in_a_few_queries_whatever_the_number_of_agents_and_writes_nothing(
    acc, services, watcher, watch, agents
):
    _agents(acc, watch, agents)
    watcher.run_cycle()
    watcher.run_cycle()

    with _Statements(services.db.engine) as statements:
        report = watcher.cycle.run()  # the cycle alone: the lease has its own heartbeat

    assert report.agents == agents
    assert statements.writes == []
    # watches, mutes, the cursors (one query for up to 400 agents), the server watches,
    # pending alerts, pending digest messages and owed recoveries: the same seven for 3
    # agents as for 30.
    assert statements.queries == 7


def test_a_cycle_with_news_writes_only_for_the_agent_that_has_it(acc, services, watcher, watch):
    ids = _agents(acc, watch, 10)
    watcher.run_cycle()
    acc.state.add_run(ids[4], 4)

    with _Statements(services.db.engine) as statements:
        watcher.cycle.run()

    # one agent's cursor: created if absent (a no-op insert), then moved forward and given
    # its last run in one UPDATE; and the new success's data count, for --drop watches
    assert len(statements.writes) == 3
    assert sum("run_cursors" in statement for statement in statements.writes) == 2
    assert sum("last_run" in statement for statement in statements.writes) == 1
    assert sum("run_data_counts" in statement for statement in statements.writes) == 1


def test_agents_not_polled_yet_by_this_process_are_polled_first(acc, make_services, client, watch):
    _agents(acc, watch, 5)
    services = make_services(ACCBOT_ACC_CONCURRENCY="1")
    watcher = WatcherService(services, client, poll_seconds=1, holder_id="ordered")
    try:
        watcher.run_cycle()
        last = "ffffffff-ffff-4fff-8fff-ffffffffffff"  # after every other agent by id
        acc.state.add_agent("acme/fleet/newcomer", agent_id=last)
        watch("acme/fleet/newcomer")
        before = len(acc.state.requests)
        watcher.run_cycle()
    finally:
        watcher.stop()
    asked = [r.path for r in acc.state.requests[before:] if r.path.endswith("/history")]
    assert asked[0] == f"/api/agent/{last}/history"
