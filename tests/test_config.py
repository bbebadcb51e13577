"""Settings come from the environment with the contract's names; secrets never print."""

from __future__ import annotations

import pytest

from accbot.config import ConfigError, load_settings

REQUIRED = {
    "SLACK_BOT_TOKEN": "xoxb-fake_config",
    "SLACK_SIGNING_SECRET": "signing-config-test",
    "ACC_BASE_URL": "https://acc.example.com/",
    "ACC_API_TOKEN": "acc-config-token",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in [
        *REQUIRED,
        "SLACK_APP_TOKEN", "SLACK_API_URL", "SAS_BASE_URL", "SAS_TOKEN", "SAS_CLIENT_ID",
        "SAS_CLIENT_SECRET", "DATABASE_URL", "PORT", "ACCBOT_ALERT_CHANNEL",
        "ACCBOT_APPROVAL_CHANNEL", "ACCBOT_POLL_SECONDS", "ACCBOT_OPERATORS", "ACCBOT_APPROVERS",
        "ACCBOT_ADMINS", "ACCBOT_ACC_WEB_URL", "ACCBOT_SERVERS", "ACCBOT_ACC_CONCURRENCY",
        "ACCBOT_WATCH_SHARDS", "ACCBOT_VIEWERS", "ACCBOT_ALLOWED_TEAMS",
    ]:  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_follow_the_contract():
    settings = load_settings()
    assert settings.SLACK_API_URL == "https://slack.com/api/"
    assert settings.DATABASE_URL == "sqlite:///accbot.db"
    assert settings.PORT == 3000
    assert settings.ACCBOT_POLL_SECONDS == 60
    assert settings.ACCBOT_ACC_CONCURRENCY == 8
    assert settings.ACCBOT_WATCH_SHARDS == 8
    assert settings.socket_mode is False
    assert settings.sas_enabled is False


def test_every_missing_variable_is_listed_at_once_with_where_to_get_it():
    with pytest.raises(ConfigError) as caught:
        load_settings().require_bot()
    message = str(caught.value)
    for name in REQUIRED:
        assert name in message
    assert "manifest.yml" in message and "API Access" in message
    assert caught.value.missing == list(REQUIRED)


def test_socket_mode_does_not_need_the_signing_secret(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-config")
    settings = load_settings().require_bot()
    assert settings.socket_mode


def test_tokens_never_appear_when_settings_are_printed(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(
        "ACCBOT_SERVERS",
        '[{"name": "se1", "ip": "10.0.0.5", "port": 8004, "key": "server-key-secret"}]',
    )
    settings = load_settings()
    shown = repr(settings) + str(settings) + repr(settings.ACCBOT_SERVERS)
    for secret in (
        "xoxb-fake_config",
        "signing-config-test",
        "acc-config-token",
        "server-key-secret",
    ):
        assert secret not in shown
    assert settings.ACCBOT_SERVERS[0].key.get_secret_value() == "server-key-secret"


def test_role_lists_take_user_and_group_ids_separated_by_commas(monkeypatch):
    monkeypatch.setenv("ACCBOT_ADMINS", "U0001, S0002 ,W0003")
    assert load_settings().ACCBOT_ADMINS == ["U0001", "S0002", "W0003"]


def test_a_role_list_with_a_name_instead_of_an_id_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("ACCBOT_OPERATORS", "U0001,@ana")
    with pytest.raises(ConfigError, match="@ana"):
        load_settings()


def test_viewers_and_allowed_teams_are_unset_by_default():
    settings = load_settings()
    assert settings.ACCBOT_VIEWERS == []
    assert settings.ACCBOT_ALLOWED_TEAMS == []  # served: the bot token's own workspace


def test_viewers_and_allowed_teams_take_comma_separated_ids(monkeypatch):
    monkeypatch.setenv("ACCBOT_VIEWERS", "U0GUEST, S0TRUSTED")
    monkeypatch.setenv("ACCBOT_ALLOWED_TEAMS", "T0001 ,E0002")
    settings = load_settings()
    assert settings.ACCBOT_VIEWERS == ["U0GUEST", "S0TRUSTED"]
    assert settings.ACCBOT_ALLOWED_TEAMS == ["T0001", "E0002"]


def test_an_allowed_team_that_is_no_workspace_id_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("ACCBOT_ALLOWED_TEAMS", "T0001,acme.slack.com")
    with pytest.raises(ConfigError, match="acme.slack.com"):
        load_settings()


def test_poll_seconds_below_one_is_refused(monkeypatch):
    monkeypatch.setenv("ACCBOT_POLL_SECONDS", "0.5")
    with pytest.raises(ConfigError, match="ACCBOT_POLL_SECONDS"):
        load_settings()


def test_poll_seconds_of_one_is_accepted_for_tests(monkeypatch):
    monkeypatch.setenv("ACCBOT_POLL_SECONDS", "1")
    assert load_settings().ACCBOT_POLL_SECONDS == 1


def test_watcher_concurrency_and_shards_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ACCBOT_ACC_CONCURRENCY", "3")
    monkeypatch.setenv("ACCBOT_WATCH_SHARDS", "16")
    settings = load_settings()
    assert (settings.ACCBOT_ACC_CONCURRENCY, settings.ACCBOT_WATCH_SHARDS) == (3, 16)


@pytest.mark.parametrize("name", ["ACCBOT_ACC_CONCURRENCY", "ACCBOT_WATCH_SHARDS"])
@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_watcher_concurrency_and_shards_below_one_are_refused_by_name(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_malformed_servers_json_is_a_clear_error_without_the_value(monkeypatch):
    monkeypatch.setenv("ACCBOT_SERVERS", '[{"name": "se1", "key": "leaky-key"')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "ACCBOT_SERVERS" in str(caught.value)
    assert "leaky-key" not in str(caught.value)


def test_a_server_entry_missing_fields_is_refused(monkeypatch):
    monkeypatch.setenv("ACCBOT_SERVERS", '[{"name": "se1"}]')
    with pytest.raises(ConfigError, match="name, ip, port and key"):
        load_settings()


def test_acc_url_must_be_http_and_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("ACC_BASE_URL", "https://acc.example.com/")
    assert load_settings().ACC_BASE_URL == "https://acc.example.com"
    monkeypatch.setenv("ACC_BASE_URL", "acc.example.com")
    with pytest.raises(ConfigError, match="ACC_BASE_URL"):
        load_settings()


def test_portal_links_default_to_the_acc_url(monkeypatch):
    monkeypatch.setenv("ACC_BASE_URL", "https://acc.example.com")
    assert load_settings().acc_web_url == "https://acc.example.com"
    monkeypatch.setenv("ACCBOT_ACC_WEB_URL", "https://portal.example.com/")
    assert load_settings().acc_web_url == "https://portal.example.com"


def test_sas_is_on_with_a_token_or_with_client_credentials(monkeypatch):
    monkeypatch.setenv("SAS_BASE_URL", "https://sas.example.com")
    assert load_settings().sas_enabled is False
    monkeypatch.setenv("SAS_CLIENT_ID", "accbot")
    monkeypatch.setenv("SAS_CLIENT_SECRET", "sas-secret")
    assert load_settings().sas_enabled is True


def test_a_dot_env_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("ACC_BASE_URL=https://from-dotenv.example.com\n")
    assert load_settings().ACC_BASE_URL == "https://from-dotenv.example.com"
