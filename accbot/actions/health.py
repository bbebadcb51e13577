"""Readiness: the database answers and ACC answers (any HTTP answer counts as up)."""

from __future__ import annotations

from dataclasses import dataclass

from accbot.acc.errors import BackendResponseError, BackendUnavailable
from accbot.actions.context import Services

# An agent path that need not exist: a 404 still proves ACC is up and the token works.
PROBE_AGENT_PATH = "accbot/readiness-probe"


@dataclass(frozen=True)
class Readiness:
    database: bool
    acc: bool
    detail: str = ""

    @property
    def ready(self) -> bool:
        return self.database and self.acc

    def as_dict(self) -> dict:
        return {
            "ready": self.ready,
            "database": "ok" if self.database else "unreachable",
            "acc": "ok" if self.acc else "unreachable",
            **({"detail": self.detail} if self.detail else {}),
        }


def readiness(services: Services) -> Readiness:
    database = services.db.ping()
    acc_ok, detail = True, ""
    try:
        services.acc.get_agent(PROBE_AGENT_PATH)
    except BackendUnavailable as exc:
        acc_ok, detail = False, str(exc)
    except BackendResponseError as exc:
        if exc.status_code == 401:
            acc_ok, detail = False, "ACC refused the access token"
        elif exc.status_code >= 500:
            acc_ok, detail = False, f"ACC answered {exc.status_code}"
    return Readiness(database=database, acc=acc_ok, detail=detail)
