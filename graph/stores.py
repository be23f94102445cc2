"""Opening a store by kind, and loading an export into it.

`graph/store.py` is the interface only; this module knows the implementations. `STORE_KINDS` is
the list a newcomer extends to add a store: a name and the class that implements `GraphStore`.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, Optional

from .store import GraphStore, Progress, StoreError

#: store kind → (module, class); the first is the default
STORE_KINDS: dict[str, tuple[str, str]] = {
    "embedded": ("graph.ladybug_store", "LadybugStore"),
    "neo4j": ("graph.neo4j_store", "Neo4jStore"),
}


def open_store(kind: Optional[str] = None, *, read_only: bool = False, **options: Any) -> GraphStore:
    """Open a store. `kind` is "embedded" (default; options: `path`, default the data dir's
    `graph.lbdb`, and `buffer_pool_mb`) or "neo4j" (options: uri, username, password, database,
    batch_size; defaults from NEO4J_* env). $POLICYKG_STORE picks the kind when none is given.
    `read_only=True` (the app) opens the embedded database read-only — several processes may then
    read it at once, and none can write while they do; Neo4j's reads are read transactions anyway."""
    kind = kind or os.environ.get("POLICYKG_STORE") or next(iter(STORE_KINDS))
    if kind not in STORE_KINDS:
        raise StoreError(f"unknown store {kind!r}: use " + " or ".join(repr(k) for k in STORE_KINDS))
    module, cls = STORE_KINDS[kind]
    if read_only and kind == "embedded":
        options["read_only"] = True
    return getattr(importlib.import_module(module), cls)(**options)


def load_export(store: GraphStore, export_dir: str | Path, progress: Optional[Progress] = None,
                replace: bool = False) -> dict[str, int]:
    """`policykg build` in one line: `graph.load_export(open_store(kind), out_dir, progress=cb)`.
    `replace=True` re-ingests the export's input files (`GraphStore.replace_sources`) instead of
    upserting, so what the extractor no longer finds leaves the store."""
    if replace:
        return store.replace_export(export_dir, progress=progress)
    return store.load_export(export_dir, progress=progress)
