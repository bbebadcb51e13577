"""manifest.yml is a valid Slack app manifest that matches what the bot does."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest):
    if not SCHEMA.exists():
        pytest.skip(f"Slack's manifest schema is not beside the repository ({SCHEMA})")
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_acc_command_escapes_channels_and_users_and_has_a_usage_hint(manifest):
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/acc"
    assert command["should_escape"] is True
    assert command["usage_hint"]


def test_every_request_url_ends_in_slack_events(manifest):
    urls = [
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
    ]
    assert all(url.endswith("/slack/events") for url in urls)


def test_home_tab_and_its_event_are_enabled(manifest):
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_the_scopes_the_bot_uses_are_requested(manifest):
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "commands",
        "chat:write",
        "chat:write.public",
        "files:write",
        "usergroups:read",
        "users:read",
    } <= scopes
    assert (
        "channels:history" in scopes
    )  # conversations.history finds an alert posted before a crash


def test_procfile_runs_app_py():
    assert (ROOT / "Procfile").read_text().strip() == "web: python app.py"
