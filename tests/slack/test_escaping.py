"""Hostile text never becomes live markup: end to end over HTTP, what users type and what
ACC returns is escaped wherever the bot shows it; only the bot's own mentions are live."""

from __future__ import annotations

import json

from tests.support.bot import OPERATOR

QUICK = "sequentum/Test2/quick"
QUICK_ID = "a2f22850-7c88-4e05-a30a-004aa980ee6c"
HOSTILE = ("<!channel", "<!here", "<!everyone", "<https://evil", "<@U999", "<#C999")


def assert_nothing_live(text: str) -> None:
    for markup in HOSTILE:
        assert markup not in text, f"{markup!r} went out live in: {text}"


def message_texts(slack) -> list[str]:
    """The notification text and every block text of what the bot posted or answered."""
    texts = []
    for payload in [c.params for c in slack.calls] + slack.responses:
        texts.append(str(payload.get("text") or ""))
        blocks = payload.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        texts.append(json.dumps(blocks, ensure_ascii=False))
    return texts


def test_parameters_typed_as_mentions_and_links_are_posted_as_text(send, slack, acc):
    send.command(
        f"job start {QUICK} note=<!channel> link=<https://evil.example|log in> "
        "raw=&lt;!here&gt; who=&lt;@U999&gt;",
        user=OPERATOR,
        channel="COPS",
    )
    [post] = slack.wait_for("chat.postMessage")
    assert f"<@{OPERATOR}> started job run" in post.params["text"]  # the bot's own mention
    for text in message_texts(slack):
        assert_nothing_live(text)
    assert "raw=&lt;!here&gt;" in json.dumps(post.params["blocks"])  # shown, not pinged
    [started] = [r for r in acc.state.requests if r.path == f"/api/job/{QUICK_ID}/start"]
    params = json.loads(json.loads(started.body)["inputParameters"])
    assert params["raw"] == "<!here>"  # ACC gets what was typed, unchanged


def test_a_runs_message_inputs_and_log_lines_from_acc_are_escaped(send, slack, acc):
    run = acc.state.add_run(
        QUICK_ID,
        5,
        errors=1,
        status_message="Failed: <!channel> see <https://evil.example|the fix>",
        input_parameters={"<@U999>": "<!everyone>"},
        log_text="start\nError: <!here> <#C999> ```<https://evil.example|click>```\nend\n",
    )
    run_id = run["agentRunHistoryId"]
    send.command(f"run {run_id}", user=OPERATOR)
    send.command(f"log {run_id}", user=OPERATOR)
    slack.wait_for_response(count=2)
    shown = "\n".join(message_texts(slack))
    assert_nothing_live(shown)
    assert "&lt;!channel&gt;" in shown and "&lt;!here&gt;" in shown


def test_an_agent_path_typed_as_a_mention_is_not_echoed_live(send, slack):
    send.command("agent &lt;!channel&gt;/x", user=OPERATOR)
    [answer] = slack.wait_for_response()
    assert "&lt;!channel&gt;/x" in answer["text"]
    assert_nothing_live(answer["text"])
