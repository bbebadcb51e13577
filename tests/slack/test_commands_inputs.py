"""/acc inputs add (the form, the files fetched from Slack, the upload to ACC), inputs
clear (after Confirm) and inputs disable, end to end over HTTP."""

from __future__ import annotations

import io
import json
import zipfile

from accbot.slack import ids
from tests.slack.helpers import audit_rows, blocks_text, button_labels, buttons
from tests.support.bot import ADMIN, BOT_TOKEN, OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
TRIGGER_ID = "13345224609.738474920.8088930838d88f008e0"  # what SlackSender sends


def open_form(send, slack, *, user: str = OPERATOR, channel: str = "COPS") -> dict:
    send.command(f"inputs add {QUICK}", user=user, channel=channel)
    [opened] = slack.wait_for("views.open")
    return opened.params


def file_values(*files: dict) -> dict:
    """The form's state as Slack submits it: the file input's files."""
    return {"files": {"files": {"type": "file_input", "files": list(files)}}}


def submit(send, form: dict, *files: dict, user: str = OPERATOR):
    view = form["view"]
    return send.view_submission(
        view["callback_id"],
        file_values(*files),
        user=user,
        private_metadata=view["private_metadata"],
    )


def a_zip(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- inputs add ----------------------------------------------------------------------


def test_inputs_add_opens_a_form_with_a_file_input_for_csv_txt_and_zip(send, slack, acc, bot):
    form = open_form(send, slack)
    assert form["trigger_id"] == TRIGGER_ID
    view = form["view"]
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.INPUTS_MODAL
    [file_input] = [b["element"] for b in view["blocks"] if b["type"] == "input"]
    assert file_input["type"] == "file_input"
    assert file_input["filetypes"] == ["csv", "txt", "zip"]
    assert QUICK in json.dumps(view)
    assert acc.state.count_requests("POST", "/api/input/") == 0
    assert audit_rows(bot) == []  # nothing has changed yet
    assert slack.count("chat.postMessage") == 0


def test_submitted_files_are_fetched_from_slack_uploaded_to_acc_and_announced(
    send, slack, acc, bot
):
    form = open_form(send, slack, channel="COPS")
    first = slack.add_file("a.csv", b"URL\r\nhttps://example.com/1\r\n")
    second = slack.add_file("b.txt", b"hello")
    response = submit(send, form, first, second)
    assert response.status_code == 200
    assert response.text == ""  # acked: the form closes
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert (
        f"<@{OPERATOR}> uploaded input files a.csv, b.txt to agent `{QUICK}`" in post.params["text"]
    )
    stored = acc.state.inputs(QUICK_ID)
    assert stored["a.csv"].content == b"URL\r\nhttps://example.com/1\r\n"
    assert stored["b.txt"].content == b"hello"
    assert acc.state.count_requests("POST", f"/api/input/agent/{QUICK_ID}/files") == 1
    assert slack.count("files.info") == 2
    assert sorted(slack.downloads) == sorted([(first["id"], BOT_TOKEN), (second["id"], BOT_TOKEN)])
    [row] = audit_rows(bot)
    assert row[:3] == (OPERATOR, "inputs add", "ok")
    assert row[3]["files"] == "a.csv (28 bytes), b.txt (5 bytes)"  # names and sizes, no content


def test_a_zip_of_inputs_is_uploaded_as_it_is(send, slack, acc):
    form = open_form(send, slack)
    archive = slack.add_file("batch.zip", a_zip(**{"c.csv": "x\r\n1\r\n", "d.txt": "y"}))
    submit(send, form, archive)
    [post] = slack.wait_for("chat.postMessage")
    assert "uploaded input files batch.zip" in post.params["text"]
    assert set(acc.state.inputs(QUICK_ID)) == {"c.csv", "d.txt"}


def test_a_file_of_another_type_is_refused_in_the_form_and_nothing_is_fetched(send, slack, acc):
    form = open_form(send, slack)
    bad = slack.add_file("tool.exe", b"MZ")
    response = submit(send, form, bad)
    assert response.json() == {
        "response_action": "errors",
        "errors": {"files": "Only csv, txt and zip files: not tool.exe"},
    }
    assert slack.count("files.info") == 0
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_a_submission_without_files_keeps_the_form_open_with_an_error(send, slack):
    form = open_form(send, slack)
    response = submit(send, form)
    assert response.json()["errors"] == {"files": "Choose at least one file."}


def test_inputs_add_by_a_viewer_is_refused_and_no_form_opens(send, slack, acc, bot):
    send.command(f"inputs add {QUICK}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert slack.count("views.open") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(VIEWER, "inputs add", "refused")]


def test_a_submission_by_a_viewer_is_refused_too(send, slack, acc):
    form = open_form(send, slack)
    submit(send, form, slack.add_file("a.csv", b"x"), user=VIEWER)
    [told] = slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == VIEWER
    assert "operator" in told.params["text"]
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_inputs_add_for_an_unknown_agent_names_it_and_no_form_opens(send, slack):
    send.command("inputs add nobody/has/this", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "nobody/has/this" in answer["text"]
    assert slack.count("views.open") == 0


def test_an_expired_trigger_is_explained(send, slack):
    slack.fail_next("views.open", status=200, body={"ok": False, "error": "expired_trigger_id"})
    send.command(f"inputs add {QUICK}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "expired_trigger_id" in answer["text"]
    assert "run the command again" in answer["text"]


def test_a_file_slack_will_not_describe_is_reported_and_nothing_is_uploaded(send, slack, acc):
    form = open_form(send, slack)
    ghost = {"id": "F0GONE", "name": "gone.csv"}
    submit(send, form, ghost)
    [told] = slack.wait_for("chat.postEphemeral")
    assert told.params["channel"] == "COPS"
    assert "file_not_found" in told.params["text"]
    assert "Nothing was uploaded" in told.params["text"]
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_the_bot_token_goes_to_no_download_address_outside_slack(send, slack, acc):
    form = open_form(send, slack)
    planted = slack.add_file("a.csv", b"x")
    slack.files[planted["id"]]["url_private_download"] = "https://files.example.net/a.csv"
    submit(send, form, planted)
    [told] = slack.wait_for("chat.postEphemeral")
    assert "no download address for a.csv that accbot trusts" in told.params["text"]
    assert slack.downloads == []
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_acc_failing_the_upload_is_told_to_the_uploader_and_nothing_is_announced(
    send, slack, acc, bot
):
    form = open_form(send, slack)
    acc.state.fail_next(1, status=500)
    submit(send, form, slack.add_file("a.csv", b"x"))
    [told] = slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == OPERATOR
    assert "internal error (500)" in told.params["text"]
    assert slack.count("chat.postMessage") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "inputs add", "error")]


# --- inputs clear and disable --------------------------------------------------------


def test_inputs_clear_asks_for_confirm_then_deletes_once_confirmed(send, slack, acc, bot):
    acc.state.add_input(QUICK_ID, "a.csv", b"x")
    send.command(f"inputs clear {QUICK}", user=ADMIN, channel="COPS")
    [prompt] = slack.wait_for_response()
    assert prompt["response_type"] == "ephemeral"
    assert f"delete every input file of `{QUICK}`" in prompt["text"]
    assert button_labels(prompt) == ["Confirm", "Cancel"]
    assert acc.state.count_requests("DELETE", "/api/input/") == 0

    send.click(ids.CONFIRM_COMMAND, buttons(prompt)[0]["value"], user=ADMIN, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{ADMIN}> deleted the input files of `{QUICK}`" in post.params["text"]
    assert acc.state.count_requests("DELETE", f"/api/input/agent/{QUICK_ID}") == 1
    assert acc.state.inputs(QUICK_ID) == {}
    assert [r[:3] for r in audit_rows(bot)] == [(ADMIN, "inputs clear", "ok")]


def test_inputs_clear_needs_an_admin(send, slack, acc):
    send.command(f"inputs clear {QUICK}", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "admin" in answer["text"]
    assert "Confirm" not in blocks_text(answer)
    assert acc.state.count_requests("DELETE", "/api/") == 0


def test_inputs_disable_by_an_operator_disables_them_and_is_announced(send, slack, acc, bot):
    acc.state.add_input(QUICK_ID, "a.csv", b"x")
    send.command(f"inputs disable {QUICK}", user=OPERATOR, channel="COPS")
    [post] = slack.wait_for("chat.postMessage")
    assert f"<@{OPERATOR}> disabled the input files of `{QUICK}`" in post.params["text"]
    assert acc.state.inputs(QUICK_ID)["a.csv"].enabled is False
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "inputs disable", "ok")]


def test_inputs_disable_by_a_viewer_is_refused(send, slack, acc):
    send.command(f"inputs disable {QUICK}", user=VIEWER)
    [answer] = slack.wait_for_response()
    assert "operator" in answer["text"]
    assert acc.state.count_requests("POST", "/api/input/") == 0


def test_an_unknown_inputs_action_is_refused_in_the_ack(send, acc):
    response = send.command(f"inputs remove {QUICK}", user=ADMIN)
    assert "unknown inputs action 'remove'" in response.text
    assert acc.state.count_requests("GET", "/api/") == 0


def test_help_for_inputs_add_mentions_the_form_and_the_role(send):
    text = send.command("help inputs add").text
    assert "csv, txt, zip" in text and "Needs the operator role." in text


def test_a_viewers_form_submission_fetches_no_file_from_slack(send, slack, acc, bot):
    """The role is checked before any download: a viewer's form (one kept open from
    before their role was taken away, or forged) makes accbot fetch nothing."""
    form = open_form(send, slack, user=OPERATOR)
    file = slack.add_file("urls.csv", b"url\nhttps://example.com\n")
    submit(send, form, file, user=VIEWER)
    [refusal] = slack.wait_for("chat.postEphemeral")
    assert "operator" in refusal.params["text"]
    assert slack.count("files.info") == 0 and slack.downloads == []
    assert acc.state.count_requests("POST", "/api/input/") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(VIEWER, "inputs add", "refused")]
