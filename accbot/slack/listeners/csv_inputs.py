"""``/acc inputs csv``: the form to paste CSV rows, and what happens on "Upload".

The ack refuses what can be judged at once (a bad file name, empty or over-large rows)
under the fields; the lazy work hands the rows to the ``inputs csv`` upload action, which
role-checks, posts them to ``api/input/agent/{id}/csv`` and audits.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from accbot.actions.context import Actor, Services
from accbot.actions.csv_inputs import CsvText, UploadCsvInput, csv_problem
from accbot.commands.parser import csv_name_problem
from accbot.metrics import SLACK_REQUESTS
from accbot.slack import ids
from accbot.slack.delivery import respond_by_web_api, tell
from accbot.slack.listeners.run import run_and_deliver
from accbot.slack.views.csv_inputs import submission_errors, submitted
from accbot.slack.views.inputs import UploadTarget

logger = logging.getLogger("accbot.slack")


def _errors(view: dict[str, Any]) -> dict[str, str]:
    name, rows = submitted(view)
    return submission_errors(csv_name_problem(name), csv_problem(rows))


def register(app: App, services: Services) -> None:
    def ack_csv(ack: Ack, view: dict[str, Any]) -> None:
        SLACK_REQUESTS.labels(kind="view").inc()
        errors = _errors(view)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def run_csv(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        if _errors(view):
            return  # the form showed the errors and stayed open
        user = body["user"]
        try:
            target = UploadTarget.loads(view.get("private_metadata") or "")
        except (ValueError, KeyError, TypeError):
            logger.warning("a CSV form came back without its metadata")
            text = ":warning: That form lost track of its agent; run `/acc inputs csv` again."
            tell(Actor(user_id=user["id"]), text, client=client, respond=None)
            return
        actor = Actor(user_id=user["id"], channel_id=target.channel_id, name=user.get("username"))
        name, rows = submitted(view)
        command = UploadCsvInput(target.agent_path, target.agent_id, name, CsvText(rows))
        run_and_deliver(
            command, actor, services, client=client, respond=respond_by_web_api(actor, client)
        )

    app.view(ids.CSV_MODAL)(ack=ack_csv, lazy=[run_csv])
