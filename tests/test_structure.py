"""The shape of the code: which feature may import which, and how long a module may grow.

A *feature package* is a sub-package of ``toolkit/`` (a folder with an ``__init__.py``: ``accounts``,
``barriers``, ``codesign``, ``workshops`` ...), found on disk so that a new feature is guarded as soon as it
exists. The modules directly under ``toolkit/`` (``access.py``, ``extensions.py``, ``forms.py``, ``web.py``,
``models.py``, ``cli.py`` ...) are shared infrastructure and the application's assembly, not features: features
may import them, and the assembly modules import every feature to register its blueprints, models, filters and
commands. So only imports from one feature package straight into another make an edge of the graph; an import
through a top-level module does not (otherwise the assembly would tie every feature to every other).

Every import counts, wherever it is written: at module level, inside a function (the usual way of hiding a
cycle from the interpreter), relative (``from ..codesign import live``) or absolute (``import toolkit.codesign``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parent.parent / "toolkit"

#: Longest module allowed in ``toolkit/``.
MAX_LINES = 400

#: Folders whose files may be longer: database migrations and the demo's sample data.
LONG_FILES_ALLOWED = ("migrations", "demo")


@dataclass(frozen=True)
class Import:
    """One import statement of a toolkit module, reduced to what it names."""

    #: The importing file, relative to the repository (``toolkit/workshops/live.py``).
    path: str
    #: Its line.
    line: int
    #: The dotted module the statement reaches (``toolkit.codesign.live``).
    module: str
    #: The names taken from it (``from toolkit.codesign.live import step_context``), if any.
    names: tuple[str, ...] = ()

    def __str__(self) -> str:
        taken = f"{', '.join(self.names)} from " if self.names else ""
        return f"{self.path}:{self.line} imports {taken}{self.module}"


def python_files() -> list[Path]:
    """Every ``.py`` file of the toolkit package, migrations included."""
    return sorted(TOOLKIT.rglob("*.py"))


def feature_packages() -> set[str]:
    """The names of ``toolkit``'s sub-packages."""
    return {path.parent.name for path in TOOLKIT.glob("*/__init__.py")}


def module_parts(path: Path) -> list[str]:
    """``toolkit/codesign/live.py`` -> ``["toolkit", "codesign", "live"]`` (a package's ``__init__`` is the
    package itself)."""
    parts = list(path.relative_to(TOOLKIT.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_modules(node: ast.AST, package: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The dotted modules an import statement reaches with the names it takes from them, relative imports
    resolved against ``package`` (the parts of the package the importing module sits in). ``from toolkit
    import codesign, web`` reaches the modules ``toolkit.codesign`` and ``toolkit.web``."""
    if isinstance(node, ast.Import):
        return [(alias.name, ()) for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module.split(".") if node.module else []
    if node.level:
        base = package[: len(package) - node.level + 1] + base
    if len(base) == 1:
        return [(f"{base[0]}.{alias.name}", ()) for alias in node.names]
    return [(".".join(base), tuple(alias.name for alias in node.names))]


def toolkit_imports() -> list[Import]:
    """Every import of another toolkit module written anywhere in ``toolkit/`` (module level, functions,
    methods, conditional blocks)."""
    found = []
    for path in python_files():
        parts = module_parts(path)
        package = parts if path.name == "__init__.py" else parts[:-1]
        relative = str(path.relative_to(TOOLKIT.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
            for module, names in imported_modules(node, package):
                if module.startswith("toolkit."):
                    found.append(Import(relative, node.lineno, module, names))
    return found


def feature_of(dotted: str, features: set[str]) -> str | None:
    """The feature package a module (``toolkit.codesign.live``, ``toolkit/codesign/live.py``) belongs to, if
    any: none for the top-level modules."""
    parts = dotted.removesuffix(".py").replace("/", ".").split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in features else None


def feature_graph() -> dict[tuple[str, str], list[Import]]:
    """Edges between feature packages, each with the imports that make it."""
    features = feature_packages()
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for found in toolkit_imports():
        source = feature_of(found.path, features)
        target = feature_of(found.module, features)
        if source and target and source != target:
            edges[source, target].append(found)
    return edges


def strongly_connected(nodes: set[str], edges) -> list[list[str]]:
    """The groups of features that all reach each other (Tarjan), each group of two or more sorted."""
    successors = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = lowest[node] = len(index)
        stack.append(node)
        for successor in sorted(successors[node]):
            if successor not in index:
                visit(successor)
                lowest[node] = min(lowest[node], lowest[successor])
            elif successor in stack:
                lowest[node] = min(lowest[node], index[successor])
        if lowest[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return sorted(groups)


def shortest_path(start: str, goal: str, group: list[str], edges) -> list[str]:
    """A shortest chain of imports from ``start`` to ``goal`` inside ``group`` (breadth first)."""
    paths = {start: [start]}
    frontier = [start]
    while frontier and goal not in paths:
        following = []
        for node in frontier:
            for target in sorted(t for s, t in edges if s == node and t in group and t not in paths):
                paths[target] = [*paths[node], target]
                following.append(target)
        frontier = following
    assert goal in paths, f"{goal} is in a cycle with {start} but cannot be reached from it"
    return paths[goal]


def rotated(cycle: list[str]) -> tuple[str, ...]:
    """A cycle (``b -> a -> b``) started from its first feature in alphabetical order (``a -> b -> a``), so
    that a cycle found from several of its edges is reported once."""
    ring = cycle[:-1]
    start = ring.index(min(ring))
    return (*ring[start:], *ring[:start], ring[start])


def describe_cycle(cycle: tuple[str, ...], edges) -> str:
    """``a -> b -> a`` followed by the import making each step (the first one, and how many more)."""
    lines = [" -> ".join(cycle)]
    for source, target in pairwise(cycle):
        first, *more = edges[source, target]
        also = f" (and {len(more)} more)" if more else ""
        lines.append(f"    {source} -> {target}: {first}{also}")
    return "\n".join(lines)


def test_feature_packages_import_each_other_in_one_direction_only():
    edges = feature_graph()
    groups = strongly_connected(feature_packages(), edges)
    report = []
    for group in groups:
        # A shortest cycle through each import edge of the group: every edge to cut shows, not only the first.
        cycles = {
            rotated([source, *shortest_path(target, source, group, edges)])
            for source, target in edges
            if source in group and target in group
        }
        report.append(f"features that reach each other through imports: {', '.join(group)}")
        report.extend(
            "  " + describe_cycle(cycle, edges) for cycle in sorted(cycles, key=lambda c: (len(c), c))
        )
    assert not groups, "\n".join(report)


def test_the_room_does_not_import_codesign():
    """Co-design plugs its steps into the room; the room knows nothing of co-design."""
    features = feature_packages()
    imports = [
        found
        for found in toolkit_imports()
        if feature_of(found.path, features) == "workshops"
        and feature_of(found.module, features) == "codesign"
    ]
    assert imports == [], "\n".join(str(found) for found in imports)


#: The modules that assemble the application from every feature: the app factory, the command line, the list of
#: every table (for migrations), and what every page shares (each feature's labels as template filters).
ASSEMBLY = {"__init__.py", "cli.py", "models.py", "web.py"}


def runtime_imports(path: Path) -> list[Import]:
    """The imports of one module that run (those under ``if TYPE_CHECKING:`` name types only, and are left out)."""
    relative = str(path.relative_to(TOOLKIT.parent))
    parts = module_parts(path)
    package = parts if path.name == "__init__.py" else parts[:-1]
    found = []

    def visit(node: ast.AST) -> None:
        if (
            isinstance(node, ast.If)
            and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        ):
            return
        for module, names in imported_modules(node, package):
            if module.startswith("toolkit."):
                found.append(Import(relative, node.lineno, module, names))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=relative))
    return found


def test_shared_modules_import_no_feature():
    """A feature may use ``access.py``, ``forms.py``, ``audit.py``, ``ownership.py`` ... without reaching,
    through them, a feature above it: the shared modules import features for type annotations only."""
    features = feature_packages()
    imports = [
        found
        for path in sorted(TOOLKIT.glob("*.py"))
        if path.name not in ASSEMBLY
        for found in runtime_imports(path)
        if feature_of(found.module, features) is not None
    ]
    assert imports == [], "\n".join(str(found) for found in imports)


def test_the_import_walk_sees_imports_inside_functions_and_relative_ones():
    """The walk itself: absolute, relative and in-function imports are all found and resolved to modules."""
    source = (
        "from ..codesign import live\n"
        "import toolkit.barriers.models\n"
        "def step():\n"
        "    from .operations import bump\n"
        "    from .. import codesign, web\n"
    )
    package = ["toolkit", "workshops"]
    reached = [
        module for node in ast.walk(ast.parse(source)) for module, _ in imported_modules(node, package)
    ]
    assert sorted(reached) == [
        "toolkit.barriers.models",
        "toolkit.codesign",
        "toolkit.codesign",
        "toolkit.web",
        "toolkit.workshops.operations",
    ]
    assert [feature_of(module, {"codesign", "workshops"}) for module in sorted(reached)] == [
        None,
        "codesign",
        "codesign",
        None,
        "workshops",
    ]


def test_the_cycle_finder_names_every_knot_and_nothing_else():
    """The graph side: a three-feature cycle and a mutual import are found, a one-way import is not."""
    edges = {("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): [], ("e", "f"): [], ("f", "e"): []}
    groups = strongly_connected({"a", "b", "c", "d", "e", "f"}, edges)
    assert groups == [["a", "b", "c"], ["e", "f"]]
    assert rotated(["b", *shortest_path("c", "b", groups[0], edges)]) == ("a", "b", "c", "a")


def test_no_toolkit_module_is_longer_than_400_lines():
    too_long = []
    for path in python_files():
        relative = path.relative_to(TOOLKIT)
        if relative.parts[0] in LONG_FILES_ALLOWED:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long.append(f"toolkit/{relative}: {lines} lines")
    assert too_long == [], f"modules over {MAX_LINES} lines:\n" + "\n".join(too_long)
