"""Reports the cycles between the top-level modules of a Rust crate.

A module depends on another when any of its files names it through `crate::` (in a `use` or in a
path). The cycles are the strongly connected components of that graph with more than one module.

    python scripts/module_cycles.py rust/fastapi_lint_cli/src [--allow registry,rules]

Exits 1 when a cycle other than the allowed one exists, listing each with an edge's evidence.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CRATE_PATH = re.compile(r"\bcrate::(\w+)")
USE_GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\};", re.S)


def top_module(src: Path, file: Path) -> str | None:
    """The crate's top-level module that `file` belongs to (None for the crate root)."""
    parts = file.relative_to(src).with_suffix("").parts
    if parts[0] in {"lib", "main"}:
        return None
    return parts[0]


def strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def named_modules(text: str, modules: set[str]) -> set[str]:
    names = set(CRATE_PATH.findall(text))
    for group in USE_GROUP.findall(text):
        for item in re.split(r"[,{}\s]+", group):
            names.add(item.split("::")[0])
    return names & modules


def dependency_graph(src: Path) -> dict[str, dict[str, str]]:
    """module -> {module it names: a file that names it}."""
    files = sorted(src.rglob("*.rs"))
    modules = {module for file in files if (module := top_module(src, file))}
    graph: dict[str, dict[str, str]] = {module: {} for module in modules}
    for file in files:
        module = top_module(src, file)
        if module is None or file.stem == "tests":
            continue
        text = strip_comments(file.read_text())
        # Test modules may reach anywhere: they are not part of the build's structure.
        text = text.split("#[cfg(test)]")[0]
        for other in named_modules(text, modules) - {module}:
            graph[module].setdefault(other, str(file.relative_to(src)))
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("--allow", default="", help="the one cycle allowed, comma-separated")
    args = parser.parse_args()
    graph = dependency_graph(args.src)
    allowed = sorted(filter(None, args.allow.split(",")))
    bad = [component for component in cycles(graph) if component != allowed]
    for component in bad:
        print(f"cycle: {' <-> '.join(component)}")
        for module in component:
            for other, file in sorted(graph[module].items()):
                if other in component:
                    print(f"  {module} -> {other}  ({file})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
