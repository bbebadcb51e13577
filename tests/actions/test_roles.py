"""Who holds which role: users and user groups from the settings, admins hold all."""

from __future__ import annotations

from accbot.actions.roles import RoleChecker
from accbot.commands.roles import Role


def test_everyone_is_a_viewer():
    assert RoleChecker().holds("UANYONE", Role.VIEWER)


def test_listed_users_hold_their_role_and_only_theirs():
    roles = RoleChecker(operators=["UOP"], approvers=["UAP"], admins=["UAD"])
    assert roles.holds("UOP", Role.OPERATOR)
    assert not roles.holds("UOP", Role.APPROVER)
    assert not roles.holds("UOP", Role.ADMIN)
    assert roles.holds("UAP", Role.APPROVER)
    assert not roles.holds("UAP", Role.OPERATOR)


def test_admins_hold_every_role():
    roles = RoleChecker(admins=["UAD"])
    assert all(roles.holds("UAD", role) for role in Role)


def test_an_unset_role_is_held_by_nobody_but_admins():
    roles = RoleChecker(admins=["UAD"])
    assert not roles.holds("USOMEONE", Role.OPERATOR)
    assert roles.holds("UAD", Role.OPERATOR)


def test_with_no_admins_mutations_are_reported_disabled():
    assert RoleChecker().admins_configured is False
    assert RoleChecker(admins=["UAD"]).admins_configured is True


def test_group_members_hold_the_groups_role_and_the_lookup_is_cached():
    calls = []

    def members(group: str) -> list[str]:
        calls.append(group)
        return ["UMEMBER"] if group == "SOPS" else []

    roles = RoleChecker(operators=["SOPS"], group_members=members)
    assert roles.holds("UMEMBER", Role.OPERATOR)
    assert not roles.holds("UOUTSIDER", Role.OPERATOR)
    assert roles.holds("UMEMBER", Role.OPERATOR)
    assert calls == ["SOPS"]


def test_a_failing_group_lookup_denies_instead_of_crashing():
    def broken(group: str) -> list[str]:
        raise RuntimeError("slack is down")

    roles = RoleChecker(admins=["SADMINS"], group_members=broken)
    assert not roles.holds("UMEMBER", Role.ADMIN)


def test_an_expired_cache_is_refreshed():
    answers = iter([["UOLD"], ["UNEW"]])
    roles = RoleChecker(operators=["SOPS"], group_members=lambda g: next(answers), cache_seconds=0)
    assert roles.holds("UOLD", Role.OPERATOR)
    assert roles.holds("UNEW", Role.OPERATOR)
