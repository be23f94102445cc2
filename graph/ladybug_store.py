"""The embedded store: LadybugDB (the continuation of Kùzu), an on-disk graph database in process.

Files: the database is one file, default `data/graph.lbdb` (or `$POLICYKG_DATA/graph.lbdb`), with a
write-ahead log `graph.lbdb.wal` beside it while it is open and a lock file `graph.lbdb.lock`. Tables and typed columns:
graph/ladybug_schema.py.

- Writes are ACID transactions of the database: a load or a re-ingest is one transaction (COPY of
  new rows from Parquet files, `LOAD FROM … SET` of changed ones), so a failure or a crash leaves
  the graph as it was before it, and nothing is rewritten whole. The export is streamed, never held
  whole (graph/ladybug_load.py: the one writer, also of `load(Export)`), and checked before anything
  is written.
- One process writes at a time, and not while others read: a writer holds `graph.lbdb.lock`
  exclusively, readers (`read_only=True`, as the app opens it) hold it shared. A `policykg build`
  while the app runs gets `StoreBusy` naming the file, not a traceback; any number of read-only
  processes may read at once.
- Within a process, one `Database` per file is shared by every store object, and each thread gets
  its own connection (Streamlit serves sessions from several threads); writes are serialised.
- `in_one_read` runs a question in one read-only transaction: one snapshot, and no write can slip in.
- Cypher (`run_cypher`) is Neo4j's as far as the dialects agree, translated where they do not
  (graph/cypher_dialect.py); reads run in a read-only transaction with a time limit that interrupts
  the query, inside a bounded buffer pool.
- An older data directory holding `graph.json` (the NetworkX store of earlier versions) is loaded
  into the new database the first time it is opened (`migrate_legacy_json`).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence


from . import cypher_dialect, model
from .datadir import default_data_dir
from .export import Export, from_records
from .facets import Facet, FacetCypher, Filter, count_rows, counting_queries, edge_alias, edge_props, types_of
from .ladybug_load import ExportFiles, ExportRows, LoadPlan, Rows, TableFiles, Upsert
from .ladybug_schema import REST, Schema, decode, decode_row, quote
from .store import (DEFAULT_CYPHER_LIMIT, DOCUMENT_PROPERTY, DOCUMENTED_LABELS, Direction, GraphStore,
                    LoadError, Progress, StoreError, StoreUnavailable, Where, order_cypher, two_type_degrees,
                    where_cypher)

DATABASE_FILE = "graph.lbdb"
LEGACY_FILE = "graph.json"
#: the database's page cache when reading (the app, the console): also what bounds a runaway query's memory
DEFAULT_BUFFER_POOL_MB = 512


def write_buffer_pool_mb() -> int:
    """The page cache of a store opened for writing: a load is one transaction, and its changes must
    fit in the cache. A ceiling, not a reservation (measured at 100× the seed, 253k nodes and 803k
    edges: a load and a re-ingest peak at ~0.9 GB RSS with 512 MB as with 5.9 GB), so it is generous:
    a quarter of the machine's memory, between 1 and 8 GB, for corpora larger still;
    $POLICYKG_EMBEDDED_WRITE_MB sets it."""
    if os.environ.get("POLICYKG_EMBEDDED_WRITE_MB"):
        return max(64, int(os.environ["POLICYKG_EMBEDDED_WRITE_MB"]))
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1048576
    except (ValueError, OSError, AttributeError):
        total_mb = 4096
    return max(1024, min(8192, total_mb // 4))
#: a pooled connection is closed after serving this many calls: LadybugDB 0.22 keeps something of
#: every distinct parametrised query text a connection runs in the page cache until the connection
#: closes (a read-only store's 512 MB filled after ~1,000 different texts, 64 MB after ~110: a
#: long-running app asking pages at many offsets); a new connection costs well under a millisecond
CONNECTION_USES = 50
#: up to this many ids an expansion filters the table by `id IN $ids`; above, it joins (measured:
#: 2,000 ids on 60k measures take 2 s one way and 46 ms the other; 20 ids, 20 ms and 58 ms)
_FEW_IDS = 100
_PRINTING_PROPERTIES = ("source_file", "line_start", "line_end", "sources_json")
_MATCH_FIELDS = ("id", "label", *sorted({label.display for label in model.NODE_LABELS.values()}
                                       | {"name", "title"}), *model.BRIEF_PROPERTIES)


class StoreBusy(StoreUnavailable):
    """Another process holds the database (it writes, or it reads while this one wants to write)."""


def _ladybug():
    import ladybug  # imported here so that importing graph does not load the database engine
    return ladybug


class _Shared:
    """The one open Database of a file in this process, shared by its store objects."""
    registry: dict[str, "_Shared"] = {}
    registry_lock = threading.Lock()

    def __init__(self, database: Any, read_only: bool, lock_file: Any):
        self.database, self.read_only, self.users = database, read_only, 0
        self.lock_file = lock_file
        self.write_lock = threading.Lock()
        # id → (label, offset in its table) of nodes looked up, for every store object on this file:
        # valid while the database is open (no other process writes while this one holds the lock);
        # this process's writes clear it
        self.labels: dict[str, tuple[str, int]] = {}


def _lock(path: Path, read_only: bool) -> Any:
    """`graph.lbdb.lock`, held shared by readers and exclusively by a writer while the database is
    open: the engine itself lets a writer open a file that read-only processes are reading."""
    lock_file = open(str(path) + ".lock", "a+")
    try:
        fcntl.flock(lock_file, (fcntl.LOCK_SH if read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        doing = ("is being written by another process (a load or build still running)" if read_only else
                 "is in use by another process (the app, or a load or build still running)")
        raise StoreBusy(f"the embedded store {path} {doing}: stop it or wait for it, then run this "
                        "again") from None
    return lock_file


def _open_shared(path: Path, read_only: bool, buffer_pool_mb: int) -> _Shared:
    key = str(path.resolve())
    with _Shared.registry_lock:
        shared = _Shared.registry.get(key)
        if shared is not None and shared.read_only and not read_only:
            raise StoreBusy(f"the embedded store {path} is open read-only in this process; close that "
                            "store before writing")
        if shared is None:
            lock_file = _lock(path, read_only)
            try:
                database = _ladybug().Database(str(path), read_only=read_only,
                                               buffer_pool_size=buffer_pool_mb * 1024 * 1024)
            except RuntimeError as exc:
                lock_file.close()
                if "lock" in str(exc).lower():
                    raise StoreBusy(f"the embedded store {path} is in use by another process: stop it, "
                                    "then run this again") from None
                raise StoreUnavailable(f"cannot open the embedded store {path}: {exc}") from None
            shared = _Shared.registry[key] = _Shared(database, read_only, lock_file)
        shared.users += 1
        return shared


def _release_shared(path: Path, shared: _Shared) -> None:
    with _Shared.registry_lock:
        shared.users -= 1
        if shared.users == 0:
            _Shared.registry.pop(str(path.resolve()), None)
            shared.database.close()
            shared.lock_file.close()  # closing the file releases the lock


class LadybugStore(GraphStore):
    kind = "embedded"

    def __init__(self, path: str | Path | None = None, read_only: bool = False,
                 buffer_pool_mb: Optional[int] = None, migrate: bool = True):
        self.path = Path(path) if path is not None else default_data_dir() / DATABASE_FILE
        self.read_only = read_only
        self._edge_counts: dict[tuple[str, str], bool] = {}  # (match, node) → one edge per neighbour
        self.buffer_pool_mb = buffer_pool_mb or (DEFAULT_BUFFER_POOL_MB if read_only else write_buffer_pool_mb())
        self.migrate = migrate  # load an old graph.json lying beside a database not built yet
        self._shared: Optional[_Shared] = None
        self._open_lock = threading.Lock()
        self._local = threading.local()  # the connection a thread is using, and its read transaction
        self._idle: list[Any] = []  # connections not in use
        self._uses: dict[int, int] = {}  # how many calls each pooled connection has served
        self._pool_lock = threading.Lock()
        self._schema: Optional[Schema] = None

    # -- opening ----------------------------------------------------------------------------------
    def _database(self) -> Optional[_Shared]:
        """The open database; None when reading a store that was never built (reads answer empty)."""
        if self._shared is None:
            with self._open_lock:
                if self._shared is None:
                    if not self.path.exists() and self.migrate:
                        migrate_legacy_json(self.path, self.buffer_pool_mb)
                    if not self.path.exists() and self.read_only:
                        return None
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._shared = _open_shared(self.path, self.read_only, self.buffer_pool_mb)
                    if not self.read_only:
                        self._ensure()  # the catalogue's tables, on a new database
        return self._shared

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """A connection for this thread for the length of a call (nested calls share it); it goes
        back to a pool afterwards, so short-lived threads (Streamlit runs every rerun of a page in
        a new one) do not pile connections up. None when reading a store that was never built."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        shared = self._database()
        if shared is None:
            yield None
            return
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else _ladybug().Connection(shared.database)
        self._local.conn = conn
        try:
            yield conn
        finally:
            self._local.conn = None
            with self._pool_lock:
                uses = self._uses.pop(id(conn), 0) + 1
                if self._shared is shared and uses < CONNECTION_USES:
                    self._uses[id(conn)] = uses
                    self._idle.append(conn)
                else:  # retired: what it kept of the queries it ran is freed (see CONNECTION_USES)
                    with contextlib.suppress(Exception):
                        conn.close()

    def close(self) -> None:
        with self._open_lock:
            with self._pool_lock:
                for conn in self._idle:
                    with contextlib.suppress(Exception):
                        conn.close()
                self._idle.clear()
            if self._shared is not None:
                _release_shared(self.path, self._shared)
                self._shared = None

    # -- plumbing ---------------------------------------------------------------------------------
    def _rows(self, query: str, **params: Any) -> list[list[Any]]:
        """Run the store's own (LadybugDB-dialect) Cypher; rows as lists."""
        with self._connection() as conn:
            if conn is None:
                return []
            try:
                result = conn.execute(query, params)
                try:
                    return result.get_all()
                finally:
                    result.close()  # now, not when collected: an open result holds pages of the cache
            except RuntimeError as exc:
                raise StoreError(f"the embedded store failed on its own query ({exc}): {query[:200]}") from exc

    def schema(self) -> Schema:
        """Tables and columns as the database has them (read once, then kept up to date)."""
        if self._schema is None:
            schema = Schema()
            for _, name, kind, *_ in self._rows("CALL show_tables() RETURN *"):
                columns = {c[1]: c[2].replace("BOOLEAN", "BOOL")
                           for c in self._rows(f"CALL table_info('{name}') RETURN *")}
                if kind == "NODE":
                    schema.node_columns[name] = columns
                else:
                    schema.rel_columns[name] = columns
                    schema.pairs[name] = {(s, o) for s, o, *_ in self._rows(f"CALL show_connection('{name}') RETURN *")}
            self._schema = schema
        return self._schema

    def _ensure(self, plan: Optional[LoadPlan] = None) -> None:
        """Tables and columns for the rows `plan` describes, the catalogue's at least (DDL runs
        outside the load's transaction)."""
        schema = self.schema()
        try:
            with self._connection() as conn:
                for statement in schema.plan(plan.node_kinds if plan else {}, plan.edge_kinds if plan else {}):
                    conn.execute(statement)
        except RuntimeError as exc:
            self._schema = None
            raise LoadError(f"preparing the embedded store's tables failed: {exc}") from exc

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Any]:
        """One write transaction on this thread's connection (writers of this process take turns)."""
        if self.read_only:
            raise StoreError(f"the embedded store {self.path} was opened read-only")
        shared = self._database()
        with shared.write_lock, self._connection() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- writing ----------------------------------------------------------------------------------
    # Every write goes through `_write`: rows from an export directory (streamed) or an `Export` in
    # memory, planned, written to Parquet files and upserted in one transaction (graph/ladybug_load.py).
    def load_export(self, export_dir: str | Path, progress: Optional[Progress] = None) -> dict[str, int]:
        """Upsert an export directory, streamed (never the whole export in memory), in one transaction."""
        return self._write(ExportFiles(export_dir), progress)[0]

    def load(self, export: Export, progress: Optional[Progress] = None) -> dict[str, int]:
        return self._write(ExportRows(export), progress)[0]

    def replace_documents(self, doc_ids: Iterable[str], export: Export,
                          progress: Optional[Progress] = None, prune_orphans: bool = False) -> dict[str, int]:
        doc_ids = sorted(set(doc_ids))
        stats, deleted, orphans, _ = self._write(ExportRows(export), progress, lambda plan: doc_ids, prune_orphans)
        stats.update(deleted_nodes=deleted, deleted_orphans=orphans)
        return stats

    def replace_export(self, export_dir: str | Path, progress: Optional[Progress] = None) -> dict[str, int]:
        """`replace_sources` of an export directory, streamed, in one transaction: the documents the
        store holds from the export's input files and those the export has are replaced."""
        def documents(plan: LoadPlan) -> list[str]:
            files = set(plan.doc_files.values())
            held = self._rows(f"MATCH (d:{quote(model.DOCUMENT)}) WHERE d.source_file IS NOT NULL "
                              "RETURN d.id, d.source_file")
            return sorted({d for d, f in held if f in files} | set(plan.doc_files))
        stats, deleted, orphans, plan = self._write(ExportFiles(export_dir), progress, documents, prune_orphans=True)
        stats.update(deleted_nodes=deleted, deleted_orphans=orphans, replaced_files=len(set(plan.doc_files.values())))
        return stats

    def _write(self, rows: Rows, progress: Optional[Progress],
               replacing: Optional[Callable[[LoadPlan], Sequence[str]]] = None,
               prune_orphans: bool = False) -> tuple[dict[str, int], int, int, LoadPlan]:
        """Upsert `rows` — after clearing the documents `replacing(plan)` names, when given — and
        tidy up, in one transaction. Returns stats, cleared, pruned, and the rows' plan."""
        if self.read_only:
            raise StoreError(f"the embedded store {self.path} was opened read-only")
        self._database().labels.clear()
        known = {} if rows.closed else self._labels_of(rows.outside_ids())
        with tempfile.TemporaryDirectory(prefix="policykg-load-") as tmp:
            plan = LoadPlan(rows, self.schema(), known, Path(tmp))
            self._ensure(plan)
            doc_ids = replacing(plan) if replacing else None
            files = TableFiles(plan, self.schema(), progress)
            stats, cleared, pruned = self._transaction(plan, files, doc_ids, prune_orphans, progress)
        return stats, cleared, pruned, plan

    def _transaction(self, plan: LoadPlan, files: TableFiles, doc_ids: Optional[Sequence[str]],
                     prune_orphans: bool, progress: Optional[Progress]) -> tuple[dict[str, int], int, int]:
        """The write itself: clear `doc_ids` (a re-ingest), upsert the table files, tidy up."""
        try:
            with self._writing() as conn:
                upsert = Upsert(conn, self.schema(), files, progress)
                cleared = self._clear(conn, doc_ids, plan, upsert) if doc_ids is not None else 0
                upsert.run()
                conn.execute(f"MATCH (d:{quote(model.DOCUMENT)}) WHERE d.in_corpus = false "
                             "AND NOT EXISTS { MATCH (d)-[]-() } DELETE d")
                pruned = self._prune(conn, plan.isolated()) if prune_orphans else 0
            self._shared.labels.clear()  # readers on other threads may have cached during the write
        except RuntimeError as exc:
            hint = (f" — the load is one transaction and did not fit in the database's {self.buffer_pool_mb} MB "
                    "page cache: set POLICYKG_EMBEDDED_WRITE_MB higher and run it again"
                    if "buffer pool is full" in str(exc) else "")
            raise LoadError(f"writing to the embedded store {self.path} failed, nothing was changed: "
                            f"{exc}{hint}") from exc
        return files.counts(), cleared, pruned

    def _clear(self, conn: Any, doc_ids: Sequence[str], plan: LoadPlan, upsert: Upsert) -> int:
        """Make way for the documents' new rows: what they own that the rows no longer have goes
        with its edges, and so do the edges leaving them or what they own, or entering what they
        own, that the rows no longer have; a listed document the rows do not have stays only as a
        cited stub. Returns how many nodes they owned (as Neo4j, which deletes them all first).
        Deleting everything they own and writing it back gives the same graph, but at 100× the
        seed that took 137 s and 1 GB inside the transaction (see docs/graph-stores.md)."""
        owned = self._owned(conn, doc_ids)
        tables = self.schema().node_columns
        by_id(conn, tables, [i for i in owned if i not in plan.ids], "DETACH DELETE n")
        kept = [i for i in owned if i in plan.ids]
        upsert.stale_edges(sources=[*doc_ids, *kept], targets=kept)
        columns = self.schema().node_columns[model.DOCUMENT]
        unset = "".join(f", d.{quote(p)} = NULL" for p in _PRINTING_PROPERTIES if p in columns)
        gone = [d for d in doc_ids if d not in plan.ids]
        conn.execute(f"UNWIND $ids AS i MATCH (d:{quote(model.DOCUMENT)}) WHERE d.id = i "
                     f"SET d.in_corpus = false{unset}", {"ids": gone})  # kept only as a cited stub
        return len(owned)

    def _owned(self, conn: Any, doc_ids: Sequence[str]) -> list[str]:
        """Ids reached from the documents through incoming PART_OF (not the documents themselves)."""
        owned: set[str] = set()
        level = list(doc_ids)
        while level:
            rows = by_id(conn, self.schema().node_columns, level, f"MATCH (c)-[:{model.PART_OF}]->(n) RETURN DISTINCT c.id")
            level = [c for (c,) in rows if c not in owned and c not in doc_ids]
            owned.update(level)
        return sorted(owned)

    def _prune(self, conn: Any, keep: set[str]) -> int:
        """Delete the nodes (documents apart) nothing points at, but those in `keep`."""
        rows = conn.execute(f"MATCH (n) WHERE label(n) <> '{model.DOCUMENT}' AND NOT EXISTS {{ MATCH (n)-[]-() }} "
                            "RETURN n.id", {}).get_all()
        orphans = [i for (i,) in rows if i not in keep]
        by_id(conn, self.schema().node_columns, orphans, "DELETE n")
        return len(orphans)

    def _labels_of(self, ids: Sequence[str]) -> dict[str, str]:
        """id → label of the nodes the store holds among `ids`."""
        if not ids:
            return {}
        return {i: label for label, hits in self._locate(ids).items() for i in hits}

    # -- reading ----------------------------------------------------------------------------------
    def in_one_read(self, work: Callable[[], Any]) -> Any:
        with self._connection() as conn:
            if conn is None or getattr(self._local, "reading", False):
                return work()
            conn.execute("BEGIN TRANSACTION READ ONLY")
            self._local.reading = True
            try:
                return work()
            finally:
                self._local.reading = False
                with contextlib.suppress(RuntimeError):
                    conn.execute("COMMIT")

    def counts(self) -> dict[str, dict[str, int]]:
        if self._database() is None:
            return {"nodes": {}, "edges": {}}
        schema = self.schema()
        nodes = {label: self._rows(f"MATCH (n:{quote(label)}) RETURN count(*)")[0][0] for label in schema.node_columns}
        edges = {t: self._rows(f"MATCH ()-[r:{quote(t)}]->() RETURN count(*)")[0][0] for t in schema.rel_columns}
        return {"nodes": {k: v for k, v in sorted(nodes.items()) if v},
                "edges": {k: v for k, v in sorted(edges.items()) if v}}

    # Lookups by id go table by table through each table's primary-key index (`UNWIND $ids AS i
    # MATCH (n:Label {id: i})`): one pattern over every table cannot use them. Nodes come back as
    # `n.*` (the table's own columns), which the binding converts twice as fast as whole nodes.
    def _table_nodes(self, label: str, where: str, columns: Optional[Sequence[str]] = None, then: str = "",
                     **params: Any) -> list[dict[str, Any]]:
        """Nodes of one table: `MATCH (n:Label) {where} RETURN n.* {then}` (or only `columns` of it)
        as stored dicts with `label`."""
        if self._database() is None or label not in self.schema().node_columns:
            return []
        have = self.schema().node_columns[label]
        wanted = "n.*" if columns is None else ", ".join(f"n.{quote(c)}" for c in columns if c in have)
        try:
            with self._connection() as conn:
                result = conn.execute(f"{where.format(n=f'n:{quote(label)}')} RETURN {wanted}{then}", params)
                rows = result.get_all()
                names = [c[2:] for c in result.get_column_names()]  # "n.title" → "title"
                result.close()  # while its connection is open (a retired connection closes its results)
        except RuntimeError as exc:
            raise StoreError(f"the embedded store failed reading {label} nodes: {exc}") from exc
        out = []
        for row in rows:
            node = decode_row(names, row)
            node["label"] = label
            out.append(node)
        return out

    def _locate(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """label → those of `ids` its table holds (primary-key lookups)."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, list[str]] = {}
        if not ids or self._database() is None:
            return found
        labels = self._shared.labels
        unknown = [i for i in ids if i not in labels]
        for label in self.schema().node_columns if unknown else ():
            for i, at in self._rows(f"UNWIND $ids AS i MATCH (n:{quote(label)} {{id: i}}) RETURN n.id, offset(id(n))",
                                    ids=unknown):
                labels[i] = (label, at)
        if len(labels) > 500_000:
            labels.clear()
        for i in ids:
            if i in labels:
                found.setdefault(labels[i][0], []).append(i)
        return found

    def get_nodes(self, ids: Iterable[str], properties: Optional[Sequence[str]] = None
                  ) -> dict[str, dict[str, Any]]:
        out = {}
        columns = None if properties is None else ["id", *properties]
        for label, hits in self._locate(ids).items():
            for node in self._table_nodes(label, "UNWIND $ids AS i MATCH ({n} {{id: i}})", columns, ids=hits):
                out[node["id"]] = node
        return out

    def find_nodes(self, label: str, props: str | Sequence[str], values: Iterable[Any]) -> list[dict[str, Any]]:
        props = [props] if isinstance(props, str) else list(props)
        values = list(values)
        columns = self.schema().node_columns.get(label) if self._database() is not None else None
        if columns is None:
            return []
        tests = []
        for prop in props:
            if prop in columns and columns[prop].endswith("[]"):
                tests.append(f"list_has_any(n.{quote(prop)}, $values)")
            elif prop in columns:
                tests.append(f"n.{quote(prop)} IN $values")
        found = {n["id"]: n for n in self._table_nodes(label, f"MATCH ({{n}}) WHERE {' OR '.join(tests)}",
                                                        values=values)} if tests else {}
        if any(p not in columns for p in props):  # a property kept in _rest_json: look at every node
            wanted = set(v for v in values if not isinstance(v, list))
            for n in self._table_nodes(label, f"MATCH ({{n}}) WHERE n.{REST} IS NOT NULL"):
                for prop in props:
                    value = n.get(prop)
                    if bool(wanted & set(value)) if isinstance(value, list) else value in wanted:
                        found.setdefault(n["id"], n)
        return list(found.values())

    def _rel(self, rel_types: Optional[Iterable[str]], var: str = "r") -> Optional[str]:
        """`r` or `r:A|B` (`var` names the edge) for the types the store has; None when none of the
        asked types exists."""
        if rel_types is None:
            return var
        have = sorted(set(rel_types) & set(self.schema().rel_columns))
        return f"{var}:" + "|".join(quote(t) for t in have) if have else None

    def _oriented(self, ids: Iterable[str], rel_types: Optional[Iterable[str]], direction: Direction,
                  extra: str = "") -> list[list[Any]]:
        """Rows [source id, type, target id, …extra] of the edges at `ids` (`a` is the node of `ids`,
        `b` the far end, `r` the edge), one row per edge."""
        located = self._locate(ids)
        rel = self._rel(rel_types) if located else None
        if rel is None:
            return []
        rows: dict[tuple, list[Any]] = {}
        for label, hits in located.items():
            sides = self._sides(label, rel_types) if direction == "both" else None
            if sides is not None:  # each type has the label at one end only: one query both ways
                for row in self._rows(f"{self._start(label, hits)} MATCH (a)-[{rel}]-(b) "
                                      f"RETURN a.id, label(r), b.id{extra}", **self._starting(hits)):
                    row[:3] = row[:3] if sides[row[1]] == "out" else [row[2], row[1], row[0]]
                    rows.setdefault(tuple(row[:3]), row)
                continue
            for way in (("out", "in") if direction == "both" else (direction,)):
                pattern = f"(a)-[{rel}]->(b)" if way == "out" else f"(b)-[{rel}]->(a)"
                ends = "a.id, label(r), b.id" if way == "out" else "b.id, label(r), a.id"
                for row in self._rows(f"{self._start(label, hits)} MATCH {pattern} RETURN {ends}{extra}",
                                      **self._starting(hits)):
                    rows.setdefault(tuple(row[:3]), row)
        return list(rows.values())

    def _sides(self, label: str, rel_types: Optional[Iterable[str]]) -> Optional[dict[str, Direction]]:
        """For each of `rel_types` the one side nodes of `label` take in it ("out": its source), or
        None when some type has them on both sides (PART_OF: a measure in a measure): then the two
        directions are asked apart. One query for both saves LadybugDB a second scan for the start
        nodes (14 ms of a page's 50 measures at 100×)."""
        pairs = self.schema().pairs
        sides: dict[str, Direction] = {}
        for t in (rel_types if rel_types is not None else pairs):
            ends = pairs.get(t, set())
            out, into = any(s == label for s, _ in ends), any(o == label for _, o in ends)
            if out and into:
                return None
            sides[t] = "out" if out else "in"
        return sides

    def expand(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
               direction: Direction = "out") -> list[tuple[str, str, str]]:
        return sorted(tuple(e) for e in self._oriented(ids, rel_types, direction))

    def relationships(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                      direction: Direction = "both", limit: Optional[int] = None, offset: int = 0
                      ) -> list[dict[str, Any]]:
        located = self._locate(ids)
        if (limit is not None or offset) and len(located) == 1 and direction != "both":
            rel = self._rel(rel_types)  # one table, one direction: the database orders and pages
            if rel is None or limit == 0:
                return []
            label, hits = next(iter(located.items()))
            ends = "a.id, label(r), b.id" if direction == "out" else "b.id, label(r), a.id"
            rows = self._rows(f"{self._start(label, hits)} MATCH {self._way(rel, direction)} RETURN {ends}, r "
                              f"ORDER BY {ends} SKIP {int(offset)}" + (f" LIMIT {int(limit)}" if limit is not None else ""),
                              **self._starting(hits))
        else:
            rows = sorted(self._oriented(ids, rel_types, direction, ", r"), key=lambda e: e[:3])
            rows = rows[offset:None if limit is None else offset + limit]
        return [{**decode(r), "source": s, "type": t, "target": o} for s, t, o, r in rows]

    def edges_among(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None
                    ) -> list[tuple[str, str, str]]:
        keep = list(dict.fromkeys(ids))
        located = self._locate(keep)
        rel = self._rel(rel_types) if located else None
        edges: set[tuple[str, str, str]] = set()
        for label, hits in located.items() if rel else ():
            # from the targets' side: a hub's 12,000 outgoing edges are never read, only what enters `ids`
            edges.update(tuple(e) for e in self._rows(f"{self._start(label, hits)} MATCH (b)-[{rel}]->(a) "
                                                      "WHERE b.id IN $keep RETURN b.id, label(r), a.id",
                                                      keep=keep, **self._starting(hits)))
        return sorted(edges)

    def expand_with_nodes(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                          direction: Direction = "out"
                          ) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, Any]]]:
        ids = list(ids)
        edges = self.expand(ids, rel_types, direction)
        start = set(ids)
        far = {n for s, _, o in edges for n in (s, o) if n not in start}
        return edges, dict(sorted(self.get_nodes(far).items()))

    def containing_documents(self, ids: Iterable[str]) -> dict[str, Optional[dict[str, Any]]]:
        ids = list(ids)
        named = self._named_documents(ids)
        nearest = {**self._walked_documents([i for i in ids if i not in named]), **named}
        docs = self.get_nodes({d for d in nearest.values() if d})
        return {i: docs.get(nearest[i]) if nearest.get(i) else None for i in ids}

    def _named_documents(self, ids: Sequence[str]) -> dict[str, str]:
        """id → the document its `document` property names (measures and obligations that have it)."""
        columns = self.schema().node_columns if self._database() is not None else {}
        named: dict[str, str] = {}
        for label, hits in self._locate(ids).items():
            if label in DOCUMENTED_LABELS and DOCUMENT_PROPERTY in columns.get(label, {}):
                # primary-key lookups (`a.id IN $ids` scans the table: 190 ms on 100× the seed's measures)
                named.update((i, d) for i, d in self._rows(f"UNWIND $ids AS i MATCH (a:{quote(label)} {{id: i}}) "
                                                           f"RETURN a.id, a.{quote(DOCUMENT_PROPERTY)}", ids=hits) if d)
        return named

    def _walked_documents(self, ids: Sequence[str]) -> dict[str, Optional[str]]:
        """id → the nearest document through PART_OF (for nodes without the `document` property)."""
        parents: dict[str, list[tuple[str, str]]] = {}  # PART_OF, level by level for all ids at once
        level = set(ids)
        while level:
            rows = self._oriented(level, [model.PART_OF], "out", ", label(b)")
            for child, _, parent, label in rows:
                parents.setdefault(child, []).append((parent, label))
            level = {p for _, _, p, _ in rows} - set(parents)
        nearest: dict[str, Optional[str]] = {}
        for start in ids:  # the nearest document wins, the smallest id on a tie
            seen, front, found = {start}, [start], None
            while front and found is None:
                ups = [(p, label) for node in front for p, label in parents.get(node, ()) if p not in seen]
                docs = sorted(p for p, label in ups if label == model.DOCUMENT)
                found = docs[0] if docs else None
                front = list(dict.fromkeys(p for p, _ in ups))
                seen.update(front)
            nearest[start] = found
        return nearest

    def text_matches(self, text: str, limit: int, label_order: Sequence[str], labels: Optional[Sequence[str]] = None,
                     cap: Optional[int] = None) -> list[dict[str, Any]]:
        needle = text.strip().lower()
        rank = {label: i for i, label in enumerate(label_order)}
        out: list[dict[str, Any]] = []
        schema = self.schema() if self._database() is not None else Schema()
        for label in sorted((lab for lab in model.NODE_LABELS.values() if labels is None or lab.name in labels),
                            key=lambda lab: rank.get(lab.name, len(rank))):
            # once `limit` inexact hits of better-ranked labels are in hand, this label's inexact hits
            # cannot be among the first `limit`: only its exact ones are fetched (a two-letter word
            # matches ~50,000 measures of a large corpus, and fetching them is what costs)
            better = sum(1 for h in out if not h["exact"] and rank.get(h["label"], len(rank))
                         < rank.get(label.name, len(rank)))
            out += self._text_hits(label, needle, schema, exact_only=better >= limit,
                                   first=None if cap is None else cap + 1)
        out.sort(key=lambda h: (not h["exact"], rank.get(h["label"], len(rank)), h["length"], h["id"]))
        return out[:limit]

    def _text_hits(self, label: model.NodeLabel, needle: str, schema: Schema, exact_only: bool,
                   first: Optional[int] = None) -> list[dict[str, Any]]:
        """Nodes of `label` containing `needle` (only those equal to it, `exact_only`), at most the
        `first` the table gives."""
        columns = schema.node_columns.get(label.name, {})
        props = [p for p in label.text_properties if p in columns]
        if not props:
            return []

        # a needle with letters matches them in any case: a case-insensitive regular expression (RE2,
        # the needle quoted) finds the candidates — lower-casing every value took 7× as long (0.5 s
        # over the 100× corpus's measures); a needle without letters is compared as it is
        cased = needle.upper() != needle
        quoted = "\\Q" + needle.replace("\\E", "\\E\\\\E\\Q") + "\\E"

        def test(p: str) -> str:  # a candidate filter in the database (a list is compared as its text)
            listed = columns[p].endswith("[]")
            value = f"CAST(n.{quote(p)} AS STRING)" if listed else f"n.{quote(p)}"
            if cased:
                return f"regexp_matches({value}, {'$anywhere' if listed or not exact_only else '$entire'})"
            return value + (" = $t" if exact_only and not listed else " CONTAINS $t")
        shown = dict.fromkeys((*props, *(f for f in _MATCH_FIELDS if f != "label"), REST))
        hits = []
        within = f" LIMIT {int(first)}" if first is not None else ""
        for node in self._table_nodes(label.name, f"MATCH ({{n}}) WHERE {' OR '.join(map(test, props))}",
                                      columns=list(shown), then=within, t=needle,
                                      **({"anywhere": f"(?i){quoted}", "entire": f"(?i)^{quoted}$"} if cased else {})):
            values = [v for p in props for v in (node.get(p) if isinstance(node.get(p), list) else [node.get(p)])
                      if isinstance(v, str)]
            keys = [(v.lower() != needle, len(v)) for v in values if needle in v.lower()]  # exact keys
            if keys and not (exact_only and min(keys)[0]):
                inexact, length = min(keys)
                hit = {k: node[k] for k in _MATCH_FIELDS if node.get(k) is not None}
                hit.update(exact=not inexact, length=length)
                hits.append(hit)
        return hits

    # -- aggregating primitives: counted, paired and paged in the database -------------------------
    def _start(self, label: str, hits: Sequence[str]) -> str:
        """`a`, the nodes of `hits` (located: `_locate`) in one table, `$ids` their ids. A few: by
        their offsets in the table, then checked by id (LadybugDB expands from offsets without a scan:
        50 measures of 100k, 13 ms instead of 66–130 ms by `a.id IN $ids`; on a store opened read-only
        only: no process writes while it is open, so an offset cannot move). Many: a hash join with
        the ids (LadybugDB 0.22 checks `IN` element by element)."""
        if len(hits) > _FEW_IDS:
            return f"UNWIND $ids AS i MATCH (a:{quote(label)}) WHERE a.id = i"
        if not self.read_only:  # offsets only where nothing writes (the app, the CLI's questions)
            return f"MATCH (a:{quote(label)}) WHERE a.id IN $ids"
        # a parameter, not literals: every distinct query text is kept by the database (a cache
        # that fills the page cache after a few hundred different lists)
        return f"MATCH (a:{quote(label)}) WHERE offset(id(a)) IN $positions AND a.id IN $ids"

    def _starting(self, hits: Sequence[str]) -> dict[str, Any]:
        """The parameters of `_start` for `hits`."""
        return {"ids": list(hits), "positions": [self._shared.labels[i][1] for i in hits]}

    @staticmethod
    def _way(rel: str, direction: Direction, near: str = "a", far: str = "b") -> str:
        return {"out": f"({near})-[{rel}]->({far})", "in": f"({far})-[{rel}]->({near})",
                "both": f"({near})-[{rel}]-({far})"}[direction]

    def typed_degrees(self, ids: Iterable[str], rel_types: Sequence[str],
                      direction: Direction = "out") -> dict[str, dict[tuple[str, ...], int]]:
        located = self._locate(ids)
        rel = self._rel(rel_types) if located else None
        out: dict[str, dict[tuple[str, ...], int]] = {}
        have = sorted(set(rel_types) & set(self.schema().rel_columns)) if rel else []
        if len(have) == 2 and direction != "both":  # every agency's roles: 225 ms → 20 ms at 100×
            for label, hits in located.items():
                start, params = self._start(label, hits), self._starting(hits)
                per_type = self._rows(f"{start} MATCH {self._way(rel, direction)} RETURN a.id, label(r), count(*)",
                                      **params)
                first, second = (self._rel([t], v) for t, v in zip(have, ("r", "r2")))
                both = {a: n for a, n in self._rows(
                    f"{start} MATCH {self._way(first, direction)} MATCH {self._way(second, direction)} "
                    "RETURN a.id, count(*)", **params)}
                out.update(two_type_degrees(tuple(have), per_type, both))
            return out
        for label, hits in located.items() if rel else ():
            # grouped by the nodes, not their ids: 3× faster on a hub's 12,000 neighbours
            for a, types, n in self._rows(f"{self._start(label, hits)} MATCH {self._way(rel, direction)} "
                                          "WITH a, b, collect(DISTINCT label(r)) AS ts "
                                          "RETURN a.id, ts, count(*)", **self._starting(hits)):
                key = tuple(sorted(types))
                out.setdefault(a, {})[key] = out.get(a, {}).get(key, 0) + n
        return out

    def neighbour_page(self, ids: Iterable[str], rel_types: Sequence[str], direction: Direction = "out",
                       limit: Optional[int] = None, offset: int = 0, sole: bool = False,
                       order_by: Sequence[Sequence[str]] = (), labels: Optional[Sequence[str]] = None
                       ) -> tuple[int, list[str]]:
        located = self._locate(ids)
        rel = self._rel(rel_types) if located else None
        if not rel:
            return 0, []
        members = [i for hits in located.values() for i in hits]
        tests = [f"NOT EXISTS {{ MATCH {self._way(self._rel(rel_types, 'r2'), direction, 'o', 'b')} "
                 "WHERE NOT o.id IN $members }"] if sole else []
        if labels is not None:
            tests.append("label(b) IN $labels")
        where = (" WHERE " + " AND ".join(tests)) if tests else ""
        params = {"members": members} if sole else {}
        params |= {"labels": list(labels)} if labels is not None else {}
        column = self._column(rel_types if rel_types is not None else list(self.schema().rel_columns), direction)
        keys = [f"coalesce({', '.join(column(p) for p in key)}, '')" for key in order_by]
        if len(located) > 1:  # several tables: their neighbours may overlap, so the ids are merged here
            found = sorted({tuple([*row[1:], row[0]]) for label, hits in located.items() for row in self._rows(
                f"{self._start(label, hits)} MATCH {self._way(rel, direction)}{where} "
                f"RETURN DISTINCT {', '.join(['b.id', *keys])}", **self._starting(hits), **params)})
            return len(found), [row[-1] for row in found[offset:None if limit is None else offset + limit]]
        label, hits = next(iter(located.items()))
        match = f"{self._start(label, hits)} MATCH {self._way(rel, direction)}{where}"
        total = self._rows(f"{match} RETURN count(DISTINCT b)", **self._starting(hits), **params)[0][0]
        if limit == 0 or total <= offset:
            return total, []
        order = ", ".join([*(f"k{i}" for i in range(len(keys))), "i"])
        page = self._rows(f"{match} WITH DISTINCT b RETURN {', '.join(['b.id AS i', *(f'{k} AS k{i}' for i, k in enumerate(keys))])} "
                          f"ORDER BY {order} SKIP {int(offset)}"
                          + (f" LIMIT {int(limit)}" if limit is not None else ""), **self._starting(hits), **params)
        return total, [row[0] for row in page]

    def _far_tables(self, rel_types: Sequence[str], direction: Direction) -> set[str]:
        """The node tables `rel_types` reach in `direction`."""
        pairs = self.schema().pairs
        far = {(o if direction == "out" else s) for t in rel_types for s, o in pairs.get(t, ())}
        if direction == "both":
            far |= {s for t in rel_types for s, _ in pairs.get(t, ())}
        return far

    def _document_of(self, rel_types: Sequence[str], direction: Direction) -> str:
        """The expression for `b`'s document: its `document` column when every table `rel_types`
        reach in `direction` has one (measures, obligations), else NULL (walked afterwards)."""
        far = self._far_tables(rel_types, direction)
        columns = self.schema().node_columns
        held = far and all(label in DOCUMENTED_LABELS and DOCUMENT_PROPERTY in columns.get(label, {})
                           for label in far)
        return f"b.{quote(DOCUMENT_PROPERTY)}" if held else "CAST(NULL AS STRING)"

    def _column(self, rel_types: Sequence[str], direction: Direction) -> Callable[[str], str]:
        """`b`'s property `name` as the tables `rel_types` reach in `direction` have it (NULL when
        none has such a column: a query naming a column no table has is refused)."""
        far = self._far_tables(rel_types, direction)
        columns = self.schema().node_columns
        return lambda name: (f"b.{quote(name)}" if any(name in columns.get(label, {}) for label in far)
                             else "CAST(NULL AS STRING)")

    def _facet_head(self, node_id: str, rel_types: Sequence[str], direction: Direction,
                    edges: Sequence[str] = ()) -> Optional[tuple[str, dict[str, Any]]]:
        """MATCH `a` (the node) and `b` (its neighbours through `rel_types`), and how the facets
        read them (FacetCypher's keywords): one row per edge when no neighbour is reached by two
        edges (LadybugDB plans what follows a grouping WITH 2–5× slower: a sector join 25 → 136 ms
        on a hub's 12,500 measures), else WITH a, b, ts and the smallest value of each edge
        property in `edges` (graph/facets.py `edge_alias`)."""
        located = self._locate([node_id])
        rel = self._rel(rel_types) if located else None
        if not rel:
            return None
        match = f"MATCH (a:{quote(next(iter(located)))} {{id: $id}}) MATCH {self._way(rel, direction)}"
        have = {c for t in rel_types for c in self.schema().rel_columns.get(t, {})}
        end = self._end_label
        # one type one way reaches each neighbour once (the store holds one edge per source, type
        # and target); otherwise counted
        if (len(set(rel_types)) == 1 and direction != "both") or self._one_edge_each(match, node_id):
            return match, {"one_type": "label(r)", "end": end,
                           "edge": lambda e: f"r.{quote(e)}" if e in have else "CAST(NULL AS STRING)"}
        aggregates = "".join(f", min(r.{quote(e)}) AS {edge_alias(e)}" if e in have else
                             f", CAST(NULL AS STRING) AS {edge_alias(e)}" for e in edges)
        carried = "".join(f", {edge_alias(e)}" for e in edges)
        # two types: the set of those reaching `b` is {min, max} — 2× faster than collect(DISTINCT) here
        types = (f"WITH a, b, min(label(r)) AS t1, max(label(r)) AS t2{aggregates} "
                 f"WITH a, b, CASE WHEN t1 = t2 THEN [t1] ELSE [t1, t2] END AS ts{carried}"
                 if len(set(rel_types)) <= 2 else f"WITH a, b, collect(DISTINCT label(r)) AS ts{aggregates}")
        return f"{match} {types}", {"end": end}

    def _one_edge_each(self, match: str, node_id: str) -> bool:
        """Whether `match` reaches every neighbour by one edge (a count, 3 ms on a hub; kept on a
        read-only handle, where nothing changes)."""
        known = self._edge_counts.get((match, node_id)) if self.read_only else None
        if known is None:
            known = not self._rows(f"{match} WITH b, count(*) AS k WHERE k > 1 RETURN count(*)", id=node_id)[0][0]
            if self.read_only:
                self._edge_counts[(match, node_id)] = known
        return known

    def _end_label(self, rel_types: Sequence[str], direction: Direction) -> Optional[str]:
        """The label of the nodes reaching a neighbour `b` the way `a` does (`direction` from `a`),
        when one table holds them all."""
        near = self._far_tables(rel_types, {"out": "in", "in": "out"}.get(direction, direction))
        return next(iter(near)) if len(near) == 1 else None

    def neighbour_counts(self, node_id: str, rel_types: Sequence[str], direction: Direction = "out",
                         by: Sequence[Facet] = (), where: Optional[Filter] = None
                         ) -> list[tuple[tuple[str, ...], tuple, int]]:
        head = self._facet_head(node_id, rel_types, direction, edge_props(by, where))
        if head is None:
            return []
        out = []
        for query, params, missing in counting_queries(head[0], by, where, direction, self._rel,
                                                       self._column(rel_types, direction), "label(b)", **head[1]):
            out += count_rows(self._rows(query, id=node_id, **params), missing)
        return out

    def neighbours_by_document(self, node_id: str, rel_types: Sequence[str], direction: Direction = "out",
                               limit: Optional[int] = None, offset: int = 0,
                               where: Optional[Filter] = None, then: Sequence[str] = ()) -> dict[str, Any]:
        head = self._facet_head(node_id, rel_types, direction, edge_props(where=where))
        if head is None:
            return {"total": 0, "documents": 0, "rows": []}
        column = self._column(rel_types, direction)
        doc = self._document_of(rel_types, direction)
        keys = "".join(f", {column(p)} AS k{i}" for i, p in enumerate(then))

        def query(also: str = "") -> tuple[str, dict[str, Any], str]:
            """The MATCH … WHERE before a RETURN, its parameters, and how a row reads its types."""
            # no WITH before RETURN: it would make LadybugDB plan the filters' joins 1.5× slower
            facets = FacetCypher(direction, self._rel, column, "label(b)", **head[1])
            return f"{head[0]}{facets.where(where, also)} ", {"id": node_id, **facets.params}, facets.types
        text, params, types = query()
        if limit is None and not then:  # every row: one query (no count first), ordered here
            return self._page_ordered_here(text + f"RETURN b.id, {types}, {doc}", params, None, offset)
        sizes = {d: n for d, n in self._rows(text + f"RETURN {doc}, count(*)", **params)}
        total, undocumented = sum(sizes.values()), sizes.pop(None, 0)
        if undocumented:  # nodes without the property (an older export): walked, and every row ordered here
            return self._page_ordered_here(text + f"RETURN b.id, {types}, {doc}", params, limit, offset)
        if limit == 0 or offset >= total:
            return {"total": total, "documents": len(sizes), "rows": []}
        # the page reads only the documents it spans (counted above): 8–14 ms instead of 28–36 ms
        # ordering a hub's 12,500 measures at 100×
        skip, docs = self._spanned(sizes, offset, limit)
        text, params, _ = query(f"{doc} IN $page_documents" if docs is not None else "")
        order = ", ".join(["d", *(f"k{i}" for i in range(len(then))), "i"])
        page = self._rows(text + f"RETURN b.id AS i, {types} AS ts, {doc} AS d{keys} "
                          f"ORDER BY {order} SKIP {int(skip)}" + (f" LIMIT {int(limit)}" if limit is not None else ""),
                          **params, **({"page_documents": docs} if docs is not None else {}))
        return {"total": total, "documents": len(sizes), "rows": [(b, types_of(ts), d) for b, ts, d, *_ in page]}

    @staticmethod
    def _spanned(sizes: dict[str, int], offset: int, limit: Optional[int]) -> tuple[int, Optional[list[str]]]:
        """The documents (of `sizes`: id → how many rows) that rows offset … offset+limit fall in, in
        order, and how many rows of theirs come before `offset`; (offset, None) for no limit."""
        if limit is None:
            return offset, None
        before, reach, docs = 0, 0, []  # rows before the first spanned document; rows to the last
        for d in sorted(sizes):
            reach += sizes[d]
            if reach <= offset:
                before = reach
                continue
            docs.append(d)
            if reach >= offset + limit:
                break
        return offset - before, docs

    def _page_ordered_here(self, query: str, params: dict[str, Any], limit: Optional[int], offset: int
                     ) -> dict[str, Any]:
        """`neighbours_by_document` with every row read (`query` returns id, types, document of each)
        and ordered here; nodes without the `document` property (an older export) are walked."""
        rows = [(b, types_of(ts), d) for b, ts, d in self._rows(query, **params)]
        missing = [b for b, _, d in rows if d is None]
        walked = self.containing_documents(missing) if missing else {}
        rows = sorted(((b, ts, d if d is not None else (walked.get(b) or {}).get("id")) for b, ts, d in rows),
                      key=lambda r: (r[2] is None, r[2] or "", r[0]))
        return {"total": len(rows), "documents": len({r[2] for r in rows if r[2]}),
                "rows": rows[offset:None if limit is None else offset + limit]}

    def shared_neighbour_counts(self, rel_types: Sequence[str], strong_type: Optional[str] = None,
                                of: Optional[str | Sequence[str]] = None) -> list[tuple[str, str, int, int]]:
        rel = self._rel(rel_types) if self._database() is not None else None
        group = [of] if isinstance(of, str) else list(of) if of is not None else []
        located = self._locate(group)
        if rel is None or (of is not None and len(located) != 1):  # one table: agencies with agencies
            return []
        start = (f"(a:{quote(next(iter(located)))} {{id: $of}})" if isinstance(of, str)
                 else f"(a:{quote(next(iter(located)))})" if of is not None else "")
        pairs = self.schema().pairs
        ends = sorted({s for t in rel_types for s, _ in pairs.get(t, ())})  # labelled ends: 4× faster
        middle = sorted({o for t in rel_types for _, o in pairs.get(t, ())})
        b = "b:" + ":".join(quote(x) for x in ends)
        m = "m:" + ":".join(quote(x) for x in middle)
        def pattern(types: Sequence[str]) -> str:
            rel, rel2 = self._rel(types), self._rel(types, "r2")
            if isinstance(of, str):
                return f"MATCH {start}-[{rel}]->({m})<-[{rel2}]-({b}) WHERE b.id <> a.id"
            if of is not None:  # a group: what any of them reaches, counted once, with each outsider
                return (f"MATCH {start}-[{rel}]->({m})<-[{rel2}]-({b}) WHERE a.id IN $of AND NOT b.id IN $of "
                        f"WITH $first AS a, b, m")
            return (f"MATCH ({b.replace('b:', 'a:', 1)})-[{rel}]->({m})<-[{rel2}]-({b}) "
                    "WHERE a.id < b.id")
        params = {"of": of} if isinstance(of, str) else {"of": group, "first": group[0]} if of is not None else {}
        a_id = "a" if of is not None and not isinstance(of, str) else "a.id"
        shared = {(a, o): n for a, o, n in self._rows(f"{pattern(rel_types)} RETURN {a_id}, b.id, count(DISTINCT m)",
                                                      **params)}
        strong = strong_type if strong_type and self._rel([strong_type]) else None
        both = {(a, o): n for a, o, n in self._rows(f"{pattern([strong])} RETURN {a_id}, b.id, count(DISTINCT m)",
                                                    **params)} if strong else {}
        return [(a, o, n, both.get((a, o), 0)) for (a, o), n in shared.items()]

    def shared_neighbours(self, a: str, b: str, rel_types: Sequence[str], limit: int) -> list[str]:
        located = self._locate([a, b])
        if len(located) == 1 and len(next(iter(located.values()))) == 1:
            return []  # a and b are one node
        table = {i: label for label, hits in located.items() for i in hits}
        rel, rel2 = self._rel(rel_types), self._rel(rel_types, "r2")
        if a not in table or b not in table or rel is None:
            return []
        return [row[0] for row in self._rows(
            f"MATCH (a:{quote(table[a])} {{id: $a}})-[{rel}]-(m)-[{rel2}]-(b:{quote(table[b])} {{id: $b}}) "
            f"WHERE m.id <> $a AND m.id <> $b RETURN DISTINCT m.id AS i ORDER BY i LIMIT {int(limit)}", a=a, b=b)]

    def documents_from_source(self, source_file: str) -> list[str]:
        return [i for (i,) in self._rows(f"MATCH (d:{quote(model.DOCUMENT)}) WHERE d.source_file = $f "
                                         "RETURN d.id ORDER BY d.id", f=source_file)]

    def projection_rows(self, labels: Optional[Iterable[str]] = None,
                        rel_types: Optional[Iterable[str]] = None,
                        properties: Optional[Iterable[str]] = None, connected: bool = False,
                        edge_properties: Optional[Iterable[str]] = None
                        ) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        keep = None if properties is None else set(properties) | {"id", "label"}
        nodes: dict[str, dict[str, Any]] = {}
        if self._database() is None:
            return nodes, []
        have = self.schema().node_columns
        tables = sorted(have) if labels is None else sorted(set(labels) & set(have))
        rel = self._rel(rel_types)
        edges = [] if rel is None else self._edge_rows(rel, rel_types, edge_properties)
        ends = sorted({e for s, _, o, _ in edges for e in (s, o)}) if connected else []
        for table in tables:
            # only the columns asked for (a property without a column of its own is in the rest)
            rest = keep is not None and bool(keep - {"label"} - set(have[table]))
            columns = None if keep is None else [c for c in have[table] if c in keep or (c == REST and rest)]
            # connected: only the nodes at the edges' ends, by the table's primary key
            for node in self._table_nodes(table, "UNWIND $ids AS i MATCH ({n} {{id: i}})" if connected
                                          else "MATCH ({n})", columns, ids=ends):
                nodes[node["id"]] = {k: v for k, v in node.items() if k in keep} if rest else node
        return nodes, [(s, t, o, raw) for s, t, o, raw in edges if s in nodes and o in nodes]

    def _edge_rows(self, rel: str, rel_types: Optional[Iterable[str]], properties: Optional[Iterable[str]]
                   ) -> list[list[Any]]:
        """[source id, type, target id, stored properties] of the edges `rel` spells: whole, or only
        the columns of `properties` (and the rest, when one has no column of its own)."""
        if properties is None:
            return [[s, t, o, decode(r)]
                    for s, t, o, r in self._rows(f"MATCH (a)-[{rel}]->(b) RETURN a.id, label(r), b.id, r")]
        columns = self.schema().rel_columns
        types = [t for t in (columns if rel_types is None else rel_types) if t in columns]
        have = {c for t in types for c in columns[t]}
        wanted = [p for p in dict.fromkeys(properties) if p in have and p != REST]
        if any(p not in columns[t] for t in types for p in properties) and REST in have:
            wanted.append(REST)
        rows = self._rows(f"MATCH (a)-[{rel}]->(b) RETURN a.id, label(r), b.id"
                          + "".join(f", r.{quote(c)}" for c in wanted))
        asked = set(properties)
        return [[*row[:3], {k: v for k, v in decode_row(wanted, row[3:]).items() if k in asked}] for row in rows]

    # -- whole-label lists: counted, filtered, ordered and paged in the database ------------------------
    def _label_column(self, label: str) -> Callable[[str], str]:
        """A property's column of the table (NULL without one: no node has it; a value kept in the
        rest for not fitting its column — text where a number is stored — is not compared)."""
        have = self.schema().node_columns[label]
        return lambda p: f"n.{quote(p)}" if p in have else "NULL"

    def node_page(self, label: str, where: Optional[Where] = None, order_by: Sequence[tuple[str, bool]] = (),
                  limit: Optional[int] = None, offset: int = 0, properties: Optional[Sequence[str]] = None
                  ) -> tuple[int, list[dict[str, Any]]]:
        if self._database() is None or label not in self.schema().node_columns:
            return 0, []
        params: dict[str, Any] = {}
        column = self._label_column(label)
        test = where_cypher(where, column, params)
        total = self._rows(f"MATCH (n:{quote(label)}) WHERE {test} RETURN count(*)", **params)[0][0]
        if limit == 0 or total <= offset:
            return total, []
        have = self.schema().node_columns[label]
        columns = None
        if properties is not None:  # the rest column too when a property has no column of its own
            wanted = {"id", *properties}
            columns = [c for c in have if c in wanted or (c == REST and bool(wanted - set(have)))]
        then = (f" ORDER BY {order_cypher([*order_by, ('id', False)], column)} SKIP {int(offset)}"
                + (f" LIMIT {int(limit)}" if limit is not None else ""))
        rows = self._table_nodes(label, f"MATCH ({{n}}) WHERE {test.replace('{', '{{').replace('}', '}}')}",
                                 columns, then=then, **params)
        keep = None if properties is None else {"id", "label", *properties}
        return total, [r if keep is None else {k: v for k, v in r.items() if k in keep} for r in rows]

    def property_counts(self, label: str, properties: Sequence[str], where: Optional[Where] = None
                        ) -> list[tuple[tuple, int]]:
        if self._database() is None or label not in self.schema().node_columns:
            return []
        params: dict[str, Any] = {}
        column = self._label_column(label)
        values = ", ".join(f"{column(p)} AS v{i}" for i, p in enumerate(properties))
        rows = self._rows(f"MATCH (n:{quote(label)}) WHERE {where_cypher(where, column, params)} "
                          f"RETURN {values + ', ' if values else ''}count(*)", **params)
        return [(tuple(row[:-1]), row[-1]) for row in rows]

    def run_cypher(self, query: str, params: Optional[Mapping[str, Any]] = None, *,
                   read_only: bool = True, limit: int = DEFAULT_CYPHER_LIMIT,
                   timeout_s: Optional[float] = None) -> list[dict[str, Any]]:
        """Neo4j-dialect Cypher, translated (graph/cypher_dialect.py); reads run in a read-only
        transaction, and stop after `timeout_s` seconds if given (the query is interrupted)."""
        translated = cypher_dialect.translate(query, read_only=read_only)
        if self._database() is None:
            raise StoreUnavailable(f"no graph has been built yet ({self.path} does not exist): run "
                                   "`policykg build CORPUS` (or `make run`)")
        if not read_only and self.read_only:
            raise StoreError(f"the embedded store {self.path} was opened read-only")
        if not read_only:
            self._shared.labels.clear()
            self._schema = None  # a write in Cypher may create tables or columns
        with self._connection() as conn:
            return cypher_dialect.run(self, conn, query, translated, dict(params or {}), read_only=read_only,
                                      limit=limit, timeout_s=timeout_s,
                                      in_transaction=getattr(self._local, "reading", False))


def node_dict(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A node as the database returns it → the stored form with `label`."""
    return {**decode(raw), "label": raw.get("_LABEL")}


def by_id(conn: Any, tables: Iterable[str], ids: Sequence[str], then: str) -> list[list[Any]]:
    """`UNWIND $ids AS i MATCH (n:Table {id: i}) {then}` for each node table, concatenated: a
    primary-key lookup per table (one pattern over all tables would scan them)."""
    rows: list[list[Any]] = []
    if ids:
        for table in tables:
            rows += conn.execute(f"UNWIND $ids AS i MATCH (n:{quote(table)} {{id: i}}) {then}",
                                 {"ids": list(ids)}).get_all()
    return rows


# --- the store of earlier versions ----------------------------------------------------------------
def migrate_legacy_json(path: Path, buffer_pool_mb: int = DEFAULT_BUFFER_POOL_MB) -> Optional[dict[str, int]]:
    """If `graph.json` (the NetworkX node-link file of earlier versions) lies beside a database
    that does not exist yet, load it into a new database there, once, and rename it
    `graph.json.migrated`. Returns the row counts, or None when there was nothing to migrate."""
    legacy = path.with_name(LEGACY_FILE)
    if path.exists() or not legacy.is_file():
        return None
    try:
        data = json.loads(legacy.read_text(encoding="utf-8"))
        nodes = [{**{k: v for k, v in n.items()}, "id": n["id"]} for n in data["nodes"]]
        edges = [{k: v for k, v in e.items() if k != "key"} for e in data["edges"]]
        export = from_records([], [])
        for n in nodes:
            export.nodes[str(n["id"])] = (n["label"], {k: v for k, v in n.items() if k != "label"})
        for e in edges:
            props = {k: v for k, v in e.items() if k not in ("source", "target", "type")}
            export.edges[(str(e["source"]), e["type"], str(e["target"]))] = props
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreUnavailable(f"{legacy} (the graph file of an earlier PolicyKG) cannot be migrated: "
                               f"{exc}; delete it and rebuild with `policykg build CORPUS`") from None
    tmp = path.with_name(path.name + ".migrating")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    store = LadybugStore(tmp, buffer_pool_mb=buffer_pool_mb, migrate=False)
    try:
        stats = store.load(export)
    finally:
        store.close()
    os.replace(tmp, path)  # the database appears whole or not at all
    os.replace(legacy, legacy.with_name(LEGACY_FILE + ".migrated"))
    return stats
