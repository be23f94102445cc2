"""The project's structural conventions, as scans of the source tree (each shown failing on a
planted violation, so a scan that silently finds nothing cannot pass for a clean tree).

- no private name (`_x`) imported from another module;
- no import cycle between the project's modules, imports inside functions counted;
- layers: `extract/` imports nothing from `graph/`, `policykg/`, `ui/`, `app_pages/`;
  `ui/` and `app_pages/` never import `policykg/`; `kgcatalogue/` imports no project module;
- no node label or relationship type spelled as a string literal outside `kgcatalogue/`;
- no function over 60 lines in `extract/` or `graph/`;
- every `policykg` subcommand appears in the README.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kgcatalogue import BASE_LABEL, NODE_LABELS, REL_TYPES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kgcatalogue", "extract", "graph", "policykg", "ui", "app_pages")
MAX_FUNCTION_LINES = 60


# --- the scans (pure: {module name: source} in, violations out) ---------------------------------------
def project_sources() -> dict[str, str]:
    out = {"app": (ROOT / "app.py").read_text(encoding="utf-8")}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            name = ".".join(rel.parts).removesuffix(".__init__")
            out[name] = path.read_text(encoding="utf-8")
    return out


def _imports(module: str, source: str, modules: set[str]) -> list[tuple[str, str]]:
    """(imported project module, imported name or '') of every import, at any depth."""
    package = module if module in {m.rsplit(".", 1)[0] for m in modules if "." in m} and \
        any(m.startswith(module + ".") for m in modules) else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.split(".")[0] in _tops(modules)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base.split(".")[0] not in _tops(modules):
                continue
            for a in node.names:
                full = f"{base}.{a.name}"
                out.append((full, "") if full in modules else (base, a.name))
    return out


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def private_imports(sources: dict[str, str]) -> list[str]:
    mods = set(sources)
    return [f"{m} imports {target}.{name}" for m, src in sources.items() for target, name in _imports(m, src, mods)
            if name.startswith("_") and not name.startswith("__") and target != m]


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    mods = set(sources)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, src in sources.items():
        for target, _ in _imports(m, src, mods):
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != m and not m.startswith(target + "."):
                graph[m].add(target)
    return graph


def import_cycles(sources: dict[str, str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph = import_graph(sources)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    cycles.append(sorted(comp))
    return cycles


#: layer → project packages it must not import
FORBIDDEN = {
    "kgcatalogue": ("extract", "graph", "policykg", "ui", "app_pages", "app"),
    "extract": ("graph", "policykg", "ui", "app_pages", "app"),
    "ui": ("policykg",),
    "app_pages": ("policykg",),
}


def layer_breaks(sources: dict[str, str]) -> list[str]:
    out = []
    for m, targets in import_graph(sources).items():
        banned = FORBIDDEN.get(m.split(".")[0], ())
        out += [f"{m} -> {t}" for t in sorted(targets) if t.split(".")[0] in banned]
    return sorted(out)


#: modules of UI words in two languages, where "Agency" is the English word, not a graph name
WORD_TABLES = {"ui.i18n"}


def catalogue_literals(sources: dict[str, str]) -> list[str]:
    names = set(NODE_LABELS) | set(REL_TYPES) | {BASE_LABEL}
    out = []
    for m, src in sources.items():
        if m.split(".")[0] == "kgcatalogue" or m in WORD_TABLES:
            continue
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                out.append(f"{m}:{node.lineno}: {node.value!r}")
    return out


def long_functions(sources: dict[str, str], packages=("extract", "graph")) -> list[str]:
    out = []
    for m, src in sources.items():
        if m.split(".")[0] not in packages:
            continue
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    out.append(f"{m}.{node.name}: {n} lines")
    return out


def undocumented_commands(parser, readme: str) -> list[str]:
    import argparse
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    return [name for name in subs.choices if not re.search(rf"policykg {re.escape(name)}\b", readme)]


# --- the tree -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sources():
    return project_sources()


def test_no_private_name_is_imported_across_modules(sources):
    assert private_imports(sources) == []


def test_no_import_cycle(sources):
    assert import_cycles(sources) == []


def test_layers(sources):
    assert layer_breaks(sources) == []


def test_labels_and_types_only_in_the_catalogue(sources):
    assert catalogue_literals(sources) == []


def test_no_long_function_in_extract_and_graph(sources):
    assert long_functions(sources) == []


def test_every_subcommand_is_in_the_readme():
    from policykg.cli import build_parser
    assert undocumented_commands(build_parser(), (ROOT / "README.md").read_text(encoding="utf-8")) == []


# --- each scan fails on a planted violation -----------------------------------------------------------
PLANTED = {
    "extract": "",
    "extract.a": "from extract.b import _helper\n",
    "extract.b": "def f():\n    from extract.a import g\n",
    "extract.c": "import graph.store\nx = 'Document'\n",
    "graph": "", "graph.store": "", "ui": "", "ui.state": "from policykg import cli\n",
    "policykg": "", "policykg.cli": "def main():\n    from ui import state\n",
    "graph.long": "def f():\n" + "    x = 1\n" * 61,
}


def test_scans_catch_planted_violations():
    assert private_imports(PLANTED) == ["extract.a imports extract.b._helper"]
    assert sorted(map(tuple, import_cycles(PLANTED))) == [("extract.a", "extract.b"), ("policykg.cli", "ui.state")]
    assert layer_breaks(PLANTED) == ["extract.c -> graph.store", "ui.state -> policykg.cli"]
    assert catalogue_literals(PLANTED) == ["extract.c:2: 'Document'"]
    assert long_functions(PLANTED) == ["graph.long.f: 62 lines"]


def test_readme_scan_catches_a_missing_command():
    import argparse
    parser = argparse.ArgumentParser(prog="policykg")
    sub = parser.add_subparsers()
    sub.add_parser("extract")
    sub.add_parser("frobnicate")
    assert undocumented_commands(parser, "policykg extract PATH") == ["frobnicate"]
