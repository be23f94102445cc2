"""Initial load of an empty local Neo4j through `neo4j-admin database import full`.

The driver loader (graph/neo4j_store.py) sends every row through Cypher MERGE: right for updates
and for any server, slow for a first fill of a large corpus. neo4j-admin writes the store files
directly from CSV, tens of times faster, but only into a database that is offline and that it
may overwrite. So it is used only when all of these hold:
- the target is the local server this project runs (`policykg neo4j start`, its home under
  $POLICYKG_DATA), since the import needs its files and to stop it — never a remote server;
- the database is empty (nothing to lose; the import replaces the database);
- `policykg load --initial` asks for it, or `policykg build` finds the export large
  (BULK_MIN_MB, or $POLICYKG_BULK_MIN_MB) — below that, restarting the JVM costs more than the driver load.

Steps: write the export as neo4j-admin CSV (graph/formats.py, streamed, in parts over two
processes) into a directory under the server's home while the server stops, run the import, start
the server again on the same port with the same password, create the schema (the full-text index
first, then constraints and indexes; it populates while the empty lists are set) through the driver.
The import's JVM and the server started after it run with `server.BULK_JIT` (C2 compiles later, so
it takes less of the second core from the full-text population; docs/graph-stores.md, sixth pass).
If the import fails the server is started again on the (still empty) database and the error is
reported.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from graph import StoreError, formats, open_store
from policykg import neo4j_server as server

#: `build` bulk-imports an export at least this large (nodes.jsonl + edges.jsonl) into an empty
#: local Neo4j; $POLICYKG_BULK_MIN_MB overrides it. Measured (bench/results/scale.json): at 10× the
#: seed (31 MB) the stop / import / start cycle (~120 s on the loaded VM) was slower than the driver
#: (65 s); the driver goes ~2k rows/s, so the import wins from roughly 80 MB (the seed at ~25×) up
BULK_MIN_MB = 96.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: processes writing the CSV (nodes.jsonl and edges.jsonl side by side)
CSV_JOBS = 2
#: rows per transaction setting the empty lists after the import (184k at 100×, one property each)
EMPTY_LISTS_BATCH = 10000


def local_server_at(uri: str | None) -> server.ServerInfo | None:
    """The running local server (`policykg neo4j start`) that `uri` points at, if any."""
    if not uri:
        return None
    info = server.status(check_bolt=False)
    if not info.running or not info.port:
        return None
    parsed = urlparse(uri)
    return info if parsed.hostname in LOCAL_HOSTS and parsed.port == info.port else None


def export_bytes(export_dir: str | Path) -> int:
    return sum((Path(export_dir) / name).stat().st_size for name in ("nodes.jsonl", "edges.jsonl")
               if (Path(export_dir) / name).exists())


def bulk_min_bytes() -> float:
    return float(os.environ.get("POLICYKG_BULK_MIN_MB") or BULK_MIN_MB) * 1048576


def worth_bulk(store, export_dir: str | Path) -> bool:
    """Should `build` bulk-import this export into this store? (see the module docstring)"""
    return (store.kind == "neo4j" and (store.database in (None, "neo4j"))
            and local_server_at(store.uri) is not None and export_bytes(export_dir) >= bulk_min_bytes()
            and store.is_empty())


def _check_target() -> server.ServerInfo:
    database = os.environ.get("NEO4J_DATABASE") or "neo4j"
    info = local_server_at(os.environ.get("NEO4J_URI"))
    if info is None or database != "neo4j":
        raise StoreError("a bulk import (--initial) fills the default database of the local Neo4j "
                         "(`policykg neo4j start`, data under $POLICYKG_DATA) that NEO4J_URI points at; "
                         f"NEO4J_URI={os.environ.get('NEO4J_URI')!r}, NEO4J_DATABASE={database!r} is not it — "
                         "load without --initial (the driver loader works with any server)")
    with open_store("neo4j") as store:
        if not store.is_empty():
            raise StoreError("the database is not empty: a bulk import (--initial) would replace it. Load "
                             "without --initial (upsert, or --replace to re-ingest the export's files)")
    return info


def initial_load(export_dir: str | Path, say: Callable[[str], None] = lambda m: None) -> dict:
    """Bulk-import `export_dir` into the empty local Neo4j. Returns {"nodes", "edges", "bulk"}."""
    info = _check_target()
    rows = formats.rows_of_export(export_dir)  # a torn export is refused before the server stops
    home = Path(info.home)
    csv_dir = Path(tempfile.mkdtemp(prefix="import-", dir=home))
    try:
        say(f"writing the export as neo4j-admin CSV into {csv_dir}, stopping the local Neo4j meanwhile …")
        with ThreadPoolExecutor(1) as stopper:  # the server's shutdown overlaps the CSV writing
            stopped = stopper.submit(server.stop)
            try:
                manifest = formats.write_neo4j_admin(rows, csv_dir, jobs=CSV_JOBS)
            except BaseException:  # the CSV failed: the server comes back as it was
                stopped.result()
                server.start(port=info.port)
                raise
            stopped.result()
        empty_lists = json.loads((csv_dir / "empty_lists.json").read_text(encoding="utf-8"))
        try:
            say("neo4j-admin database import full …")
            server.import_csv(formats.neo4j_admin_arguments(csv_dir))
        except server.ServerError as exc:
            raise StoreError(str(exc)) from None
        finally:
            say(f"starting the local Neo4j again on port {info.port} …")
            server.start(port=info.port, jvm_options=server.BULK_JIT)
    finally:
        shutil.rmtree(csv_dir, ignore_errors=True)
    say("creating the full-text index, constraints and indexes (they populate while empty lists are set) …")
    with open_store("neo4j") as store:
        # the full-text population is the longest step and uses about one core: it starts first,
        # and the constraint and the empty lists run beside it (measured: docs/graph-stores.md)
        store.build_fulltext(wait=False)
        store.ensure_schema(fulltext=False, wait=False)  # the constraint is online: lists are found by id
        store.restore_empty_lists(empty_lists, batch_size=EMPTY_LISTS_BATCH)
        store.ensure_schema()  # waits until every index is online
    return {"nodes": sum(manifest["node_rows"].values()), "edges": sum(manifest["relationship_rows"].values()),
            "bulk": True}
