"""The one scrubber: every configured secret, and whatever looks like one, becomes ***."""

from __future__ import annotations

from pydantic import SecretStr

from accbot.backend.secrets import MASK, Scrubber, redact_url, url_password
from accbot.config import load_settings

SERVER_KEY = "se-key-7f3a9c2e11"  # noqa: S105 - a fake key to hunt for


def test_every_remembered_secret_is_masked_wherever_it_appears():
    scrub = Scrubber(["acc-token-12345", SecretStr(SERVER_KEY), None, ""])
    text = f"bad key {SERVER_KEY} for token acc-token-12345, key again:{SERVER_KEY}"
    assert scrub(text) == f"bad key {MASK} for token {MASK}, key again:{MASK}"


def test_a_percent_encoded_secret_is_masked_too():
    scrub = Scrubber(["p@ss/word!x"])
    assert "p%40ss%2Fword%21x" not in scrub("url has p%40ss%2Fword%21x in it")


def test_short_values_are_not_treated_as_secrets():
    scrub = Scrubber(["abc", "t"])
    assert scrub("the abc of it") == "the abc of it"


def test_a_longer_secret_containing_another_is_masked_whole():
    scrub = Scrubber(["secret-one", "secret-one-and-more"])
    assert scrub("x secret-one-and-more y") == f"x {MASK} y"


def test_secret_shapes_are_masked_without_being_configured():
    scrub = Scrubber()
    text = (
        "token xoxb-1234-abcd and xapp-1-A0-99 sent as Authorization: Bearer eyJ.abc.def "
        "to postgresql://bot:hunter2pass@db.internal:5432/accbot"
    )
    clean = scrub(text)
    for secret in ("xoxb-1234-abcd", "xapp-1-A0-99", "eyJ.abc.def", "hunter2pass"):
        assert secret not in clean
    assert "postgresql://bot:***@db.internal:5432/accbot" in clean


def test_redact_url_masks_only_the_password():
    assert (
        redact_url("https://ops:s3cr%40t@acc.example.com/api")
        == "https://ops:***@acc.example.com/api"
    )
    assert redact_url("https://acc.example.com/api") == "https://acc.example.com/api"
    assert url_password("https://ops:s3cret@acc.example.com") == "s3cret"
    assert url_password("https://acc.example.com") is None


def test_settings_name_every_secret_they_hold():
    settings = load_settings(
        SLACK_BOT_TOKEN="xoxb-fake_secrets_bot_token",
        SLACK_SIGNING_SECRET="signing-secret-value",
        SLACK_APP_TOKEN="xapp-fake_secrets_app_token",
        ACC_BASE_URL="https://ops:acc-url-password@acc.example.com",
        ACC_API_TOKEN="acc-api-token-value",
        SAS_BASE_URL="https://sas:sas-url-password@sas.example.com",
        SAS_CLIENT_ID="accbot",
        SAS_CLIENT_SECRET="sas-client-secret-value",
        DATABASE_URL="postgresql://bot:db-url-password@db/accbot",
        ACCBOT_SERVERS=f'[{{"name": "se1", "ip": "10.0.0.5", "port": 8004, "key": "{SERVER_KEY}"}}]',
    )
    assert set(settings.secret_values()) == {
        "xoxb-fake_secrets_bot_token",
        "signing-secret-value",
        "xapp-fake_secrets_app_token",
        "acc-api-token-value",
        "sas-client-secret-value",
        SERVER_KEY,
        "acc-url-password",
        "sas-url-password",
        "db-url-password",
    }
