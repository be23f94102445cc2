"""The cached store, the language, the corpus folder and source lines."""
from __future__ import annotations

import gc
import importlib
import os
from pathlib import Path
from typing import Any, Callable, Optional

import streamlit as st

import graph

ROOT = Path(__file__).resolve().parent.parent


def store_key() -> tuple:
    kind = os.environ.get("POLICYKG_STORE") or ("neo4j" if os.environ.get("NEO4J_URI") else "embedded")
    where = os.environ.get("NEO4J_URI") if kind == "neo4j" else str(graph.default_data_dir())
    return kind, where, os.environ.get("NEO4J_DATABASE")


@st.cache_resource(show_spinner=False)
def _open(kind: str, where: str, database: Optional[str]) -> graph.GraphStore:
    # the app only reads: the embedded database is opened read-only (a database guarantee, and
    # `policykg build` meanwhile says the store is in use instead of writing under the readers)
    return graph.open_store(kind, read_only=True)


def get_store() -> graph.GraphStore:
    """One store (and so one Neo4j driver) per process, shared by every session: Neo4j when
    NEO4J_URI is set (or POLICYKG_STORE=neo4j), else the embedded store under the data dir."""
    return _open(*store_key())


@st.cache_data(ttl=60, show_spinner=False)
def _answer(key: tuple, question: str, args: tuple, kwargs: tuple) -> Any:
    module, _, name = question.rpartition(".")
    return getattr(importlib.import_module(module), name)(get_store(), *args, **dict(kwargs))


def ask(question: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`question(store, *args, **kwargs)` — a function of graph.queries, graph.impact or graph.history — on the
    app's store, its answer cached for 60 s per store and arguments, for every session (the one
    cache of the pages' answers)."""
    return _answer(store_key(), f"{question.__module__}.{question.__name__}", args, tuple(sorted(kwargs.items())))


@st.cache_data(ttl=30, show_spinner=False)
def counts(key: tuple) -> dict:
    return get_store().counts()


def graph_counts() -> dict:
    return counts(store_key())


def corpus_dir() -> Path:
    """$POLICYKG_CORPUS, else the folder the last `policykg build` read, else ../shared/corpus."""
    env = os.environ.get("POLICYKG_CORPUS")
    if env:
        return Path(env)
    import graph
    for p in (graph.last_build(graph.default_data_dir()) or {}).get("corpus", []):
        path = Path(p)
        if path.is_dir() or path.is_file():
            return path if path.is_dir() else path.parent
    return ROOT.parent / "shared" / "corpus"


@st.cache_data(max_entries=8, show_spinner=False)
def _file_lines(path: str, mtime: float) -> list[str]:
    from extract.read import read_source  # the extractor's own reader: same decoding, same line numbers
    src = read_source(Path(path))
    return [getattr(l, "text", l) for l in src.lines]


def source_lines(file: Optional[str], start: Optional[int], end: Optional[int]) -> Optional[list[tuple[int, str]]]:
    """Lines start..end (1-based, inclusive) of an original corpus file, or None if not found."""
    if not file or not start:
        return None
    path = corpus_dir() / file
    if not path.is_file():
        found = list(corpus_dir().rglob(Path(file).name)) if corpus_dir().is_dir() else []
        if not found:
            return None
        path = found[0]
    try:
        lines = _file_lines(str(path), path.stat().st_mtime)
    except Exception:
        return None
    end = end or start
    return [(n, lines[n - 1]) for n in range(start, min(end, len(lines)) + 1)]


#: what the pages import besides Streamlit (loaded by `warm_up` before the first visitor)
PAGE_LIBRARIES = ("pandas", "altair", "networkx", "neo4j_viz", "ladybug", "graph.queries",
                  "graph.impact", "graph.history", "graph.analysis", "graph.console", "extract.read")


def warm_up() -> str:
    """Import the pages' libraries and open and read the store, in the serving process, so the
    first page view does not pay for them (`policykg app` calls this before starting Streamlit).
    Returns a one-line summary; raises graph.StoreError when the store cannot be opened."""
    import importlib

    for name in PAGE_LIBRARIES:
        importlib.import_module(name)
    store = get_store()  # cache_resource is process-wide: the pages get this very store
    counts = store.counts()  # opens the embedded database (or the Neo4j pool)
    # what is loaded by now lives as long as the process: out of the collector's full passes, whose
    # pause grows with every object they visit (~50 ms in a process of 600k objects, on a question
    # of 20 ms; docs/graph-stores.md "The collector's pauses")
    gc.freeze()
    if not sum(counts["nodes"].values()):
        return f"{store.kind} store: no graph built yet (`make run`, or `policykg build PATH`)"
    return (f"{store.kind} store: {sum(counts['nodes'].values()):,} nodes, "
            f"{sum(counts['edges'].values()):,} relationships")

