"""The start form end to end over HTTP: opened by `/acc start --form`, by `/acc start`
with no path and by "Start…" on `/acc agent`; submitted, it starts the run in ACC and
announces it exactly like the typed command; bad fields are shown in the form."""

from __future__ import annotations

import json

from accbot.slack import ids
from tests.slack.helpers import audit_rows, buttons
from tests.support.bot import OPERATOR, VIEWER

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"


def open_form(send, slack, text: str, *, user: str = OPERATOR, channel: str = "COPS") -> dict:
    before = slack.count("views.open")
    send.command(text, user=user, channel=channel)
    return slack.wait_for("views.open", count=before + 1)[-1].params["view"]


def blocks_by_id(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def values(
    *,
    agent: str | None = None,
    params: str | None = None,
    chosen: list[str] | None = None,
    typed: str | None = None,
    level: str | None = None,
    options: list[str] | None = None,
) -> dict:
    """The form's state as Slack submits it."""
    state: dict = {
        "params": {"value": {"type": "plain_text_input", "value": params}},
        "other_files": {"value": {"type": "plain_text_input", "value": typed}},
        "log_level": {
            "value": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": level}, "value": level}
                if level is not None
                else None,
            }
        },
        "options": {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"value": o} for o in options or []],
            }
        },
    }
    if agent is not None:
        state["agent"] = {"value": {"type": "plain_text_input", "value": agent}}
    if chosen is not None:
        state["files"] = {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": c} for c in chosen],
            }
        }
    return state


def submit(send, view: dict, state: dict, *, user: str = OPERATOR):
    return send.view_submission(
        view["callback_id"], state, user=user, private_metadata=view["private_metadata"]
    )


def start_body(acc) -> dict:
    [request] = [r for r in acc.state.requests if r.path.endswith("/cluster/start")]
    return json.loads(request.body)


def upload_inputs(send, slack, *names: str) -> None:
    """Upload input files through accbot's own `/acc inputs add` form."""
    send.command(f"inputs add {QUICK}", user=OPERATOR, channel="COPS")
    [opened] = slack.wait_for("views.open")
    view = opened.params["view"]
    files = [slack.add_file(name, b"URL\r\nhttps://example.com/1\r\n") for name in names]
    send.view_submission(
        view["callback_id"],
        {"files": {"files": {"type": "file_input", "files": files}}},
        user=OPERATOR,
        private_metadata=view["private_metadata"],
    )
    slack.wait_for("chat.postMessage")


def test_start_with_form_opens_a_form_filled_in_with_the_typed_options(send, slack, acc, bot):
    view = open_form(send, slack, f'start {QUICK} city="New York" --log-level 2 --test --form')
    assert view["callback_id"] == ids.START_MODAL
    blocks = blocks_by_id(view)
    assert "agent" not in blocks  # the path was given
    assert QUICK in json.dumps(view["blocks"])
    assert blocks["params"]["element"]["initial_value"] == "city=New York"
    assert blocks["params"]["element"]["multiline"] is True
    assert blocks["log_level"]["element"]["initial_option"]["value"] == "2"
    assert [o["value"] for o in blocks["options"]["element"]["initial_options"]] == ["test"]
    assert acc.state.count_requests("POST", "/api/agent") == 0  # nothing started yet
    assert audit_rows(bot) == []


def test_submitting_the_form_starts_the_run_and_announces_it_like_the_command(
    send, slack, acc, bot
):
    view = open_form(send, slack, f"start {QUICK} --form", channel="COPS")
    response = submit(
        send, view, values(params="city=New York\nlimit = 10", level="3", options=["test", "multi"])
    )
    assert response.status_code == 200 and response.text == ""  # the form closes
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert post.params["text"] == f"<@{OPERATOR}> started a test run of `{QUICK}`"
    body = start_body(acc)
    assert json.loads(body["inputParameters"]) == {"city": "New York", "limit": "10"}
    assert body["logLevel"] == 3
    assert body["isProductionRun"] is False
    assert body["useMultipleSessions"] is True
    assert [r[:3] for r in audit_rows(bot)] == [(OPERATOR, "start", "ok")]


def test_the_typed_command_and_the_form_announce_the_same_text(send, slack, acc):
    send.command(f"start {QUICK}", user=OPERATOR, channel="COPS")
    [typed] = slack.wait_for("chat.postMessage")
    view = open_form(send, slack, f"start {QUICK} --form")
    submit(send, view, values())
    posts = slack.wait_for("chat.postMessage", count=2)
    assert posts[1].params["text"] == typed.params["text"]


def test_start_with_no_path_asks_for_it_and_an_unknown_path_is_shown_in_the_form(send, slack, acc):
    view = open_form(send, slack, "start")
    blocks = blocks_by_id(view)
    assert blocks["agent"]["element"]["type"] == "plain_text_input"
    response = submit(send, view, values(agent="nobody/has/this"))
    assert response.json() == {
        "response_action": "errors",
        "errors": {"agent": "ACC has no agent at nobody/has/this."},
    }
    assert acc.state.count_requests("POST", "/api/agent") == 0

    response = submit(send, view, values(agent=QUICK))
    assert response.text == ""
    [post] = slack.wait_for("chat.postMessage")
    assert f"started a run of `{QUICK}`" in post.params["text"]


def test_malformed_parameter_lines_are_shown_under_the_field_and_nothing_starts(send, slack, acc):
    view = open_form(send, slack, f"start {QUICK} --form")
    response = submit(send, view, values(params="city=Paris\nmy city=x"))
    assert response.json() == {
        "response_action": "errors",
        "errors": {"params": "line 2: 'my city' is not a valid parameter name (no spaces allowed)"},
    }
    response = submit(send, view, values(params="a=1\na=2", agent=None, typed="a.csv,,b.csv"))
    assert response.json()["errors"] == {
        "params": "line 2: parameter 'a' given twice",
        "other_files": "A file name is empty: separate names with commas.",
    }
    assert acc.state.count_requests("POST", "/api/agent") == 0


def test_the_form_offers_the_input_files_uploaded_through_accbot(send, slack, acc):
    upload_inputs(send, slack, "urls.csv", "more.txt")
    view = open_form(send, slack, f"start {QUICK} --form")
    offered = blocks_by_id(view)["files"]["element"]
    assert offered["type"] == "multi_static_select"
    assert sorted(o["value"] for o in offered["options"]) == ["more.txt", "urls.csv"]
    submit(send, view, values(chosen=["urls.csv"]))
    slack.wait_for("chat.postMessage", count=2)
    assert start_body(acc)["inputFiles"] == ["urls.csv"]


def test_without_uploads_the_form_takes_file_names_typed_in(send, slack, acc):
    acc.state.add_input(QUICK_ID, "by-portal.csv", b"x")  # uploaded outside accbot
    view = open_form(send, slack, f"start {QUICK} --form")
    assert "files" not in blocks_by_id(view)
    submit(send, view, values(typed="by-portal.csv"))
    slack.wait_for("chat.postMessage")
    assert start_body(acc)["inputFiles"] == ["by-portal.csv"]


def test_the_agent_card_has_a_start_button_that_opens_the_form(send, slack, acc):
    send.command(f"agent {QUICK}", user=OPERATOR, channel="COPS")
    [card] = slack.wait_for_response()
    [start] = [b for b in buttons(card) if b["text"]["text"] == "Start…"]
    assert start["value"] == QUICK
    send.click(ids.AGENT_START, start["value"], user=OPERATOR, channel="COPS")
    [opened] = slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == ids.START_MODAL
    submit(send, view, values())
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "COPS"
    assert f"<@{OPERATOR}> started a run of `{QUICK}`" == post.params["text"]


def test_viewers_see_no_start_button_and_get_no_form(send, slack, acc, bot):
    send.command(f"agent {QUICK}", user=VIEWER)
    [card] = slack.wait_for_response()
    assert "Start…" not in [b["text"]["text"] for b in buttons(card)]
    send.command(f"start {QUICK} --form", user=VIEWER)
    answers = slack.wait_for_response(count=2)
    assert "operator" in answers[1]["text"]
    send.click(ids.AGENT_START, QUICK, user=VIEWER)
    answers = slack.wait_for_response(count=3)
    assert "operator" in answers[2]["text"]
    assert slack.count("views.open") == 0


def test_a_form_submitted_by_someone_who_lost_the_role_is_refused(send, slack, acc, bot):
    view = open_form(send, slack, f"start {QUICK} --form")
    submit(send, view, values(), user=VIEWER)
    [told] = slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == VIEWER and "operator" in told.params["text"]
    assert acc.state.count_requests("POST", "/api/agent") == 0
    assert [r[:3] for r in audit_rows(bot)] == [(VIEWER, "start", "refused")]


def test_a_path_alone_still_starts_at_once_without_a_form(send, slack, acc):
    send.command(f"start {QUICK}", user=OPERATOR, channel="COPS")
    slack.wait_for("chat.postMessage")
    assert slack.count("views.open") == 0


def test_help_for_start_describes_the_form(send):
    text = send.command("help start").text
    assert "--form" in text and "one k=v a line" in text


def test_after_inputs_clear_the_form_offers_no_files(send, slack, acc):
    from tests.support.bot import ADMIN

    upload_inputs(send, slack, "urls.csv")
    send.command(f"inputs clear {QUICK}", user=ADMIN, channel="COPS")
    [prompt] = slack.wait_for_response()
    send.click(ids.CONFIRM_COMMAND, buttons(prompt)[0]["value"], user=ADMIN, channel="COPS")
    slack.wait_for("chat.postMessage", count=2)
    view = open_form(send, slack, f"start {QUICK} --form")
    assert "files" not in blocks_by_id(view)
