"""Block Kit and wording for approvals: the request card in each of its states, the
decision form, and the short messages around them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from accbot.actions.approvals.cards import ApprovalCard, ApprovalDecision, RequestView
from accbot.actions.approvals.commands import acc_message
from accbot.actions.approvals.refusals import AlreadyDecided
from accbot.actions.context import Actor
from accbot.slack import ids
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import channel, mrkdwn, user
from accbot.slack.views.reply import Reply
from accbot.slack.views.runs import run_line

MESSAGE_BLOCK = "approval_message"
MESSAGE_ACTION = "message"
MAX_MESSAGE_CHARS = 2000  # what ACC gets, written to its File Logs
MAX_DESCRIPTION_CHARS = 600
MAX_NOTE_CHARS = 500

STATE_WORDS = {"approved": "Approved", "disapproved": "Disapproved"}
STATE_ICONS = {"approved": ":white_check_mark:", "disapproved": ":no_entry:"}


# --- the card ---------------------------------------------------------------------------


def card_text(request: RequestView) -> str:
    """The card's notification text (and what screen readers read)."""
    if request.state in STATE_WORDS:
        return (
            f"{fmt.escape(request.agent_path)}: {request.state} by {user(request.decided_by or '')}"
        )
    return f"{user(request.requested_by)} asks for approval of {fmt.escape(request.agent_path)}"


def card_blocks(card: ApprovalCard) -> list[Block]:
    request = card.request
    description = (
        fmt.escape(fmt.truncate(card.description, MAX_DESCRIPTION_CHARS))
        if card.description
        else "_No description_"
    )
    note = fmt.escape(fmt.truncate(request.note, MAX_NOTE_CHARS)) if request.note else "_None_"
    if card.details_error:
        latest = f"_Could not be read from ACC just now ({fmt.escape(card.details_error)})_"
    elif card.latest_run is not None:
        latest = run_line(card.latest_run)
    else:
        latest = "_Never run_"
    footer = f"Request #{request.id} · asked {fmt.when(request.created_at)}"
    if card.portal_url:
        footer += f" · {fmt.link(card.portal_url, 'Open ACC')}"
    blocks: list[Block] = [
        HeaderBlock(text=fmt.plain(f"Approval requested: {request.agent_path}", 150)),
        SectionBlock(
            text=fmt.truncate(f"`{fmt.escape(request.agent_path)}`\n{description}", 3000),
            fields=[
                MarkdownTextObject(text=f"*Requested by*\n{user(request.requested_by)}"),
                MarkdownTextObject(text=f"*Note*\n{note}"),
            ],
        ),
        SectionBlock(text=fmt.truncate(f"*Latest run*\n{latest}", 3000)),
        ContextBlock(elements=[MarkdownTextObject(text=footer)]),
    ]
    return blocks + _state_blocks(request)


def _state_blocks(request: RequestView) -> list[Block]:
    if request.state in STATE_WORDS:
        line = (
            f"{STATE_ICONS[request.state]} {STATE_WORDS[request.state]} by "
            f"{user(request.decided_by or '')} at {fmt.when(request.decided_at)}"
        )
        blocks: list[Block] = [SectionBlock(text=line)]
        if request.decision_message:
            quoted = fmt.escape(fmt.truncate(request.decision_message, 2900))
            blocks.append(
                ContextBlock(elements=[MarkdownTextObject(text=f"ACC logged: “{quoted}”")])
            )
        return blocks
    if request.state == "failed":
        error = fmt.escape(fmt.truncate(request.error or "unknown error", 2900))
        return [SectionBlock(text=f":warning: This request could not be completed: {error}")]
    # Pending: the buttons. A decision ACC refused never changed the card, so it still
    # shows them; the error is kept with the request and told to the approver.
    value = str(request.id)
    return [
        ActionsBlock(
            block_id=f"approval:{request.id}",
            elements=[
                ButtonElement(
                    text="Approve", action_id=ids.APPROVAL_APPROVE, value=value, style="primary"
                ),
                ButtonElement(
                    text="Disapprove",
                    action_id=ids.APPROVAL_DISAPPROVE,
                    value=value,
                    style="danger",
                ),
            ],
        )
    ]


def render_card(card: ApprovalCard, actor: Actor) -> Reply:
    return Reply(text=card_text(card.request), blocks=card_blocks(card), announce=True)


def render_decision(decision: ApprovalDecision, actor: Actor) -> Reply:
    icon = STATE_ICONS["approved" if decision.approved else "disapproved"]
    text = f"{icon} {user(decision.decided_by)} {mrkdwn(decision.summary)}"
    quoted = fmt.escape(fmt.truncate(decision.message, 2900))
    blocks: list[Block] = [
        SectionBlock(text=fmt.truncate(text, 3000)),
        ContextBlock(elements=[MarkdownTextObject(text=f"ACC logged: “{quoted}”")]),
    ]
    return Reply(text=text, blocks=blocks, announce=True)


# --- around the card --------------------------------------------------------------------


def sent_text(card: ApprovalCard, channel_id: str, permalink: str | None) -> str:
    where = fmt.link(permalink, "the request") if permalink else "the request"
    return (
        f":inbox_tray: Sent `{fmt.escape(card.request.agent_path)}` for approval in "
        f"{channel(channel_id)}: see {where}. You will be mentioned in its thread once it is decided."
    )


def not_posted_text(channel_id: str, error: str | None) -> str:
    return (
        f":warning: Could not post the approval request in {channel(channel_id)} ({fmt.escape(error)}). "
        "Invite accbot to that channel (`/invite @accbot`) and ask again."
    )


def thread_reply_text(decision: ApprovalDecision, request: RequestView) -> str:
    verb = "approved" if decision.approved else "disapproved"
    quoted = fmt.escape(fmt.truncate(decision.message, 2900))
    return (
        f"{user(request.requested_by)} `{fmt.escape(request.agent_path)}` was {verb} by "
        f"{user(decision.decided_by)} at {fmt.when(decision.decided_at)}.\n> {quoted}"
    )


def already_decided_text(exc: AlreadyDecided) -> str:
    request = exc.request
    path = fmt.escape(request.agent_path)
    if exc.in_flight:
        return (
            f":hourglass_flowing_sand: {user(request.decided_by or '')} is deciding `{path}` right now "
            "(ACC has not answered yet); the card will show the outcome."
        )
    if request.state in STATE_WORDS:
        return (
            f":information_source: {user(request.decided_by or '')} already {request.state} `{path}` "
            f"at {fmt.when(request.decided_at)} (request #{request.id}); nothing more was sent to ACC."
        )
    return f":warning: {mrkdwn(exc.phrase)}"


ACC_FAILED_SUFFIX = (
    "\nNothing was approved or disapproved: the request is still pending and its buttons "
    "stay. Try again once ACC answers."
)


def open_failed_text(error: str | None) -> str:
    return f":warning: Slack would not open the form ({fmt.escape(error)}). Click the button again."


# --- the form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionTarget:
    """What a decision form decides; it travels in the form's private_metadata."""

    approve: bool
    channel_id: str | None = None
    response_url: str | None = None
    request_id: int | None = None
    agent_path: str | None = None
    # Clicked on the App Home: once decided, the approver's Home is drawn again.
    from_home: bool = False

    def dumps(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        if not self.from_home:
            del data["from_home"]
        return json.dumps(data)

    @classmethod
    def loads(cls, text: str) -> DecisionTarget:
        data = json.loads(text)
        request_id = data.get("request_id")
        return cls(
            approve=bool(data["approve"]),
            channel_id=data.get("channel_id"),
            response_url=data.get("response_url"),
            request_id=int(request_id) if request_id is not None else None,
            agent_path=data.get("agent_path"),
            from_home=bool(data.get("from_home")),
        )


def decision_modal(
    target: DecisionTarget,
    *,
    agent_path: str,
    name: str,
    requested_by: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Approve: the message for ACC, prefilled and editable. Disapprove: a reason, required."""
    verb = "Approve" if target.approve else "Disapprove"
    lines = [f"*{verb}* `{fmt.escape(agent_path)}`"]
    if requested_by:
        lines.append(
            f"Requested by {user(requested_by)}" + (f": {fmt.escape(note)}" if note else "")
        )
    if target.approve:
        field = InputBlock(
            block_id=MESSAGE_BLOCK,
            label="Message for ACC's File Logs",
            element=PlainTextInputElement(
                action_id=MESSAGE_ACTION,
                multiline=True,
                max_length=MAX_MESSAGE_CHARS,
                initial_value=fmt.truncate(acc_message(True, name, note), MAX_MESSAGE_CHARS),
            ),
            optional=True,
        )
    else:
        field = InputBlock(
            block_id=MESSAGE_BLOCK,
            label="Why is it disapproved?",
            element=PlainTextInputElement(
                action_id=MESSAGE_ACTION,
                multiline=True,
                max_length=MAX_MESSAGE_CHARS - 100,
                placeholder="e.g. selectors broke on the new site",
            ),
            hint=f"ACC's File Logs will read: {acc_message(False, name, '<your reason>')}",
            optional=False,
        )
    return View(
        type="modal",
        callback_id=ids.APPROVAL_MODAL,
        title=f"{verb} agent",
        submit=verb,
        close="Cancel",
        private_metadata=target.dumps(),
        blocks=[SectionBlock(text=fmt.truncate("\n".join(lines), 3000)), field],
    ).to_dict()


def submitted_text(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    state = (values.get(MESSAGE_BLOCK) or {}).get(MESSAGE_ACTION) or {}
    return str(state.get("value") or "")


def submission_errors(target: DecisionTarget, text: str) -> dict[str, str] | None:
    if not target.approve and not text.strip():
        return {MESSAGE_BLOCK: "Say why it is disapproved: the reason goes to ACC."}
    return None


def final_message(target: DecisionTarget, text: str, name: str) -> str:
    """What ACC gets: the approval message as edited (or the default), or the reason
    behind who disapproved."""
    if target.approve:
        return text.strip() or acc_message(True, name)
    return acc_message(False, name, text)
