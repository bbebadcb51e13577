"""A fake Slack Web API on a loopback socket that records every call.

The bot's WebClient is pointed at it through SLACK_API_URL, exactly as in production,
so tests exercise slack-sdk's real request building, retries and files_upload_v2 flow.
It also serves response_url endpoints (``/respond/<id>``) so `respond()` is observable,
and files shared with the bot (``add_file``): ``files.info`` describes them and their
``url_private_download`` serves the bytes to a request that carries a bearer token.
Like bolt-python's own test server, it counts calls per method.

``FakeSlack(limit=SLACK_LIMIT)`` enforces Slack's pace for ``chat.postMessage``: per
channel, a burst of four, then one a second; a post beyond it is answered 429 with
``Retry-After`` (whole seconds, as Slack sends it) and not stored.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass(frozen=True)
class PostLimit:
    """``burst`` posts at once per channel, then ``per_second``."""

    per_second: float = 1.0
    burst: int = 4


SLACK_LIMIT = PostLimit()


class _Bucket:
    def __init__(self, limit: PostLimit) -> None:
        self.limit = limit
        self.tokens = float(limit.burst)
        self.updated = time.monotonic()

    def take(self) -> float:
        """0 when a post may go now (and counts it), else the seconds until one may."""
        now = time.monotonic()
        self.tokens = min(
            float(self.limit.burst), self.tokens + (now - self.updated) * self.limit.per_second
        )
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.limit.per_second


@dataclass
class SlackCall:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class StoredMessage:
    channel: str
    ts: str
    text: str | None
    blocks: Any
    metadata: Any
    thread_ts: str | None
    user: str = "UBOT"
    bot_id: str = "BBOT"

    def as_history_item(self, include_metadata: bool) -> dict[str, Any]:
        item: dict[str, Any] = {
            "type": "message",
            "ts": self.ts,
            "text": self.text or "",
            "user": self.user,
            "bot_id": self.bot_id,
        }
        if self.blocks:
            item["blocks"] = self.blocks
        if self.thread_ts:
            item["thread_ts"] = self.thread_ts
        if include_metadata and self.metadata:
            item["metadata"] = self.metadata
        return item


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in ("blocks", "attachments", "metadata", "view", "files"):
        value = params.get(key)
        if isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                pass
    return params


class FakeSlack:
    """Start with ``with FakeSlack() as slack: slack.api_url``."""

    def __init__(self, *, limit: PostLimit | None = None) -> None:
        self.limit = limit
        self.rate_limited: list[SlackCall] = []  # posts answered 429 by the limit
        self._buckets: dict[str, _Bucket] = {}
        self.calls: list[SlackCall] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        self.messages: list[StoredMessage] = []
        self.uploads: dict[str, bytes] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.team_id = "T0TEST"  # the bot token's workspace, as auth.test tells it
        self.users: dict[str, dict[str, Any]] = {}  # users.info's "user", by id
        self.channels: dict[str, str] = {}  # conversations.info/.list: channel id -> name
        self.channel_page_size = 100  # conversations.list: channels per page at most
        self.files: dict[str, dict[str, Any]] = {}  # file id -> files.info's "file"
        self.file_contents: dict[str, bytes] = {}
        self.downloads: list[tuple[str, str | None]] = []  # (file id, bearer token)
        self._failures: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------
    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                fake._handle(self)

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/respond/{name}"

    # ---- scripting -------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        count: int = 1,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with an HTTP error."""
        if status == 429 and headers is None:
            headers = {"Retry-After": "1"}
        with self._lock:
            self._failures.setdefault(method, []).extend(
                [(status, headers or {}, body or {"ok": False, "error": "ratelimited"})] * count
            )

    def add_file(self, name: str, content: bytes, *, filetype: str | None = None) -> dict[str, Any]:
        """A file a user uploaded (e.g. in a modal's file input); returns its file object."""
        file_id = f"F{next(self._ids):06d}"
        url = f"{self.base_url}/files-pri/T0TEST-{file_id}/download/{name}"
        file = {
            "id": file_id,
            "name": name,
            "title": name,
            "filetype": filetype or name.rsplit(".", 1)[-1].lower(),
            "size": len(content),
            "url_private": url.replace("/download/", "/"),
            "url_private_download": url,
        }
        with self._lock:
            self.files[file_id] = file
            self.file_contents[file_id] = content
        return dict(file)

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str | None = None,
        guest: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        """A person as users.info describes them: of ``team_id`` (default: the bot's
        workspace), a ``"multi"``- or ``"single"``-channel guest, in an Enterprise org."""
        user: dict[str, Any] = {
            "id": user_id,
            "name": user_id.lower(),
            "team_id": team_id or self.team_id,
            "is_restricted": guest in ("multi", "single"),
            "is_ultra_restricted": guest == "single",
        }
        if enterprise_id:
            user["enterprise_user"] = {"enterprise_id": enterprise_id, "id": user_id}
        with self._lock:
            self.users[user_id] = user

    # ---- queries ---------------------------------------------------------------
    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def count(self, method: str) -> int:
        return len(self.calls_to(method))

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Block until ``method`` was called ``count`` times; the lazy listeners are threads."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; seen: {seen}"
                    )
                self._cond.wait(left)

    def wait_for_response(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.responses) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} response_url post(s), got {len(self.responses)}; "
                        f"calls: {sorted({c.method for c in self.calls})}"
                    )
                self._cond.wait(left)
            return list(self.responses)

    def channel_messages(self, channel: str) -> list[StoredMessage]:
        with self._lock:
            return [m for m in self.messages if m.channel == channel]

    def all_text(self) -> str:
        """Everything the bot sent anywhere, for assertions such as 'no token leaked'."""
        with self._lock:
            return json.dumps(
                [c.params for c in self.calls] + self.responses, default=str, sort_keys=True
            )

    # ---- HTTP ------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if url.path.startswith("/upload/"):
            with self._cond:
                self.uploads[url.path.rsplit("/", 1)[-1]] = raw
                self._cond.notify_all()
            self._reply(request, 200, b"OK", "text/plain")
            return
        if url.path.startswith("/files-pri/"):
            self._serve_file(request, url.path)
            return
        if url.path.startswith("/respond/"):
            body = json.loads(raw or b"{}")
            with self._cond:
                self.responses.append(body)
                self._cond.notify_all()
            self._reply(request, 200, b"ok", "text/plain")
            return
        if not url.path.startswith("/api/"):
            self._reply(request, 404, b"not found", "text/plain")
            return
        method = url.path[len("/api/") :]
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(url.query).items()}
        ctype = request.headers.get("Content-Type", "")
        if raw and "json" in ctype:
            params.update(json.loads(raw))
        elif raw:
            params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        params = _decode_json_fields(params)
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.get("token")
        with self._cond:
            call = SlackCall(method, params, token)
            self.calls.append(call)
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            if failure is None and method == "chat.postMessage" and self.limit is not None:
                channel = str(params.get("channel", ""))
                bucket = self._buckets.setdefault(channel, _Bucket(self.limit))
                wait = bucket.take()
                if wait > 0:
                    self.rate_limited.append(call)
                    failure = (
                        429,
                        {"Retry-After": str(max(1, math.ceil(wait)))},
                        {"ok": False, "error": "ratelimited"},
                    )
            self._cond.notify_all()
        if failure is not None:
            status, headers, body = failure
            self._reply(request, status, json.dumps(body).encode(), "application/json", headers)
            return
        payload = self._answer(method, params)
        self._reply(request, 200, json.dumps(payload).encode(), "application/json")

    def _serve_file(self, request: BaseHTTPRequestHandler, path: str) -> None:
        file_id = path.split("/")[2].rsplit("-", 1)[-1]
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        with self._cond:
            self.downloads.append((file_id, token))
            content = self.file_contents.get(file_id)
            self._cond.notify_all()
        if token is None:
            self._reply(request, 403, b"login required", "text/html")
        elif content is None:
            self._reply(request, 404, b"not found", "text/plain")
        else:
            self._reply(request, 200, content, "application/octet-stream")

    def _reply(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        request.send_response(status)
        request.send_header("Content-Type", ctype)
        request.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(body)

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Test",
                "user": "accbot",
                "team_id": self.team_id,
                "user_id": "UBOT",
                "bot_id": "BBOT",
            }
        if method == "chat.postMessage":
            ts = self._next_ts()
            message = StoredMessage(
                channel=params.get("channel", ""),
                ts=ts,
                text=params.get("text"),
                blocks=params.get("blocks"),
                metadata=params.get("metadata"),
                thread_ts=params.get("thread_ts"),
            )
            with self._lock:
                self.messages.append(message)
            return {"ok": True, "channel": message.channel, "ts": ts, "message": {"ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.update":
            with self._lock:
                for message in self.messages:
                    if message.channel == params.get("channel") and message.ts == params.get("ts"):
                        message.text = params.get("text", message.text)
                        message.blocks = params.get("blocks", message.blocks)
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.getPermalink":
            channel, ts = params.get("channel", ""), str(params.get("message_ts", ""))
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}",
            }
        if method == "conversations.history":
            channel = params.get("channel")
            include = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
            limit = int(params.get("limit", 100))
            with self._lock:
                items = [
                    m.as_history_item(include)
                    for m in reversed(self.messages)
                    if m.channel == channel and m.thread_ts is None
                ]
            return {"ok": True, "messages": items[:limit], "has_more": len(items) > limit}
        if method == "conversations.replies":
            channel, parent = params.get("channel"), str(params.get("ts", ""))
            include = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
            limit = int(params.get("limit", 100))
            with self._lock:
                thread = [
                    m.as_history_item(include)
                    for m in self.messages
                    if m.channel == channel and (m.ts == parent or m.thread_ts == parent)
                ]
            if not thread:
                return {"ok": False, "error": "thread_not_found"}
            return {"ok": True, "messages": thread[:limit], "has_more": len(thread) > limit}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):06d}"
            return {
                "ok": True,
                "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
            }
        if method == "files.info":
            with self._lock:
                file = self.files.get(params.get("file", ""))
            if file is None:
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "file": dict(file)}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(params.get("usergroup", ""), [])}
        if method == "conversations.info":
            with self._lock:
                name = self.channels.get(params.get("channel", ""))
            if name is None:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": params["channel"], "name": name}}
        if method == "conversations.list":
            # Pages of at most ``channel_page_size`` channels (and ``limit``), with Slack's
            # cursor in response_metadata.next_cursor ("" on the last page).
            with self._lock:
                listed = [{"id": cid, "name": name, "name_normalized": name}
                          for cid, name in sorted(self.channels.items())]  # fmt: skip
            size = min(int(params.get("limit", 100)), self.channel_page_size)
            start = int(params.get("cursor") or 0)
            page = listed[start : start + size]
            after = start + size
            next_cursor = str(after) if after < len(listed) else ""
            return {"ok": True, "channels": page, "response_metadata": {"next_cursor": next_cursor}}
        if method == "users.info":
            user_id = params.get("user", "")
            with self._lock:
                user = self.users.get(user_id)
            if user is None:  # anyone not added is a full member of the bot's workspace
                user = {
                    "id": user_id,
                    "name": user_id.lower(),
                    "team_id": self.team_id,
                    "is_restricted": False,
                    "is_ultra_restricted": False,
                }
            return {"ok": True, "user": {"real_name": user.get("name"), **user}}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = params.get("view") or {}
            return {"ok": True, "view": {"id": f"V{next(self._ids):06d}", **view}}
        return {"ok": True}
