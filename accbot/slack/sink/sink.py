"""SlackSink: the watcher's events as Slack messages.

Each event is rendered by ``slack.views.alerts`` and posted once: alerts, digests,
outage notices at the top of the channel; a digest's run lists, log excerpts and
"recovered" replies and escalations in the thread they belong to. A recovery also marks each recovered
failure's own message; Slack refusing that for good is logged and the reply still goes.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient

from accbot.slack.sink.poster import Poster, unpaced_client
from accbot.slack.views import alerts as views
from accbot.watcher.events import (
    AlertPost,
    DigestPage,
    DigestPost,
    EscalationPost,
    Event,
    LagNotice,
    LogExcerptPost,
    OutageNotice,
    RecoveryPost,
)
from accbot.watcher.sink import Pace, SinkError

logger = logging.getLogger("accbot.watcher")

# Slack: about one chat.postMessage a second per channel, short bursts allowed. A little
# under one a second, so that two posts that reach Slack closer together than they left
# (network jitter) are not answered 429.
SLACK_PACE = Pace(per_second=0.95, burst=4)


class SlackSink:
    pace: Pace | None = SLACK_PACE

    def __init__(self, client: WebClient, *, pace: Pace | None = SLACK_PACE) -> None:
        self.poster = Poster(unpaced_client(client))
        self.pace = pace

    def post(self, event: Event) -> str:
        match event:
            case AlertPost():
                return self.poster.post(
                    event.channel, views.render_alert(event.alert), key=event.key
                )
            case DigestPost():
                return self.poster.post(event.channel, views.render_digest(event), key=event.key)
            case DigestPage():
                message = views.render_digest_page(event)
                return self.poster.post(
                    event.channel, message, thread_ts=event.thread, key=event.key
                )
            case LogExcerptPost():
                message = views.render_log_excerpt(event)
                return self.poster.post(event.channel, message, thread_ts=event.thread)
            case RecoveryPost():
                return self._recover(event)
            case EscalationPost():
                message = views.render_escalation(event)
                return self.poster.post(
                    event.channel, message, thread_ts=event.thread, key=event.key
                )
            case OutageNotice():
                return self.poster.post(event.channel, views.render_outage(event))
            case LagNotice():
                return self.poster.post(event.channel, views.render_lag(event))
        raise TypeError(f"SlackSink cannot post {type(event).__name__}")

    def find_posted(
        self, channel: str, *, since: datetime, thread: str | None = None
    ) -> dict[str, str]:
        return self.poster.find_keys(channel, since=since, thread=thread)

    def _recover(self, event: RecoveryPost) -> str:
        for ts, alert in event.originals:
            try:
                self.poster.update(
                    event.channel, ts, views.render_recovered_original(alert, event.note)
                )
            except SinkError as exc:
                if exc.transient:
                    raise
                logger.warning("watcher: could not mark %s recovered: %s", ts, exc)
        reply = views.render_recovered_reply(event.note)
        return self.poster.post(event.channel, reply, thread_ts=event.thread)
