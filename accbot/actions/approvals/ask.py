"""Asking for an approval: ``/acc request-approval`` makes a request, Slack posts its card.

The request is stored before the card is posted; the front end then says where the
card went (``card_posted``) or that it could not be posted (``card_not_posted``), so no
request waits forever for a card nobody can click.
"""

from __future__ import annotations

from accbot.actions.approvals.cards import ApprovalCard, RequestView
from accbot.actions.approvals.lookup import pending_for_agent
from accbot.actions.common import resolve_agent
from accbot.actions.context import Actor, Services
from accbot.actions.errors import InvalidInput, NotConfigured
from accbot.actions.handler import Progress
from accbot.actions.phrases import Code, say
from accbot.commands.model import RequestApproval
from accbot.store import approvals as stored

MAX_ERROR_CHARS = 500


def request_approval(
    command: RequestApproval,
    actor: Actor,
    services: Services,
    *,
    confirmed: bool = False,
    progress: Progress | None = None,
) -> ApprovalCard:
    if actor.source != "slack":
        raise InvalidInput(
            say(
                "An approval request is a card in Slack with Approve / Disapprove buttons: "
                "ask with ",
                Code("/acc request-approval"),
                " in Slack.",
            )  # fmt: skip
        )
    channel = services.settings.ACCBOT_APPROVAL_CHANNEL or actor.channel_id
    if not channel:
        raise NotConfigured(
            "Approval requests are posted in Slack: set ACCBOT_APPROVAL_CHANNEL, "
            "or ask from a Slack channel."
        )
    agent = resolve_agent(services, command.agent_path)
    runs = services.acc.get_run_history(agent.agent_id, count=1)
    for waiting in pending_for_agent(services, agent_id=agent.agent_id):
        if waiting.message_ts:
            raise InvalidInput(
                say(
                    Code(command.agent_path),
                    f" already waits for approval (request "
                    f"#{waiting.id}); approvers decide it on its card.",
                )  # fmt: skip
            )
    with services.db.session() as session:
        row = stored.create_request(
            session,
            agent_path=command.agent_path,
            agent_id=agent.agent_id,
            requested_by=actor.user_id,
            channel_id=channel,
            note=command.note,
            now=services.clock(),
        )
        request = RequestView.of(row)
    return ApprovalCard(
        request=request,
        summary=say(
            "asked for approval of ", Code(command.agent_path), f" (request #{request.id})"
        ),
        description=agent.description,
        latest_run=runs[0] if runs else None,
        portal_url=services.acc_link(),
    )


def card_posted(services: Services, request_id: int, channel_id: str, message_ts: str) -> None:
    """Remember where the card is, to update it in place once decided."""
    with services.db.session() as session:
        stored.set_message(session, request_id, channel_id, message_ts)


def card_not_posted(services: Services, request_id: int, error: str) -> None:
    """The card could not be posted: the request ends as failed (nobody can click it)."""
    with services.db.session() as session:
        stored.mark_failed(session, request_id, error[:MAX_ERROR_CHARS])
