"""Settings, read once from the environment (and ``.env``) into one typed object.

The variable names are the runtime contract in DESIGN.md. Secrets are ``SecretStr`` so
that printing the settings, a traceback's locals or a log line never shows a token.
What is missing is reported all at once, with where to get it, instead of a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from accbot.backend.secrets import url_password

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///accbot.db"
DEFAULT_PORT = 3000
DEFAULT_POLL_SECONDS = 60.0
DEFAULT_ACC_CONCURRENCY = 8
DEFAULT_WATCH_SHARDS = 8

# Where a person finds each value; shown when it is missing.
WHERE_TO_GET: dict[str, str] = {
    "SLACK_BOT_TOKEN": (
        "Create the Slack app from manifest.yml (https://api.slack.com/apps -> Create New App "
        "-> From a manifest), install it, then copy OAuth & Permissions -> Bot User OAuth Token "
        "(xoxb-...)."
    ),
    "SLACK_SIGNING_SECRET": (
        "Slack app -> Basic Information -> App Credentials -> Signing Secret "
        "(or set SLACK_APP_TOKEN to use Socket Mode instead of HTTP)."
    ),
    "ACC_BASE_URL": (
        "The address of your Agent Control Center, e.g. https://acc.example.com. To try "
        "accbot without ACC, run the simulator: make simulator (then "
        "ACC_BASE_URL=http://127.0.0.1:8765)."
    ),
    "ACC_API_TOKEN": (
        "ACC web portal -> Users -> (API user) -> API Access -> Add Access Token. With the "
        "simulator, use the token it was started with (default demo-token)."
    ),
}


class ConfigError(Exception):
    """The environment does not hold a usable configuration; the message says what to fix."""

    def __init__(self, message: str, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.missing = missing or []


@dataclass(frozen=True)
class ServerConfig:
    """One SE server for ``/acc server <name>``; the key is a secret."""

    name: str
    ip: str
    port: int
    key: SecretStr
    ssl: bool = False


def _split_ids(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_API_URL: str = DEFAULT_SLACK_API_URL

    ACC_BASE_URL: str | None = None
    ACC_API_TOKEN: SecretStr | None = None

    SAS_BASE_URL: str | None = None
    SAS_TOKEN: SecretStr | None = None
    SAS_CLIENT_ID: str | None = None
    SAS_CLIENT_SECRET: SecretStr | None = None

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    PORT: int = DEFAULT_PORT

    ACCBOT_ALERT_CHANNEL: str | None = None
    ACCBOT_APPROVAL_CHANNEL: str | None = None
    ACCBOT_POLL_SECONDS: float = Field(default=DEFAULT_POLL_SECONDS, ge=1)
    # The watcher's ACC requests in flight at once: ACC's capacity, not ours, is the limit.
    ACCBOT_ACC_CONCURRENCY: int = Field(default=DEFAULT_ACC_CONCURRENCY, ge=1, le=256)
    # Every replica on one database must use the same number (it decides whose agent is whose).
    ACCBOT_WATCH_SHARDS: int = Field(default=DEFAULT_WATCH_SHARDS, ge=1, le=1024)
    ACCBOT_OPERATORS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ACCBOT_APPROVERS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ACCBOT_ADMINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ACCBOT_ACC_WEB_URL: str | None = None
    ACCBOT_SERVERS: Annotated[list[ServerConfig], NoDecode] = Field(default_factory=list)
    ACCBOT_VIEWERS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ACCBOT_ALLOWED_TEAMS: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator(
        "ACCBOT_OPERATORS", "ACCBOT_APPROVERS", "ACCBOT_ADMINS", "ACCBOT_VIEWERS", mode="before"
    )
    @classmethod
    def _ids(cls, value: Any) -> list[str]:
        ids = _split_ids(value)
        bad = [i for i in ids if not (i[:1] in ("U", "W", "S") and i[1:].isalnum())]
        if bad:
            raise ValueError(f"not Slack user (U…) or user-group (S…) IDs: {', '.join(bad)}")
        return ids

    @field_validator("ACCBOT_ALLOWED_TEAMS", mode="before")
    @classmethod
    def _teams(cls, value: Any) -> list[str]:
        ids = _split_ids(value)
        bad = [i for i in ids if not (i[:1] in ("T", "E") and i[1:].isalnum())]
        if bad:
            raise ValueError(f"not Slack workspace (T…) or org (E…) IDs: {', '.join(bad)}")
        return ids

    @field_validator("ACCBOT_SERVERS", mode="before")
    @classmethod
    def _servers(cls, value: Any) -> list[ServerConfig]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ValueError("ACCBOT_SERVERS must be a JSON list") from exc
        if not isinstance(value, list):
            raise ValueError("ACCBOT_SERVERS must be a JSON list of objects")
        servers = []
        for item in value:
            if isinstance(item, ServerConfig):
                servers.append(item)
                continue
            if not isinstance(item, dict) or not {"name", "ip", "port", "key"} <= set(item):
                raise ValueError("each ACCBOT_SERVERS entry needs name, ip, port and key")
            servers.append(
                ServerConfig(
                    name=str(item["name"]),
                    ip=str(item["ip"]),
                    port=int(item["port"]),
                    key=SecretStr(str(item["key"])),
                    ssl=bool(item.get("ssl", False)),
                )
            )
        return servers

    @field_validator("ACC_BASE_URL", "SAS_BASE_URL", "ACCBOT_ACC_WEB_URL", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(("http://", "https://")):
                raise ValueError(f"must start with http:// or https:// (got {value!r})")
            return value.rstrip("/")
        return value

    @property
    def socket_mode(self) -> bool:
        return self.SLACK_APP_TOKEN is not None

    @property
    def acc_web_url(self) -> str:
        return (self.ACCBOT_ACC_WEB_URL or self.ACC_BASE_URL or "").rstrip("/")

    @property
    def sas_enabled(self) -> bool:
        return bool(self.SAS_BASE_URL) and (
            self.SAS_TOKEN is not None
            or (self.SAS_CLIENT_ID is not None and self.SAS_CLIENT_SECRET is not None)
        )

    def secret_values(self) -> list[str]:
        """Every secret this configuration holds, for the scrubber: tokens, the signing
        secret, the SAS client secret, server keys and the passwords in URLs."""
        values = [
            secret.get_secret_value()
            for secret in (
                self.SLACK_BOT_TOKEN,
                self.SLACK_SIGNING_SECRET,
                self.SLACK_APP_TOKEN,
                self.ACC_API_TOKEN,
                self.SAS_TOKEN,
                self.SAS_CLIENT_SECRET,
            )
            if secret is not None
        ]
        values += [server.key.get_secret_value() for server in self.ACCBOT_SERVERS]
        for url in (
            self.DATABASE_URL,
            self.ACC_BASE_URL,
            self.SAS_BASE_URL,
            self.ACCBOT_ACC_WEB_URL,
            self.SLACK_API_URL,
        ):
            password = url_password(url)
            if password:
                values.append(password)
        return [value for value in values if value]

    def missing_for_bot(self) -> list[str]:
        """Variables that must be set before the Slack bot can start."""
        missing = [
            name
            for name in ("SLACK_BOT_TOKEN", "ACC_BASE_URL", "ACC_API_TOKEN")
            if getattr(self, name) is None
        ]
        if not self.socket_mode and self.SLACK_SIGNING_SECRET is None:
            missing.insert(1, "SLACK_SIGNING_SECRET")
        return missing

    def require_bot(self) -> Settings:
        missing = self.missing_for_bot()
        if missing:
            raise ConfigError(describe_missing(missing), missing)
        return self

    def require_acc(self) -> Settings:
        missing = [n for n in ("ACC_BASE_URL", "ACC_API_TOKEN") if getattr(self, n) is None]
        if missing:
            raise ConfigError(describe_missing(missing), missing)
        return self


def describe_missing(missing: list[str]) -> str:
    lines = ["accbot cannot start: these environment variables are not set:"]
    for name in missing:
        lines.append(f"  {name}: {WHERE_TO_GET.get(name, 'see README.md')}")
    lines.append("Put them in the environment or in a .env file (see README.md, Configuration).")
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Read the environment once; invalid values become one ConfigError, never a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "settings"
            # the message only, never the input: the input may be a token
            problems.append(f"  {name}: {error['msg']}")
        raise ConfigError(
            "accbot cannot start: invalid settings:\n" + "\n".join(problems)
        ) from None
