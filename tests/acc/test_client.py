"""AccClient without sockets: URLs, bodies, error mapping, retries and secrecy.

Requests go through ``httpx.MockTransport`` driven by a respx router, the seam the
client exposes for exactly this. Integration over real sockets is in
``test_client_simulator.py``.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest
import respx

from accbot.acc import client as client_module
from accbot.acc.client import AccClient, UnsupportedInputFile
from accbot.acc.errors import (
    BackendTimeout,
    BackendUnreachable,
    BadRequest,
    Forbidden,
    InvalidId,
    InvalidResponse,
    NotFound,
    ServerError,
    Unauthorized,
)
from accbot.acc.models import (
    DataDelivery,
    JobStartRequest,
    JobStatus,
    RunMethod,
    RunStatus,
    ScheduleRequest,
    ServerCheckRequest,
    StartRequest,
)
from tests.acc import samples
from tests.acc.conftest import closed_port

SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig"  # noqa: S105 - a fake token to hunt for
BASE = "https://acc.example.test"
AGENT_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
RUN_ID = "9040f86d-bbc1-4038-9868-501145cc2370"
PATH = "sequentum/Test2/quick"


@pytest.fixture
def router():
    return respx.MockRouter(base_url=f"{BASE}/api/", assert_all_called=False, using=None)


@pytest.fixture
def calls():
    return []


@pytest.fixture
def acc(router, calls):
    client = AccClient(
        BASE,
        SECRET,
        transport=httpx.MockTransport(router.handler),
        backoff=0,
        max_retries=2,
        on_request=lambda *args: calls.append(args),
    )
    yield client
    client.close()


def body(route) -> object:
    return json.loads(route.calls.last.request.content)


# ---------------------------------------------------------------- requests


def test_every_request_carries_the_bearer_token_under_api(router, acc):
    route = router.get("run/" + RUN_ID).respond(200, text=samples.RUN)
    run = acc.get_run(RUN_ID)
    request = route.calls.last.request
    assert request.url == f"{BASE}/api/run/{RUN_ID}"
    assert request.headers["Authorization"] == f"Bearer {SECRET}"
    assert run.status is RunStatus.SUCCEEDED


def test_base_url_with_a_path_prefix_keeps_it():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, text=samples.RUN)

    with AccClient("https://host.test/acc/", "t", transport=httpx.MockTransport(handler)) as acc:
        acc.get_run(RUN_ID)
    assert seen == [f"https://host.test/acc/api/run/{RUN_ID}"]


@pytest.mark.parametrize(
    "bad", ["", " ", ".", "..", "../agent/x", "a/b", "a?b", "a#b", "%2e%2e", "a\\b", "a\nb"]
)
@pytest.mark.parametrize(
    "call",
    [
        lambda a, v: a.get_run(v),
        lambda a, v: a.restart_run(v),
        lambda a, v: a.delete_schedule(v),
        lambda a, v: a.delete_inputs(v),
        lambda a, v: a.get_job_run_agent_runs(v, 3),
        lambda a, v: a.get_run_log(v),
    ],
)
def test_an_id_that_would_change_the_endpoint_is_refused_before_sending(
    router, acc, calls, call, bad
):
    route = router.route().respond(200, json={})
    with pytest.raises(InvalidId) as info:
        call(acc, bad)
    assert isinstance(info.value, ValueError)
    assert "is not a valid" in str(info.value)
    assert route.call_count == 0
    assert calls == []


def test_an_id_with_other_characters_is_encoded_into_its_one_segment(router, acc):
    route = router.get(url__regex=r".*").respond(404)
    with pytest.raises(NotFound):
        acc.get_run("run 1+2&x=y")
    assert route.calls.last.request.url.raw_path == b"/api/run/run%201%2B2%26x%3Dy"


def test_get_agent_sends_the_path_as_query_and_caches_it(router, acc):
    route = router.get("agent", params={"agentPath": PATH}).respond(200, text=samples.AGENT)
    first = acc.get_agent(PATH)
    second = acc.get_agent(PATH)
    assert first == second
    assert first.agent_id == AGENT_ID and first.path == PATH
    assert route.call_count == 1


def test_agent_cache_expires(router, calls):
    route = router.get("agent").respond(200, text=samples.AGENT)
    transport = httpx.MockTransport(router.handler)
    with AccClient(BASE, SECRET, transport=transport, agent_cache_seconds=0) as acc:
        acc.get_agent(PATH)
        acc.get_agent(PATH)
    assert route.call_count == 2


def test_unknown_agent_path_is_not_found(router, acc):
    router.get("agent").respond(404)
    with pytest.raises(NotFound) as info:
        acc.get_agent("sequentum/nope")
    assert info.value.what == "agent sequentum/nope"
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize("answer", [httpx.Response(204), httpx.Response(200, text="null")])
def test_an_empty_agent_answer_is_not_found(router, acc, answer):
    router.get("agent").mock(return_value=answer)
    with pytest.raises(NotFound, match="agent sequentum/ghost"):
        acc.get_agent("sequentum/ghost")


def test_start_agent_posts_input_parameters_as_a_json_string(router, acc):
    route = router.post(f"agent/{AGENT_ID}/cluster/start").respond(200, text=samples.START_RESULT)
    result = acc.start_agent(
        AGENT_ID,
        StartRequest(
            log_level=1,
            is_production_run=True,
            input_parameters={"input1": "my input 1", "input2": "my input 2"},
        ),
    )
    assert result.run_history_ids == ["a2f6782850-7c89-4e05-a30a-034aa980ee6c"]
    assert result.data is None
    assert body(route) == json.loads(samples.START_BODY)
    assert route.calls.last.request.headers["Content-Type"] == "application/json"


def test_start_by_path_uses_the_cluster_start_query(router, acc):
    route = router.post("agent/cluster/start", params={"agentPath": PATH}).respond(
        200, text=samples.START_RESULT
    )
    assert acc.start_agent_by_path(PATH, StartRequest()).run_history_ids
    assert body(route) == {}


def test_synchronous_start_with_zip_delivery_returns_the_data(router, acc):
    router.post(f"agent/{AGENT_ID}/cluster/start").respond(
        200, content=b"PK\x03\x04zipdata", headers={"Content-Type": "application/zip"}
    )
    request = StartRequest(is_synchronous=True, synchronous_data_delivery=DataDelivery.ZIP)
    result = acc.start_agent(AGENT_ID, request)
    assert result.data == b"PK\x03\x04zipdata"
    assert result.content_type == "application/zip"
    assert result.run_history_ids == []


def test_synchronous_start_with_plain_delivery_returns_json_data_as_data(router, acc):
    exported = b'[{"title": "Sequentum"}]'
    router.post(f"agent/{AGENT_ID}/cluster/start").respond(
        200, content=exported, headers={"Content-Type": "application/json"}
    )
    request = StartRequest(is_synchronous=True, synchronous_data_delivery=DataDelivery.PLAIN)
    assert acc.start_agent(AGENT_ID, request).data == exported


def test_synchronous_start_waits_longer_than_the_default_read_timeout(router, acc):
    route = router.post(f"agent/{AGENT_ID}/cluster/start").respond(200, text=samples.START_RESULT)
    acc.start_agent(AGENT_ID, StartRequest(is_synchronous=True, synchronous_timeout=120))
    timeout = route.calls.last.request.extensions["timeout"]
    assert timeout["read"] >= 120


def test_retry_run_sends_the_run_method(router, acc):
    route = router.post(f"run/{RUN_ID}/retry").respond(200)
    acc.retry_run(RUN_ID)
    assert route.calls.last.request.url.params["RunMethod"] == "ContinueAndRetryErrorsRefreshAgent"
    acc.retry_run(RUN_ID, RunMethod.CONTINUE)
    assert route.calls.last.request.url.params["RunMethod"] == "Continue"


@pytest.mark.parametrize(("approved", "flag"), [(True, "False"), (False, "True")])
def test_approval_toggles_with_the_message_as_a_json_string(router, acc, approved, flag):
    route = router.post(f"agent/{AGENT_ID}/toggleAgentApproval/{flag}").respond(200)
    acc.set_approval(AGENT_ID, approved, 'Approved in Slack by "ann"')
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == 'Approved in Slack by "ann"'


def test_latest_job_status_body(router, acc):
    route = router.post(f"job/{AGENT_ID}/status").respond(200)
    acc.set_latest_job_status(AGENT_ID, JobStatus.FAILED)
    assert body(route) == {"status": 5}


def test_history_count_is_optional(router, acc):
    route = router.get(f"agent/{AGENT_ID}/history").respond(200, text=samples.RUN_HISTORY)
    assert len(acc.get_run_history(AGENT_ID)) == 1
    assert "count" not in route.calls.last.request.url.params
    acc.get_run_history(AGENT_ID, count=5)
    assert route.calls.last.request.url.params["count"] == "5"
    with pytest.raises(ValueError):
        acc.get_run_history(AGENT_ID, count=0)


def test_csv_input_is_sent_as_plain_text(router, acc):
    route = router.post(f"input/agent/{AGENT_ID}/csv", params={"name": "input.csv"}).respond(200)
    acc.upload_input_csv(AGENT_ID, "input.csv", samples.CSV_INPUT)
    request = route.calls.last.request
    assert request.headers["Content-Type"].startswith("text/plain")
    assert request.content.decode() == samples.CSV_INPUT


def test_input_files_go_as_multipart(router, acc):
    route = router.post(f"input/agent/{AGENT_ID}/files").respond(200)
    acc.upload_input_files(AGENT_ID, [("a.csv", b"URL\r\nx"), ("b.TXT", b"y"), ("c.zip", b"PK")])
    request = route.calls.last.request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    content = request.content
    for name in (b'filename="a.csv"', b'filename="b.TXT"', b'filename="c.zip"'):
        assert name in content
    assert b"Content-Type: text/csv" in content and b"URL\r\nx" in content


@pytest.mark.parametrize("name", ["data.xlsx", "script.exe", "noextension", "a.csv.exe"])
def test_other_input_file_types_are_refused_before_sending(router, acc, name):
    route = router.post(f"input/agent/{AGENT_ID}/files").respond(200)
    with pytest.raises(UnsupportedInputFile) as info:
        acc.upload_input_files(AGENT_ID, [("ok.csv", b"x"), (name, b"x")])
    assert isinstance(info.value, ValueError)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("../../etc/x.csv", "x.csv"), ("C:\\temp\\..\\in.txt", "in.txt"), ("dir/a.zip", "a.zip")],
)
def test_only_a_basename_of_an_input_file_reaches_acc(router, acc, sent, stored):
    files = router.post(f"input/agent/{AGENT_ID}/files").respond(200)
    csv = router.post(f"input/agent/{AGENT_ID}/csv").respond(200)
    acc.upload_input_files(AGENT_ID, [(sent, b"x")])
    acc.upload_input_csv(AGENT_ID, sent, "URL\nx")
    assert f'filename="{stored}"'.encode() in files.calls.last.request.content
    assert b".." not in files.calls.last.request.content
    assert csv.calls.last.request.url.params["name"] == stored


@pytest.mark.parametrize("name", ["..", ".", "/", "a/.."])
def test_a_file_name_with_nothing_usable_left_is_refused_before_sending(router, acc, name):
    route = router.post(f"input/agent/{AGENT_ID}/files").respond(200)
    with pytest.raises(UnsupportedInputFile, match="not a usable file name"):
        acc.upload_input_files(AGENT_ID, [(name, b"x")])
    assert route.call_count == 0


def test_input_file_names_in_a_start_are_reduced_to_basenames(router, acc):
    route = router.post(f"agent/{AGENT_ID}/cluster/start").respond(200, text=samples.START_RESULT)
    acc.start_agent(AGENT_ID, StartRequest(input_files=["../secret/a.csv", "b.csv"]))
    assert body(route)["inputFiles"] == ["a.csv", "b.csv"]


def test_server_check_posts_the_document_body(router, acc):
    route = router.post("server/check").respond(200, text=samples.SERVER_STATUS)
    status = acc.check_server(
        ServerCheckRequest(
            key="3f8fb288098e4c749f18da856115f674", ip_address="127.0.0.1", port=8004
        )
    )
    assert body(route) == json.loads(samples.SERVER_CHECK_BODY)
    assert status.cpu_threshold == 100 and not status.is_error


def test_downloads_return_raw_bytes(router, acc):
    router.get(f"run/{RUN_ID}/log").respond(200, content=b"PK\x03\x04log")
    assert acc.get_run_log(RUN_ID) == b"PK\x03\x04log"


# ----------------------------------------------------------- error mapping


def test_401_says_the_token_is_wrong_without_showing_it(router, acc):
    router.get(f"run/{RUN_ID}").respond(401, text=f"bad token {SECRET}")
    with pytest.raises(Unauthorized) as info:
        acc.get_run(RUN_ID)
    assert str(info.value) == "ACC refused the access token: it is wrong or expired"
    assert info.value.status_code == 401
    assert SECRET not in repr(info.value) and SECRET not in (info.value.detail or "")


def test_403_is_forbidden(router, acc):
    router.post(f"run/{RUN_ID}/restart").respond(403)
    with pytest.raises(Forbidden):
        acc.restart_run(RUN_ID)


@pytest.mark.parametrize(
    ("call", "route", "what"),
    [
        (lambda a: a.get_run(RUN_ID), ("GET", f"run/{RUN_ID}"), f"run {RUN_ID}"),
        (lambda a: a.restart_run(RUN_ID), ("POST", f"run/{RUN_ID}/restart"), f"run {RUN_ID}"),
        (lambda a: a.get_job_run("j1"), ("GET", "job/run/j1"), "job run j1"),
        (lambda a: a.delete_schedule("s1"), ("DELETE", "job/schedule/s1"), "schedule s1"),
        (
            lambda a: a.set_schedule_enabled("s1", True),
            ("POST", "job/schedule/s1/on"),
            "schedule s1",
        ),
        (
            lambda a: a.get_schedules(AGENT_ID),
            ("GET", f"job/{AGENT_ID}/schedules"),
            f"agent {AGENT_ID}",
        ),
    ],
)
def test_404_names_what_was_not_found(router, acc, call, route, what):
    router.request(route[0], route[1]).respond(404)
    with pytest.raises(NotFound) as info:
        call(acc)
    assert info.value.what == what
    assert what in str(info.value)


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (
            httpx.Response(400, json={"message": "  Cron   expression is invalid. "}),
            "Cron expression is invalid.",
        ),
        (httpx.Response(400, json="Agent is already running"), "Agent is already running"),
        (
            httpx.Response(400, json={"title": "One or more validation errors occurred."}),
            "One or more validation errors occurred.",
        ),
        (httpx.Response(415, text="Unsupported media type"), "Unsupported media type"),
        (httpx.Response(400, text="x" * 1000), "x" * 299 + "…"),
        (httpx.Response(400), None),
    ],
)
def test_4xx_is_bad_request_with_accs_trimmed_message(router, acc, answer, detail):
    router.post(f"job/{AGENT_ID}/schedule").mock(return_value=answer)
    request = ScheduleRequest("s1", "0 0 0 1", "2019-07-16T11:21:20", "UTC")
    with pytest.raises(BadRequest) as info:
        acc.save_schedule(AGENT_ID, request)
    assert info.value.detail == detail
    assert info.value.status_code == answer.status_code
    if detail:
        assert str(info.value).endswith(detail)


def test_5xx_is_server_error(router, acc):
    router.post(f"job/{AGENT_ID}/start").respond(500, text="Object reference not set")
    with pytest.raises(ServerError) as info:
        acc.start_job(AGENT_ID, request=_job_request())
    assert info.value.status_code == 500
    assert "Object reference not set" in str(info.value)


def test_html_error_pages_are_not_quoted(router, acc):
    router.get(f"run/{RUN_ID}").respond(
        502, text="<html><body>Bad Gateway</body></html>", headers={"Content-Type": "text/html"}
    )
    with pytest.raises(ServerError) as info:
        acc.get_run(RUN_ID)
    assert info.value.detail is None and "<html>" not in str(info.value)


@pytest.mark.parametrize(
    ("answer", "call"),
    [
        (httpx.Response(200, text="<html>login</html>"), lambda a: a.get_run(RUN_ID)),
        (httpx.Response(200, json={"unexpected": 1}), lambda a: a.get_run(RUN_ID)),
        (
            httpx.Response(200, json={"agentRunHistoryId": "x", "agentId": "y", "status": 99}),
            lambda a: a.get_run(RUN_ID),
        ),
        (httpx.Response(200, json={"not": "a list"}), lambda a: a.get_run_history(AGENT_ID)),
        (httpx.Response(200, json=[1, 2]), lambda a: a.get_run_history(AGENT_ID)),
        (
            httpx.Response(200, json={"agentRunHistoryIds": "x"}),
            lambda a: a.start_agent(AGENT_ID, StartRequest()),
        ),
        (httpx.Response(200, text=""), lambda a: a.start_job(AGENT_ID, _job_request())),
    ],
)
def test_unparseable_success_is_invalid_response(router, acc, answer, call):
    router.route().mock(return_value=answer)
    with pytest.raises(InvalidResponse):
        call(acc)


def test_timeouts_become_backend_timeout(router, acc):
    router.get(f"run/{RUN_ID}").mock(side_effect=httpx.ReadTimeout)
    with pytest.raises(BackendTimeout) as info:
        acc.get_run(RUN_ID)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


def test_connection_errors_become_backend_unreachable(router, acc):
    router.get(f"run/{RUN_ID}").mock(side_effect=httpx.ConnectError("Connection refused"))
    with pytest.raises(BackendUnreachable) as info:
        acc.get_run(RUN_ID)
    assert "Connection refused" in str(info.value)


def test_a_real_refused_connection_is_unreachable():
    with AccClient(f"http://127.0.0.1:{closed_port()}", SECRET, max_retries=0) as acc:
        with pytest.raises(BackendUnreachable):
            acc.get_run(RUN_ID)


# ------------------------------------------------------------------ retries


def test_get_retries_5xx_then_succeeds(router, acc, calls):
    route = router.get(f"run/{RUN_ID}").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(200, text=samples.RUN),
        ]
    )
    assert acc.get_run(RUN_ID).run_history_id == RUN_ID
    assert route.call_count == 3
    assert [c[2] for c in calls] == [503, 502, 200]


def test_get_retries_timeouts_and_connection_errors(router, acc):
    route = router.get(f"agent/{AGENT_ID}/history").mock(
        side_effect=[httpx.ReadTimeout, httpx.ConnectError, httpx.Response(200, text="[]")]
    )
    assert acc.get_run_history(AGENT_ID) == []
    assert route.call_count == 3


def test_get_gives_up_after_max_retries(router, acc):
    route = router.get(f"run/{RUN_ID}").respond(503)
    with pytest.raises(ServerError):
        acc.get_run(RUN_ID)
    assert route.call_count == 3  # first try + max_retries=2


def test_get_does_not_retry_4xx(router, acc):
    route = router.get(f"run/{RUN_ID}").respond(404)
    with pytest.raises(NotFound):
        acc.get_run(RUN_ID)
    assert route.call_count == 1


def test_retries_back_off_exponentially(router, monkeypatch):
    sleeps = []
    monkeypatch.setattr(client_module.time, "sleep", sleeps.append)
    router.get(f"run/{RUN_ID}").respond(503)
    transport = httpx.MockTransport(router.handler)
    with AccClient(BASE, SECRET, transport=transport, backoff=0.25, max_retries=3) as acc:
        with pytest.raises(ServerError):
            acc.get_run(RUN_ID)
    assert sleeps == [0.25, 0.5, 1.0]


@pytest.mark.parametrize(
    "failure", [httpx.Response(503), httpx.Response(500), httpx.ReadTimeout, httpx.WriteTimeout]
)
def test_start_is_never_sent_twice(router, acc, failure):
    route = router.post(f"agent/{AGENT_ID}/cluster/start").mock(
        side_effect=[failure, httpx.Response(200, text=samples.START_RESULT)]
    )
    with pytest.raises((ServerError, BackendTimeout)):
        acc.start_agent(AGENT_ID, StartRequest())
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("POST", f"run/{RUN_ID}/restart", lambda a: a.restart_run(RUN_ID)),
        ("POST", f"job/{AGENT_ID}/start", lambda a: a.start_job(AGENT_ID, _job_request())),
        ("POST", "job/schedule/s1/start", lambda a: a.start_schedule("s1")),
        ("DELETE", f"input/agent/{AGENT_ID}", lambda a: a.delete_inputs(AGENT_ID)),
    ],
)
def test_mutations_are_not_retried_on_timeout(router, acc, method, path, call):
    route = router.request(method, path).mock(side_effect=httpx.ReadTimeout)
    with pytest.raises(BackendTimeout):
        call(acc)
    assert route.call_count == 1


def test_post_is_retried_when_the_connection_was_never_made(router, acc):
    route = router.post(f"agent/{AGENT_ID}/cluster/start").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, text=samples.START_RESULT)]
    )
    assert acc.start_agent(AGENT_ID, StartRequest()).run_history_ids
    assert route.call_count == 2


def test_post_is_not_retried_when_the_connection_broke_mid_request(router, acc):
    route = router.post(f"run/{RUN_ID}/restart").mock(
        side_effect=[httpx.RemoteProtocolError("peer closed"), httpx.Response(200)]
    )
    with pytest.raises(BackendUnreachable):
        acc.restart_run(RUN_ID)
    assert route.call_count == 1


# --------------------------------------------------------- logs and metrics


def test_on_request_sees_each_attempt_with_the_endpoint_template(router, acc, calls):
    router.get(f"run/{RUN_ID}/backup").mock(side_effect=[httpx.ConnectError, httpx.Response(200)])
    acc.get_run_data(RUN_ID)
    assert [(m, t, s) for m, t, s, _ in calls] == [
        ("GET", "GET api/run/{id}/backup", None),
        ("GET", "GET api/run/{id}/backup", 200),
    ]
    assert all(isinstance(seconds, float) and seconds >= 0 for *_, seconds in calls)


def test_a_failing_metrics_hook_does_not_break_the_call(router):
    def broken(*_):
        raise RuntimeError("metrics down")

    router.get(f"run/{RUN_ID}").respond(200, text=samples.RUN)
    transport = httpx.MockTransport(router.handler)
    with AccClient(BASE, SECRET, transport=transport, on_request=broken) as acc:
        assert acc.get_run(RUN_ID).run_history_id == RUN_ID


def test_logs_name_method_path_and_status(router, acc, caplog):
    caplog.set_level(logging.DEBUG, logger="accbot.acc")
    router.get(f"run/{RUN_ID}").respond(200, text=samples.RUN)
    acc.get_run(RUN_ID)
    assert any(
        r.name == "accbot.acc" and f"GET /api/run/{RUN_ID} -> 200" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(401, text=SECRET),
        httpx.Response(400, json={"message": f"token {SECRET} is malformed"}),
        httpx.Response(500, text=f"Authorization: Bearer {SECRET}"),
        httpx.ConnectError(f"cannot connect with Bearer {SECRET}"),
        httpx.ReadTimeout(f"timed out, Bearer {SECRET}"),
    ],
)
def test_the_token_never_leaks(router, acc, caplog, failure):
    caplog.set_level(logging.DEBUG)
    router.route().mock(side_effect=[failure] * 5)
    for call in (lambda: acc.get_run(RUN_ID), lambda: acc.restart_run(RUN_ID)):
        with pytest.raises(Exception) as info:
            call()
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value)
        assert SECRET not in repr(info.value.args)
        assert SECRET not in (getattr(info.value, "detail", None) or "")
    assert SECRET not in caplog.text
    assert SECRET not in repr(acc)


def test_repr_of_the_underlying_request_has_no_token(router, acc):
    route = router.get(f"run/{RUN_ID}").respond(200, text=samples.RUN)
    acc.get_run(RUN_ID)
    assert SECRET not in repr(route.calls.last.request)


def _job_request():
    return JobStartRequest(log_level=1)
