"""DESIGN.md's Layering section, checked against the imports the package runs.

Each rule below is one line of that section. The imports are read from the source
(``tests/support/import_graph.py``), imports under ``if TYPE_CHECKING:`` aside, so a
new edge that breaks a rule fails here with the module and line that added it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import accbot
from tests.support.import_graph import Edge, package_cycles, read_graph, within

PACKAGE = "accbot"
ROOT = Path(accbot.__file__).parent


@dataclass(frozen=True)
class Rule:
    """Modules under ``importer`` may not import anything under ``forbidden``."""

    importer: str
    forbidden: tuple[str, ...]
    why: str

    def broken_by(self, edge: Edge) -> bool:
        return within(edge.importer, self.importer) and any(
            within(edge.imported, target) for target in self.forbidden
        )


def _under(*names: str) -> tuple[str, ...]:
    return tuple(f"{PACKAGE}.{name}" for name in names)


RULES = (
    Rule(
        "accbot.acc",
        _under("commands", "actions", "slack", "watcher", "sas", "store"),
        "acc/ imports none of commands, actions, slack, watcher, nor sas or store",
    ),
    Rule(
        "accbot.sas",
        _under("commands", "actions", "slack", "watcher", "acc", "store"),
        "sas/ imports none of commands, actions, slack, watcher, nor acc or store",
    ),
    Rule(
        "accbot.store",
        _under("commands", "actions", "slack", "watcher", "acc", "sas"),
        "store/ imports none of commands, actions, slack, watcher, nor acc or sas",
    ),
    Rule(
        "accbot.backend",
        _under("acc", "sas", "store", "commands", "actions", "slack", "watcher", "watching", "cli"),
        "backend/ is below both clients and everything above them",
    ),
    Rule(
        "accbot.config",
        _under("acc", "sas", "store", "commands", "actions", "slack", "watcher", "watching", "cli"),
        "config is below everything that reads it",
    ),
    Rule(
        "accbot.watching",
        _under("actions", "watcher", "slack", "cli"),
        "watching/ holds what actions and the watcher share, below both",
    ),
    Rule(
        "accbot.commands",
        _under("actions", "slack", "watcher", "store"),
        "commands/ imports none of actions, slack, watcher, store",
    ),
    Rule(
        "accbot.actions",
        _under("slack", "watcher", "cli"),
        "actions/ imports none of slack, watcher, cli",
    ),
    Rule("accbot.watcher", _under("slack", "cli"), "watcher/ imports none of slack, cli"),
    Rule(
        "accbot.slack.views",
        _under("acc.client", "sas.client", "store", "runtime"),
        "slack/views import no client, no store and not the Services holder",
    ),
    Rule(
        "accbot.simulator",
        _under("acc", "sas"),
        "the simulator is written from the API documents: it imports nothing from acc or sas",
    ),
)

# Edges that break a rule today, each with the engineer removing it. Keep this empty:
# an entry is a debt with a name on it, and an entry that no longer matches fails below.
KNOWN_VIOLATIONS: frozenset[str] = frozenset()


def rule_violations(edges: list[Edge]) -> set[str]:
    found: set[str] = set()
    for edge in edges:
        for rule in RULES:
            if rule.broken_by(edge):
                found.add(f"{edge.importer} -> {edge.imported}  ({rule.why})")
        if (
            within(edge.importer, "accbot.slack.views")
            and edge.imported == "accbot.actions.context"
            and "Services" in edge.names
        ):
            found.add(f"{edge.importer} -> {edge.imported}.Services  (views never take Services)")
    return found


def all_violations(root: Path = ROOT, package: str = PACKAGE) -> set[str]:
    edges, loads = read_graph(root, package)
    found = rule_violations(edges)
    found |= {
        f"cycle between top-level packages: {' <-> '.join(group)}"
        for group in package_cycles(edges, package)
    }
    found |= {f"{load.module} loads a module by a name in a string ({load.call})" for load in loads}
    return found


def _short(violation: str) -> str:
    """The part of a violation that KNOWN_VIOLATIONS names (without the rule's wording)."""
    return violation.split("  (")[0]


def test_the_package_keeps_the_layering_rules():
    new = sorted(v for v in all_violations() if _short(v) not in KNOWN_VIOLATIONS)
    assert new == [], "imports that break DESIGN.md's Layering section:\n" + "\n".join(new)


def test_every_known_violation_still_exists_so_the_list_only_shrinks():
    current = {_short(v) for v in all_violations()}
    fixed = sorted(KNOWN_VIOLATIONS - current)
    assert fixed == [], "fixed: remove these from KNOWN_VIOLATIONS:\n" + "\n".join(fixed)


# --- the checker itself catches what it is meant to catch --------------------------------


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """A small package that breaks each kind of rule once, and keeps one it may bend."""
    root = tmp_path / "accbot"
    write(root, "__init__.py", "")
    write(root, "acc/__init__.py", "")
    write(root, "acc/client.py", "")
    write(root, "store/__init__.py", "")
    write(root, "store/db.py", "")
    write(root, "actions/__init__.py", "")
    write(
        root,
        "actions/context.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from accbot.watcher import poll  # never runs: allowed\n"
        "class Services: ...\n",
    )
    write(root, "actions/watches.py", "def f():\n    from ..watcher import poll\n")
    write(root, "watcher/__init__.py", "")
    write(root, "watcher/poll.py", "import accbot.slack.views.alerts\n")
    write(root, "slack/__init__.py", "")
    write(
        root,
        "slack/views/alerts.py",
        "from accbot.store import db\n"
        "from accbot.acc.client import AccClient\n"
        "from accbot.actions.context import Services\n"
        "from accbot.actions import watches\n",
    )
    write(
        root,
        "slack/views/render.py",
        "import importlib\n"
        "importlib.import_module('accbot.slack.views.alerts')\n"
        "importlib.util.find_spec('accbot.slack.views.alerts')\n",
    )
    return root


def test_the_checker_names_each_broken_rule_and_ignores_type_checking_imports(tangled):
    found = {_short(v) for v in all_violations(tangled, "accbot")}
    assert found == {
        "accbot.actions.watches -> accbot.watcher.poll",
        "accbot.watcher.poll -> accbot.slack.views.alerts",
        "accbot.slack.views.alerts -> accbot.store.db",
        "accbot.slack.views.alerts -> accbot.acc.client",
        "accbot.slack.views.alerts -> accbot.actions.context.Services",
        "cycle between top-level packages: actions <-> slack <-> watcher",
        "accbot.slack.views.render loads a module by a name in a string (import_module)",
        "accbot.slack.views.render loads a module by a name in a string (find_spec)",
    }
