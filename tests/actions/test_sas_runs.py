"""The SAS run-list action on its own: the SAS client over httpx.MockTransport."""

from __future__ import annotations

import httpx
import pytest

from accbot.actions.context import Actor, Services
from accbot.actions.errors import NotConfigured
from accbot.actions.sas_runs import failed_runs, list_sas_runs, sas_agent_name
from accbot.commands.model import AgentRef, ListRuns
from accbot.sas.client import SasClient

AGENT = "ba14bc66-8aaf-4a57-bff1-87a39774ac1a"
BASE = "https://sas.example.com"
ACTOR = Actor(user_id="UVIEWER")


def item(n: int, status: str) -> dict:
    return {"id": AGENT, "runId": f"run-{n}", "status": status}


class FakeSas:
    """Serves a history (newest first) in pages with next links, and the agent itself."""

    def __init__(self, statuses: list[str], bot_status: int = 200) -> None:
        self.items = [item(n, s) for n, s in enumerate(statuses)]
        self.bot_status = bot_status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == f"/catalog/bots/{AGENT}":
            if self.bot_status != 200:
                body = {"message": "no", "httpStatusCode": self.bot_status}
                return httpx.Response(self.bot_status, json=body)
            return httpx.Response(200, json={"id": AGENT, "name": "SASHELP discovery"})
        start = int(request.url.params.get("start", 0))
        limit = int(request.url.params.get("limit", 10))
        links = []
        if start + limit < len(self.items):
            href = f"/catalog/bots/{AGENT}/history?start={start + limit}&limit={limit}"
            links.append({"rel": "next", "href": href})
        page = self.items[start : start + limit]
        return httpx.Response(200, json={"items": page, "links": links, "count": len(self.items)})

    def history_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/history")]


def services_for(fake: FakeSas | None) -> Services:
    sas = None if fake is None else SasClient(BASE, token="t", transport=httpx.MockTransport(fake))
    return Services(settings=None, acc=None, db=None, roles=None, sas=sas)  # type: ignore[arg-type]


def runs_command(count: int = 10, failed_only: bool = False) -> ListRuns:
    return ListRuns(agent=AgentRef("sas", AGENT), count=count, failed_only=failed_only)


def test_without_a_sas_client_the_error_names_the_variables():
    with pytest.raises(NotConfigured, match="SAS_BASE_URL and either SAS_TOKEN"):
        list_sas_runs(runs_command(), ACTOR, services_for(None))


def test_the_list_carries_runs_name_and_the_sas_url_for_links():
    fake = FakeSas(["failed", "completed", "completed"])
    result = list_sas_runs(runs_command(count=2), ACTOR, services_for(fake))
    assert [r.run_key for r in result.runs] == ["run-0", "run-1"]
    assert result.agent_name == "SASHELP discovery"
    assert result.sas_url == BASE
    assert result.scanned == 2


def test_failed_only_stops_reading_once_count_failures_are_found():
    statuses = ["completed"] * 5 + ["failed", "error"] + ["completed"] * 200
    fake = FakeSas(statuses)
    result = list_sas_runs(runs_command(count=2, failed_only=True), ACTOR, services_for(fake))
    assert [r.run_key for r in result.runs] == ["run-5", "run-6"]
    assert result.scanned == 7
    assert len(fake.history_requests()) == 1  # the first page of 50 held both


def test_failed_runs_reads_no_further_than_its_limit():
    fake = FakeSas(["completed"] * 30 + ["failed"])
    sas = services_for(fake).sas
    found, scanned = failed_runs(sas, AGENT, 5, limit=20)
    assert found == []
    assert scanned == 20


def test_a_refused_agent_lookup_still_lists_the_history_under_its_id():
    fake = FakeSas(["completed"], bot_status=403)
    result = list_sas_runs(runs_command(), ACTOR, services_for(fake))
    assert result.agent_name == AGENT
    assert len(result.runs) == 1


def test_the_agent_name_is_asked_for_once_per_process():
    fake = FakeSas(["completed"])
    services = services_for(fake)
    assert sas_agent_name(services, AGENT) == "SASHELP discovery"
    assert sas_agent_name(services, AGENT) == "SASHELP discovery"
    bot_lookups = [r for r in fake.requests if r.url.path == f"/catalog/bots/{AGENT}"]
    assert len(bot_lookups) == 1
