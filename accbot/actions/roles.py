"""Who holds which role: Slack user IDs and user-group IDs from the settings.

Role lists name users (U…/W…) or user groups (S…). Group membership comes from a
callable the Slack layer provides (usergroups.users.list), cached here for a few
minutes, so the actions stay free of Slack while checks stay cheap on the hot path.
An unset list gives the role to nobody but admins; with no admins, nobody may mutate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from accbot.commands.roles import Role

logger = logging.getLogger("accbot.roles")

GROUP_CACHE_SECONDS = 300.0

GroupMembers = Callable[[str], Iterable[str]]

ROLE_SETTINGS: dict[Role, str] = {
    Role.VIEWER: "ACCBOT_VIEWERS",
    Role.OPERATOR: "ACCBOT_OPERATORS",
    Role.APPROVER: "ACCBOT_APPROVERS",
    Role.ADMIN: "ACCBOT_ADMINS",
}
"""The setting that lists who holds each role, named in every refusal."""


class RoleChecker:
    def __init__(
        self,
        *,
        operators: Iterable[str] = (),
        approvers: Iterable[str] = (),
        admins: Iterable[str] = (),
        viewers: Iterable[str] = (),
        group_members: GroupMembers | None = None,
        cache_seconds: float = GROUP_CACHE_SECONDS,
    ) -> None:
        self._lists = {
            Role.OPERATOR: tuple(operators),
            Role.APPROVER: tuple(approvers),
            Role.ADMIN: tuple(admins),
        }
        self._viewers = tuple(viewers)  # named readers beyond workspace members (guests)
        self._group_members = group_members
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings, group_members: GroupMembers | None = None) -> RoleChecker:
        return cls(
            operators=settings.ACCBOT_OPERATORS,
            approvers=settings.ACCBOT_APPROVERS,
            admins=settings.ACCBOT_ADMINS,
            viewers=settings.ACCBOT_VIEWERS,
            group_members=group_members,
        )

    @property
    def mutations_enabled(self) -> bool:
        """False until at least one admin is configured; /acc help says so."""
        return bool(self._lists[Role.ADMIN]) or bool(
            self._lists[Role.OPERATOR] or self._lists[Role.APPROVER]
        )

    @property
    def admins_configured(self) -> bool:
        return bool(self._lists[Role.ADMIN])

    def configured(self, role: Role) -> bool:
        return role is Role.VIEWER or bool(self._lists.get(role))

    def holds(self, user_id: str, role: Role) -> bool:
        if role is Role.VIEWER:
            return True
        if self._listed(user_id, self._lists[Role.ADMIN]):
            return True
        if role is Role.ADMIN:
            return False
        return self._listed(user_id, self._lists[role])

    def roles_of(self, user_id: str) -> frozenset[Role]:
        """Every role ``user_id`` holds (viewer always): the dispatcher asks once per
        action and hands the answer to the handler on the actor."""
        return frozenset(role for role in Role if self.holds(user_id, role))

    def named(self, user_id: str) -> bool:
        """In ACCBOT_VIEWERS or any role list (directly or through a user group): the
        only way a guest account is served at all."""
        lists = (self._viewers, *self._lists.values())
        return any(self._listed(user_id, ids) for ids in lists)

    def _listed(self, user_id: str, ids: tuple[str, ...]) -> bool:
        if user_id in ids:
            return True
        return any(self._in_group(user_id, group) for group in ids if group.startswith("S"))

    def _in_group(self, user_id: str, group_id: str) -> bool:
        if self._group_members is None:
            return False
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(group_id)
        if cached is None or now - cached[0] > self._cache_seconds:
            try:
                members = frozenset(self._group_members(group_id))
            except Exception:  # a Slack failure must not grant or crash; deny and log
                logger.warning("could not list members of user group %s", group_id)
                return cached is not None and user_id in cached[1]
            with self._lock:
                self._cache[group_id] = (now, members)
            return user_id in members
        return user_id in cached[1]
