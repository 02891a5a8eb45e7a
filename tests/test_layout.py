"""The package layout is the architecture: imports point one way between the areas and no module
imports itself back through a cycle. Imports are read with ``ast`` (every import, module level or in a
function; only ``if TYPE_CHECKING:`` blocks are left out), so a lazy import cannot hide a back edge.

    core <- rules <- tracing <- flops <- solutions <- (analysis | grading) <- cli <- symcnn, __main__
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symcnn"
# the areas in dependency order: a module may import its own area and the areas of lower layers
LAYERS = {"core": 0, "rules": 1, "tracing": 2, "flops": 3, "solutions": 4, "analysis": 5, "grading": 5,
          "cli": 6, "": 7}   # "": symcnn/__init__.py (the public API) and symcnn/__main__.py


def _modules(root: Path) -> dict[str, Path]:
    out = {}
    for p in root.rglob("*.py"):
        parts = p.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (getattr(test, "id", None) == "TYPE_CHECKING"
                                         or getattr(test, "attr", None) == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node outside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def edges(root: Path = PACKAGE) -> dict[str, set[tuple[str, int, tuple[str, ...]]]]:
    """module -> {(imported module, line, names)} for the imports of symcnn's own modules."""
    mods = _modules(root)
    top = root.name
    graph: dict[str, set] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [(a.name, ()) for a in node.names if a.name.split(".")[0] == top]
            else:
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                if module.split(".")[0] != top:
                    continue
                targets = []
                for a in node.names:
                    sub = f"{module}.{a.name}"
                    targets.append((sub, ()) if sub in mods else (module, (a.name,)))
            for target, names in targets:
                if target != name:
                    graph[name].add((target, node.lineno, names))
    return graph


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else ""


def violations(root: Path = PACKAGE) -> list[str]:
    """Imports that point up or sideways between areas, as 'file:line: a imports b (why)'."""
    out = []
    for mod, targets in sorted(edges(root).items()):
        a = _area(mod)
        for target, line, names in sorted(targets):
            b = _area(target)
            if a == b or (target == root.name and names == ("__version__",)):
                continue
            if LAYERS[b] >= LAYERS[a]:
                kind = "a peer area" if LAYERS[b] == LAYERS[a] else "a higher layer"
                out.append(f"{mod}:{line}: imports {target} ({b or 'the top package'} is {kind} than {a})")
    return out


def cycles(root: Path = PACKAGE) -> list[list[str]]:
    """The import cycles between modules: strongly connected components of more than one module."""
    # ``from .. import __version__`` reads a constant the top package sets before it imports anything
    # (jsonout's "symcnn" field): not an edge a cycle can go through, as violations() says too
    graph = {m: {t for t, _, names in ts if not (t == root.name and names == ("__version__",))}
             for m, ts in edges(root).items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found = []

    def visit(v: str) -> None:   # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_imports_point_one_way():
    assert violations() == []


def test_no_import_cycles():
    assert cycles() == []


def test_every_module_lives_in_an_area():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert top == ["__init__.py", "__main__.py", "analysis", "cli", "core", "flops", "grading", "rules",
                   "solutions", "tracing"]
    for area in LAYERS:
        if area:
            init = PACKAGE / area / "__init__.py"
            assert "May import:" in init.read_text(encoding="utf-8"), f"{init} does not say what it may import"


def test_every_module_says_what_it_owns():
    for name, path in _modules(PACKAGE).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path} has no module docstring"


@pytest.fixture
def tree_copy(tmp_path):
    root = tmp_path / "symcnn"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_a_planted_back_import_is_found(tree_copy):
    fmt = tree_copy / "core" / "fmt.py"
    fmt.write_text(fmt.read_text(encoding="utf-8") + "\n\ndef _late():\n    from ..cli import main\n",
                   encoding="utf-8")
    found = violations(tree_copy)
    assert len(found) == 1 and found[0].startswith("symcnn.core.fmt:") and "symcnn.cli.main" in found[0]


def test_a_planted_peer_import_is_found(tree_copy):
    rf = tree_copy / "analysis" / "rf.py"
    rf.write_text(rf.read_text(encoding="utf-8") + "\nfrom ..grading import truth\n", encoding="utf-8")
    assert [v.split(":")[0] for v in violations(tree_copy)] == ["symcnn.analysis.rf"]
    assert "a peer area" in violations(tree_copy)[0]


def test_a_planted_cycle_is_found(tree_copy):
    steps = tree_copy / "solutions" / "steps.py"
    steps.write_text(steps.read_text(encoding="utf-8") + "\nfrom . import derivation\n", encoding="utf-8")
    assert violations(tree_copy) == []   # same area: allowed by direction, but a cycle
    assert any({"symcnn.solutions.steps", "symcnn.solutions.derivation"} <= set(c) for c in cycles(tree_copy))


def test_type_checking_imports_are_not_edges(tree_copy):
    fmt = tree_copy / "core" / "fmt.py"
    fmt.write_text(fmt.read_text(encoding="utf-8")
                   + "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import main\n",
                   encoding="utf-8")
    assert violations(tree_copy) == []
