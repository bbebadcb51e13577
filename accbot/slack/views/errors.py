"""How a failure reads in Slack: what went wrong and what to do, never a trace or token."""

from __future__ import annotations

import logging
import uuid

from accbot.acc import errors as backend
from accbot.actions.errors import ActionError
from accbot.commands.errors import CommandError
from accbot.slack.views import format as fmt
from accbot.slack.views.phrase import mrkdwn
from accbot.slack.views.sas import explain_sas_error

logger = logging.getLogger("accbot.slack")


def explain(exc: BaseException) -> str:
    if isinstance(exc, ActionError):
        return f":warning: {mrkdwn(exc.phrase)}"
    if isinstance(exc, CommandError):  # plain text that quotes what was typed
        return f":warning: {fmt.escape(exc)}"
    if isinstance(exc, backend.BackendResponseError) and exc.backend == "SAS":
        return explain_sas_error(exc)
    if isinstance(exc, backend.NotFound):
        # ACC's own words say which thing is missing ("No backup data stored for …")
        said = f" {exc.backend} says: {fmt.escape(exc.detail)}" if exc.detail else ""
        return f":mag: {exc.backend} has no {fmt.escape(exc.what)}.{said}"
    if isinstance(exc, backend.Unauthorized):
        return (
            f":lock: {exc.backend} refused accbot's access token: it is wrong or expired. "
            "An admin needs to update it (ACC web portal → Users → API Access)."
            if exc.backend == "ACC"
            else f":lock: {exc.backend} refused accbot's credentials: they are wrong or expired."
        )
    if isinstance(exc, backend.Forbidden):
        return f":no_entry: {exc.backend} says accbot's user may not do that. {fmt.escape(exc.message)}"
    if isinstance(exc, backend.BadRequest):
        return f":warning: {exc.backend} refused the request: {fmt.escape(exc.message)}"
    if isinstance(exc, backend.ServerError):
        return f":boom: {exc.backend} failed with an internal error ({exc.status_code}). Try again in a minute."
    if isinstance(exc, backend.BackendTimeout):
        return f":hourglass: {exc.backend} did not answer in time. It may be overloaded; try again shortly."
    if isinstance(exc, backend.BackendUnreachable):
        return f":electric_plug: {exc.backend} is unreachable right now (it may be down). Try again later."
    if isinstance(exc, backend.BackendError):
        return f":warning: {exc.backend}: {fmt.escape(exc.message)}"
    reference = uuid.uuid4().hex[:8]
    logger.error("unexpected error (reference %s)", reference, exc_info=exc)
    return f":warning: Something went wrong inside accbot (reference `{reference}`). It has been logged."
