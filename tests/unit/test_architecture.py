"""The layering rules, checked on the source: one clock, imports only downward, no import cycles in the shell."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("transcripts", "scoring", "training", "qa_app")  # each may import only those before it
CLOCK = ROOT / "qa_app" / "clock.py"
WALL_CLOCK = re.compile(r"\b(datetime\.now|datetime\.utcnow|datetime\.today|date\.today|time\.time)\s*\(")


def _sources(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, at module level) for every absolute import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno, id(node) in top))
            found += [(f"{node.module}.{a.name}", node.lineno, id(node) in top) for a in node.names]
    return found


def test_only_the_clock_module_reads_the_wall_clock():
    offenders = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
                 for p in _sources(*LAYERS) if p != CLOCK
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if WALL_CLOCK.search(line)]
    assert offenders == [], "use qa_app.clock (the shell) or a `now` parameter (the core):\n" + "\n".join(offenders)


def test_tests_read_the_time_through_the_product_clock_too():
    """So that the frozen clock and faketime move a test's "now" and the product's together."""
    offenders = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
                 for p in sorted((ROOT / "tests").rglob("*.py")) if p.name != "test_architecture.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if WALL_CLOCK.search(line)]
    assert offenders == [], "\n".join(offenders)


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_each_core_package_imports_only_the_packages_below_it(layer):
    allowed = set(LAYERS[:LAYERS.index(layer) + 1])
    upward = [f"{p.relative_to(ROOT)}:{line} imports {name}" for p in _sources(layer)
              for name, line, _ in _imports(p)
              if name.split(".")[0] in LAYERS and name.split(".")[0] not in allowed]
    assert upward == []


def _shell_graph() -> dict[str, set[str]]:
    """Module -> the qa_app modules it imports, at module level or inside a function (a function-
    local import is how the old cycles were kept open, so it counts the same)."""
    modules = {_module_name(p): p for p in _sources("qa_app")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported, _, _top in _imports(path):
            if imported in modules and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_shell_has_no_import_cycles():
    """A package's __init__ is left out as a target of its own submodules: importing a submodule
    runs its package first by Python's rules, not by a choice of ours."""
    graph = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in _shell_graph().items()}
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_scoring_workers_import_no_flask_and_no_models():
    """What the scoring workers' forkserver imports (scoring_pool.PRELOAD), imported in a fresh
    process, loads neither Flask nor its extensions nor the model classes: they cost each run's
    forkserver about 0.7 CPU-s and a worker uses none of them."""
    import json
    import subprocess
    import sys

    from qa_app.services.scoring_pool import PRELOAD
    code = (f"import json, sys\nfor name in {list(PRELOAD)!r}:\n    __import__(name)\n"
            "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                       check=True).stdout)
    unwanted = [m for m in loaded if m.split(".")[0] in ("flask", "flask_sqlalchemy", "flask_babel", "flask_login",
                                                         "flask_wtf", "werkzeug", "jinja2")
                or m.startswith(("qa_app.models", "qa_app.extensions", "qa_app.settings"))]
    assert "qa_app.services.scoring_worker" in loaded and unwanted == []
