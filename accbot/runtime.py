"""Build the long-lived services from settings: one ACC client, one database, roles."""

from __future__ import annotations

import gc

from accbot.acc.client import AccClient
from accbot.actions.context import Services
from accbot.actions.roles import GroupMembers, RoleChecker
from accbot.backend.secrets import SCRUBBER
from accbot.config import Settings
from accbot.metrics import observe_acc_call, observe_sas_call
from accbot.sas.client import SasClient
from accbot.store.db import Database


def build_sas_client(settings: Settings):
    if not settings.sas_enabled:
        return None
    return SasClient(
        settings.SAS_BASE_URL,
        token=settings.SAS_TOKEN.get_secret_value() if settings.SAS_TOKEN else None,
        client_id=settings.SAS_CLIENT_ID,
        client_secret=(
            settings.SAS_CLIENT_SECRET.get_secret_value() if settings.SAS_CLIENT_SECRET else None
        ),
        on_request=observe_sas_call,
        scrubber=SCRUBBER,
    )


def build_services(
    settings: Settings,
    *,
    group_members: GroupMembers | None = None,
    acc: AccClient | None = None,
    db: Database | None = None,
) -> Services:
    settings.require_acc()
    # one scrubber for the whole process: client errors and the log filter both use it
    SCRUBBER.add(*settings.secret_values())
    acc = acc or AccClient(
        settings.ACC_BASE_URL,
        settings.ACC_API_TOKEN.get_secret_value(),
        on_request=observe_acc_call,
        scrubber=SCRUBBER,
    )
    return Services(
        settings=settings,
        acc=acc,
        db=db or Database(settings.DATABASE_URL),
        roles=RoleChecker.from_settings(settings, group_members),
        sas=build_sas_client(settings),
    )


def close_services(services: Services) -> None:
    services.acc.close()
    if services.sas is not None and hasattr(services.sas, "close"):
        services.sas.close()
    services.db.dispose()


def settle_heap() -> None:
    """Hide everything built so far from the cyclic garbage collector, for good.

    What startup builds (modules, the Slack app and its listeners, SQLAlchemy's mappers,
    the clients) lives as long as the process. Left in the collector's sight, every full
    collection walks all of it again: about a tenth of a second at 10,000 watches, a
    pause for every thread, the watcher's pollers included. Called once, after startup.
    """
    gc.collect()  # what is garbage now must not be kept forever
    gc.freeze()
