"""Count fieldapp's import cycles from its own import statements, imports inside functions included.

    python scripts/import_graph.py            # figures
    python scripts/import_graph.py --pairs    # and each pair of parts that import each other

A *part* is a top-level package or module of fieldapp/ (``calls``, ``encounters``, ``errors``...); the
figures are: module import cycles (strongly connected groups of modules), parts in an import cycle
(strongly connected groups of parts), and pairs of parts that import each other. ``fieldapp/__init__``
and a package's ``__main__`` (a process's entry point, ``python -m fieldapp.live``) assemble the app:
they are left out of the part graph, as the top that imports everything by design (setup.cfg's
``ignore_imports`` says the same to import-linter).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "fieldapp"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement in the file, wherever it stands."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" for alias in node.names] + [module]
        else:
            continue
        for target in targets:
            # The longest known module the name starts with (from x import name: x.name may be a module).
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.startswith(PACKAGE) and target != name:
                found.append((target, node.lineno))
                break
    return found


def graph() -> dict[str, dict[str, list[int]]]:
    mods = modules()
    known = set(mods)
    edges: dict[str, dict[str, list[int]]] = {m: defaultdict(list) for m in mods}
    for name, path in mods.items():
        for target, line in imports_of(name, path, known):
            edges[name][target].append(line)
    return edges


def strongly_connected(nodes, edges) -> list[list[str]]:
    """Tarjan's algorithm; only the groups of more than one node."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return groups


def part_of(module: str) -> str | None:
    bits = module.split(".")
    if len(bits) < 2 or bits[-1] == "__main__":
        return None
    return bits[1]


def part_graph(edges) -> dict[str, dict[str, int]]:
    parts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for src, targets in edges.items():
        a = part_of(src)
        if a is None:
            continue
        parts[a]
        for dst, lines in targets.items():
            b = part_of(dst)
            if b is not None and b != a:
                parts[a][b] += len(lines)
    return parts


def main(argv: list[str]) -> int:
    edges = graph()
    module_cycles = strongly_connected(edges, edges)
    parts = part_graph(edges)
    part_cycles = strongly_connected(parts, parts)
    pairs = sorted(
        (a, b, parts[a][b], parts[b][a]) for a in parts for b in parts[a] if a < b and a in parts.get(b, {})
    )
    print(f"modules: {len(edges)}, parts: {len(parts)}")
    print(f"module import cycles: {len(module_cycles)}")
    for group in module_cycles:
        print("   ", " <-> ".join(group))
    print(f"parts in an import cycle: {sum(len(g) for g in part_cycles)} (in {len(part_cycles)} cycles)")
    for group in part_cycles:
        print("   ", ", ".join(group))
    print(f"pairs of parts that import each other: {len(pairs)}")
    if "--pairs" in argv:
        for a, b, ab, ba in pairs:
            print(f"    {a} <-> {b} ({ab} / {ba})")
    return 1 if module_cycles or part_cycles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
