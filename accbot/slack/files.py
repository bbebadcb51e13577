"""Fetching a file someone shared with the bot: ``files.info``, then the file's private
download URL with the bot token (Slack's way; it needs the ``files:read`` scope).

The token is sent only to Slack: to a slack.com host over HTTPS, or to the host of
SLACK_API_URL (a proxy or a test double), and httpx drops it on a redirect elsewhere.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger("accbot.slack")

MAX_FILE_BYTES = 10 * 1024 * 1024  # Slack's limit for a file input
DOWNLOAD_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
SLACK_DOMAIN = "slack.com"


class FileFetchError(Exception):
    """A shared file could not be fetched; the message says which and why."""


def fetch_file(client: WebClient, file_id: str) -> tuple[str, bytes]:
    """(name, content) of the shared file ``file_id``."""
    try:
        info = client.files_info(file=file_id)["file"]
    except SlackApiError as exc:
        raise FileFetchError(
            f"Slack would not describe file {file_id} ({exc.response.get('error')})"
        ) from None
    name = str(info.get("name") or file_id)
    size = info.get("size")
    if isinstance(size, int) and size > MAX_FILE_BYTES:
        raise FileFetchError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    url = info.get("url_private_download") or info.get("url_private")
    if not url or not trusted_url(url, client.base_url):
        raise FileFetchError(f"Slack gave no download address for {name} that accbot trusts")
    if not client.token:
        raise FileFetchError(f"accbot has no bot token to download {name} with")
    return name, _download(name, url, client.token)


def trusted_url(url: str, api_url: str) -> bool:
    parts, api = urlsplit(url), urlsplit(api_url)
    host = (parts.hostname or "").lower()
    if host and host == (api.hostname or "").lower() and parts.port == api.port:
        return parts.scheme == api.scheme
    return parts.scheme == "https" and (host == SLACK_DOMAIN or host.endswith("." + SLACK_DOMAIN))


def _download(name: str, url: str, token: str) -> bytes:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(timeout=DOWNLOAD_TIMEOUT, follow_redirects=True) as http:
            with http.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise FileFetchError(f"Slack answered {response.status_code} for {name}")
                if response.headers.get("content-type", "").startswith("text/html"):
                    # Slack's sign-in page: the token may not read files (files:read scope).
                    raise FileFetchError(
                        f"Slack sent a web page instead of {name}: "
                        "the app may lack the files:read scope"
                    )
                chunks, total = [], 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > MAX_FILE_BYTES:
                        raise FileFetchError(
                            f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
    except httpx.HTTPError as exc:
        logger.warning("downloading %s from Slack failed: %s", name, type(exc).__name__)
        raise FileFetchError(
            f"could not download {name} from Slack ({type(exc).__name__})"
        ) from None
