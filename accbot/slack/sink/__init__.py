"""Slack's sink for the watcher: its events rendered with ``slack.views.alerts`` and posted.

poster.py  the Web API calls (post, reply, update, find by message metadata), errors
           mapped to the watcher's SinkError / RateLimited
sink.py    SlackSink: one event -> one message, at Slack's pace of one post a second
           per channel (bursts of four)
"""

from accbot.slack.sink.sink import SlackSink

__all__ = ["SlackSink"]
