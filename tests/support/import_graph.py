"""The imports a package's modules run, read from their source with ``ast``.

What ``tests/test_layering.py`` checks DESIGN.md's Layering rules against. An import
counts wherever it sits (top level or inside a function: both run), except under
``if TYPE_CHECKING:``, which never runs. Nothing is imported here: a module that would
fail to import is still read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STRING_LOADERS = frozenset({"find_spec", "import_module", "__import__"})


@dataclass(frozen=True, order=True)
class Edge:
    """``importer`` runs ``import imported`` (a module, or ``imported.name``)."""

    importer: str
    imported: str
    names: tuple[str, ...] = ()  # for ``from imported import a, b``
    line: int = 0


@dataclass(frozen=True, order=True)
class StringLoad:
    """``module`` loads a module by a name in a string (``find_spec``, ``import_module``)."""

    module: str
    call: str
    line: int


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under ``root`` (the package's own folder)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([package, *parts])] = path
    return modules


def read_graph(root: Path, package: str) -> tuple[list[Edge], list[StringLoad]]:
    """The package-internal import edges, and every call that loads a module by name."""
    modules = module_names(root, package)
    edges: list[Edge] = []
    loads: list[StringLoad] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _running_nodes(tree):
            if isinstance(node, ast.Import):
                edges += [
                    Edge(module, alias.name, (), node.lineno)
                    for alias in node.names
                    if _inside(alias.name, package)
                ]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, is_package, node.module, node.level)
                if not _inside(base, package):
                    continue
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    if submodule in modules:
                        edges.append(Edge(module, submodule, (), node.lineno))
                    else:
                        edges.append(Edge(module, base, (alias.name,), node.lineno))
            elif isinstance(node, ast.Call):
                name = _called_name(node.func)
                if name in STRING_LOADERS:
                    loads.append(StringLoad(module, name, node.lineno))
    return edges, loads


def top_level(module: str, package: str) -> str | None:
    """``accbot.slack.views.runs`` -> ``slack``; the root package itself -> None."""
    parts = module.split(".")
    return parts[1] if parts[0] == package and len(parts) > 1 else None


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def package_cycles(edges: list[Edge], package: str) -> list[tuple[str, ...]]:
    """Groups of top-level packages that import each other, directly or around a loop."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        source, target = top_level(edge.importer, package), top_level(edge.imported, package)
        if source and target and source != target:
            graph.setdefault(source, set()).add(target)
            graph.setdefault(target, set())
    return [tuple(sorted(group)) for group in _strongly_connected(graph) if len(group) > 1]


def _running_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (its ``else`` does run)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _absolute(module: str, is_package: bool, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, name] if name else parts)


def _inside(module: str, package: str) -> bool:
    return within(module, package)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm; the graph of top-level packages is small."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups
