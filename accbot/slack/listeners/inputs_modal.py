"""``/acc inputs add``: the form with a file input, and what happens on "Upload".

The command's action answers OpenModal; ``slack.results.open_inputs_modal`` shows the
form. On submission the ack checks what can be checked at once (files chosen, their
types) and shows errors in the form; the lazy work fetches the files from Slack and hands them to the
``inputs add`` upload action, which role-checks, uploads to ACC and audits.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from accbot.actions.context import Actor, Services
from accbot.actions.dispatch import authorize
from accbot.actions.errors import PermissionDenied
from accbot.actions.inputs import InputFiles, UploadInputs
from accbot.metrics import SLACK_REQUESTS
from accbot.slack import ids
from accbot.slack.delivery import respond_by_web_api, tell
from accbot.slack.files import FileFetchError, fetch_file
from accbot.slack.listeners.run import run_and_deliver
from accbot.slack.views import format as fmt
from accbot.slack.views.errors import explain
from accbot.slack.views.inputs import (
    FILES_ACTION,
    FILES_BLOCK,
    UploadTarget,
    submission_errors,
)

logger = logging.getLogger("accbot.slack")


def submitted_files(view: dict[str, Any]) -> list[dict[str, Any]]:
    values = (view.get("state") or {}).get("values") or {}
    state = (values.get(FILES_BLOCK) or {}).get(FILES_ACTION) or {}
    return [f for f in state.get("files") or [] if isinstance(f, dict) and f.get("id")]


def register(app: App, services: Services) -> None:
    def ack_upload(ack: Ack, view: dict[str, Any]) -> None:
        SLACK_REQUESTS.labels(kind="view").inc()
        errors = submission_errors([str(f.get("name") or f["id"]) for f in submitted_files(view)])
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def run_upload(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        files = submitted_files(view)
        if submission_errors([str(f.get("name") or f["id"]) for f in files]):
            return  # the form showed the errors and stayed open
        try:
            target = UploadTarget.loads(view.get("private_metadata") or "")
        except (ValueError, KeyError, TypeError):
            logger.warning("an inputs form came back without its metadata")
            user = Actor(user_id=body["user"]["id"])
            text = ":warning: That form lost track of its agent; run `/acc inputs add` again."
            tell(user, text, client=client, respond=None)
            return
        actor = Actor(
            user_id=body["user"]["id"],
            channel_id=target.channel_id,
            name=body["user"].get("username"),
        )
        respond = respond_by_web_api(actor, client)
        try:  # the role first: a viewer's submission must not make accbot download anything
            authorize(
                UploadInputs(target.agent_path, target.agent_id, InputFiles([])), actor, services
            )
        except PermissionDenied as exc:
            tell(actor, explain(exc), client=client, respond=None)
            return
        try:
            fetched = [fetch_file(client, f["id"]) for f in files]
        except FileFetchError as exc:
            tell(
                actor,
                f":warning: {fmt.escape(exc)}. Nothing was uploaded to ACC.",
                client=client,
                respond=None,
            )
            return
        command = UploadInputs(target.agent_path, target.agent_id, InputFiles(fetched))
        run_and_deliver(command, actor, services, client=client, respond=respond)

    app.view(ids.INPUTS_MODAL)(ack=ack_upload, lazy=[run_upload])
