"""Input files (CSV text, multipart upload, delete, disable), approvals and server checks."""

from __future__ import annotations

import io
import zipfile

import pytest


def test_csv_input_is_stored_from_a_plain_text_body(http, state, agent_id):
    body = "URL\r\nhttp://www.sequentum.com\r\n"
    response = http.post(
        f"/api/input/agent/{agent_id}/csv", params={"name": "input.csv"}, content=body
    )
    assert response.status_code == 200
    assert state.inputs(agent_id)["input.csv"].content == body.encode()


def test_csv_input_needs_a_csv_name(http, agent_id):
    url = f"/api/input/agent/{agent_id}/csv"
    assert http.post(url, content="x").status_code == 400
    assert http.post(url, params={"name": "input.xlsx"}, content="x").status_code == 400


def test_multipart_upload_accepts_csv_txt_and_the_contents_of_a_zip(http, state, agent_id):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("inner.csv", "a\r\n1\r\n")
    files = [
        ("filename", ("input2.csv", b"URL\r\n", "text/csv")),
        ("data", ("notes.txt", b"hello", "text/plain")),
        ("bundle", ("more.zip", packed.getvalue(), "application/zip")),
    ]
    assert http.post(f"/api/input/agent/{agent_id}/files", files=files).status_code == 200
    assert sorted(state.inputs(agent_id)) == ["inner.csv", "input2.csv", "notes.txt"]


@pytest.mark.parametrize("name", ["sheet.xlsx", "script.exe"])
def test_multipart_upload_refuses_other_file_types(http, state, agent_id, name):
    files = [("filename", (name, b"x", "application/octet-stream"))]
    assert http.post(f"/api/input/agent/{agent_id}/files", files=files).status_code == 400
    assert state.inputs(agent_id) == {}


def test_disabled_inputs_cannot_be_used_and_deleted_inputs_are_gone(http, state, agent_id):
    state.add_input(agent_id, "a.csv", b"x")
    assert http.post(f"/api/input/agent/{agent_id}/disable").status_code == 200
    start = f"/api/agent/{agent_id}/cluster/start"
    assert http.post(start, json={"inputFiles": ["a.csv"]}).status_code == 400
    assert http.delete(f"/api/input/agent/{agent_id}").status_code == 200
    assert state.inputs(agent_id) == {}


def test_inputs_marked_for_deletion_go_when_the_run_succeeds(http, clock, state, agent_id):
    state.add_input(agent_id, "a.csv", b"x")
    body = {"inputFiles": ["a.csv"], "isDeleteInputFilesOnCompleted": True}
    run_id = http.post(f"/api/agent/{agent_id}/cluster/start", json=body).json()[
        "agentRunHistoryIds"
    ][0]
    clock.advance(11)
    assert http.get(f"/api/run/{run_id}").json()["status"] == 4
    assert state.inputs(agent_id) == {}


@pytest.mark.parametrize(("flag", "approved"), [("False", True), ("True", False)])
def test_toggle_approval_records_the_message(http, state, agent_id, flag, approved):
    url = f"/api/agent/{agent_id}/toggleAgentApproval/{flag}"
    assert http.post(url, json="Checked by U123 in Slack").status_code == 200
    approval = state.approval(agent_id)
    assert (approval.approved, approval.messages) == (approved, ["Checked by U123 in Slack"])


def test_toggle_approval_body_must_be_a_json_string(http, state, agent_id):
    url = f"/api/agent/{agent_id}/toggleAgentApproval/False"
    assert http.post(url, json={"message": "x"}).status_code == 400
    assert http.post(url, content=b"plain text").status_code == 400
    assert state.approval(agent_id).messages == []


def test_server_check_reports_a_wrong_key_and_an_unknown_server(http, state):
    state.add_server("10.0.0.5", 8005, "secret-key", use_ssl=True)
    body = {"key": "wrong", "ipAddress": "10.0.0.5", "port": 8005, "useSsl": True}
    wrong = http.post("/api/server/check", json=body).json()
    assert wrong["isError"] is True and "key" in wrong["message"]
    right = http.post("/api/server/check", json={**body, "key": "secret-key"}).json()
    assert right["isError"] is False
    unknown = http.post("/api/server/check", json={**body, "ipAddress": "10.9.9.9"}).json()
    assert unknown["isError"] is True
    assert http.post("/api/server/check", json={"key": "k"}).status_code == 400


def test_a_test_can_take_a_server_offline_or_over_its_thresholds(http, state):
    state.add_server("10.0.0.6", 8004, "k6")
    body = {"key": "k6", "ipAddress": "10.0.0.6", "port": 8004, "serverRefresh": True}

    state.set_server("10.0.0.6", 8004, cpu_usages="100%, a:80%, p:100%", memory_threshold=80)
    busy = http.post("/api/server/check", json=body).json()
    assert busy["isError"] is False
    assert (busy["cpuUsages"], busy["cpuThreshold"]) == ("100%, a:80%, p:100%", 100)
    assert busy["memoryThreshold"] == 80

    state.set_server("10.0.0.6", 8004, online=False)
    down = http.post("/api/server/check", json=body).json()
    assert down["isError"] is True and "Unable to connect" in down["message"]

    state.set_server("10.0.0.6", 8004, online=True)
    assert http.post("/api/server/check", json=body).json()["isError"] is False
    with pytest.raises(KeyError):
        state.set_server("10.9.9.9", 8004, online=False)
