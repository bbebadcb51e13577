"""/acc inputs csv end to end over HTTP: the form, the rows posted as plain text to
ACC's api/input/agent/{id}/csv, refusals shown in the form, roles and the audit log."""

from __future__ import annotations

from accbot.commands.model import MAX_CSV_CHARS
from accbot.slack import ids
from tests.slack.helpers import audit_rows
from tests.support.bot import OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
ROWS = "URL\r\nhttp://www.sequentum.com\r\nhttp://www.sequentum.com/help\r\n"


def open_form(send, slack, text: str = f"inputs csv {QUICK}", *, user: str = OPERATOR) -> dict:
    before = slack.count("views.open")
    send.command(text, user=user, channel="COPS")
    return slack.wait_for("views.open", count=before + 1)[-1].params["view"]


def submit(send, view: dict, name: str | None, rows: str | None, *, user: str = OPERATOR):
    state = {
        "name": {"value": {"type": "plain_text_input", "value": name}},
        "rows": {"value": {"type": "plain_text_input", "value": rows}},
    }
    return send.view_submission(
        view["callback_id"], state, user=user, private_metadata=view["private_metadata"]
    )


def test_inputs_csv_opens_a_form_with_a_name_and_a_multiline_field(send, slack, acc, bot):
    view = open_form(send, slack, f"inputs csv {QUICK} urls.csv")
    assert view["callback_id"] == ids.CSV_MODAL
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["name"]["initial_value"] == "urls.csv"
    assert inputs["rows"]["multiline"] is True
    assert inputs["rows"]["max_length"] == MAX_CSV_CHARS
    assert acc.state.count_requests("POST", "/api/input/") == 0
    assert audit_rows(bot) == []


def test_the_name_defaults_to_input_csv(send, slack):
    view = open_form(send, slack)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["name"]["initial_value"] == "input.csv"


def test_submitted_rows_reach_acc_as_plain_text_and_the_upload_is_announced(send, slack, acc, bot):
    view = open_form(send, slack)
    response = submit(send, view, "urls.csv", ROWS)
    assert response.status_code == 200 and response.text == ""
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert post.params["text"] == (
        f"<@{OPERATOR}> uploaded CSV input data `urls.csv` (3 rows) to agent `{QUICK}`"
    )
    [request] = [r for r in acc.state.requests if r.path.endswith("/csv")]
    assert request.path == f"/api/input/agent/{QUICK_ID}/csv"
    assert request.query == {"name": "urls.csv"}
    assert request.content_type.startswith("text/plain")
    assert acc.state.inputs(QUICK_ID)["urls.csv"].content == ROWS.encode()
    [row] = audit_rows(bot)
    assert row[:3] == (OPERATOR, "inputs csv", "ok")
    assert row[3]["csv"] == f"3 rows, {len(ROWS)} characters"  # the size, never the rows
    assert "sequentum.com" not in str(row)


def test_the_start_form_then_offers_the_uploaded_csv(send, slack, acc):
    submit(send, open_form(send, slack), "urls.csv", ROWS)
    slack.wait_for("chat.postMessage")
    send.command(f"start {QUICK} --form", user=OPERATOR, channel="COPS")
    view = slack.wait_for("views.open", count=2)[-1].params["view"]
    [files] = [b for b in view["blocks"] if b.get("block_id") == "files"]
    assert [o["value"] for o in files["element"]["options"]] == ["urls.csv"]


def test_empty_rows_are_refused_in_the_form(send, slack, acc):
    view = open_form(send, slack)
    for rows in (None, "  \n\n "):
        response = submit(send, view, "urls.csv", rows)
        assert response.json() == {
            "response_action": "errors",
            "errors": {"rows": "The CSV is empty: paste at least one row."},
        }
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_over_large_rows_are_refused_in_the_form_with_the_limit(send, slack, acc):
    view = open_form(send, slack)
    response = submit(send, view, "urls.csv", "x\n" * (MAX_CSV_CHARS // 2 + 1))
    [error] = response.json()["errors"].values()
    assert "3,002 characters; at most 3,000" in error
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_a_name_that_is_no_csv_file_is_refused_in_the_form(send, slack, acc):
    view = open_form(send, slack)
    response = submit(send, view, "../etc/x.csv", ROWS)
    assert response.json()["errors"] == {
        "name": "'../etc/x.csv' is not a plain file name (no folders)"
    }
    response = submit(send, view, "rows.txt", ROWS)
    assert response.json()["errors"] == {"name": "'rows.txt' does not end with .csv"}
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_a_bad_name_on_the_command_line_is_refused_in_the_ack(send, acc):
    response = send.command(f"inputs csv {QUICK} rows.txt", user=OPERATOR)
    assert "'rows.txt' does not end with .csv" in response.text
    assert acc.state.count_requests("GET", "/api/") == 0


def test_viewers_get_no_form_and_cannot_submit_one(send, slack, acc, bot):
    send.command(f"inputs csv {QUICK}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert slack.count("views.open") == 0
    view = open_form(send, slack)
    submit(send, view, "urls.csv", ROWS, user=VIEWER)
    [told] = slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == VIEWER and "operator" in told.params["text"]
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_an_unknown_agent_is_named_and_no_form_opens(send, slack):
    send.command("inputs csv nobody/has/this", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]
    assert slack.count("views.open") == 0


def test_acc_refusing_the_rows_is_told_to_the_uploader_and_nothing_is_announced(
    send, slack, acc, bot
):
    view = open_form(send, slack)
    acc.state.fail_next(1, status=500)
    submit(send, view, "urls.csv", ROWS)
    [told] = slack.wait_for("chat.postEphemeral")
    assert "internal error (500)" in told.params["text"]
    assert slack.count("chat.postMessage") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "inputs csv", "error")]


def test_names_and_paths_in_the_announcement_are_escaped(send, slack, acc):
    acc.state.add_agent("ops/<!channel>&co", "11111111-2222-3333-4444-555555555555")
    view = open_form(
        send, slack, 'inputs csv "ops/&lt;!channel&gt;&amp;co" a&lt;b&gt;.csv'
    )  # as Slack sends it
    submit(send, view, "a<b>.csv", ROWS)
    [post] = slack.wait_for("chat.postMessage")
    assert "`a&lt;b&gt;.csv`" in post.params["text"]
    assert "ops/&lt;!channel&gt;&amp;co" in post.params["text"]
    assert "<!channel>" not in str(post.params["blocks"])


def test_help_for_inputs_csv_names_the_limit_and_the_role(send):
    text = send.command("help inputs csv").text
    assert "3,000 characters" in text and "Needs the operator role." in text
