"""Which download addresses get the bot token: Slack's own hosts over HTTPS, or exactly
the host of SLACK_API_URL (a proxy or a test double), nothing else."""

from __future__ import annotations

import pytest

from accbot.slack.files import trusted_url

SLACK_API = "https://slack.com/api/"
PROXY_API = "http://127.0.0.1:8080/api/"


@pytest.mark.parametrize(
    "url",
    [
        "https://files.slack.com/files-pri/T1-F1/download/a.csv",
        "https://slack.com/files-pri/T1-F1/download/a.csv",
        "https://FILES.SLACK.COM/files-pri/T1-F1/a.csv",
    ],
)
def test_slack_hosts_over_https_are_trusted(url):
    assert trusted_url(url, SLACK_API)


@pytest.mark.parametrize(
    "url",
    [
        "http://files.slack.com/files-pri/T1-F1/download/a.csv",  # no TLS
        "https://files.slack.com.evil.example/a.csv",
        "https://evilslack.com/a.csv",
        "https://example.com/a.csv",
        "ftp://files.slack.com/a.csv",
        "",
    ],
)
def test_other_hosts_are_not(url):
    assert not trusted_url(url, SLACK_API)


def test_the_configured_api_host_is_trusted_on_its_own_port_and_scheme_only():
    assert trusted_url("http://127.0.0.1:8080/files-pri/T1-F1/download/a.csv", PROXY_API)
    assert not trusted_url("http://127.0.0.1:9999/files-pri/T1-F1/download/a.csv", PROXY_API)
    assert not trusted_url("https://127.0.0.1:8080/files-pri/a.csv", PROXY_API)
