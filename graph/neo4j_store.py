"""The Neo4j store, through the official `neo4j` driver only.

Connection: NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE (or constructor arguments).
`bolt://` talks to one server; `neo4j://` / `neo4j+s://` route (cluster, Aura, and also a single
server, which answers the routing request with itself). Writes go through `execute_write`, reads
through `execute_read`, so a cluster sends reads to secondaries; bookmarks are left to the driver
(one session per unit of work gives causal consistency within it).

Loading: per label / per relationship type, `UNWIND $rows … MERGE` in batches of `batch_size`
rows (default 2000, see docs/graph-stores.md for the measurement), each batch one managed
transaction, which the driver retries on transient errors (deadlock, leader switch) for up to
`max_transaction_retry_time`. A batch that still fails raises LoadError naming the batch. MERGE on
the unique `Node.id` and on (source, type, target) makes loads idempotent. A streamed load into an
empty database CREATEs instead (see `load_export`): once anything is there, loads MERGE again.
"""
from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence


from . import model
from .export import Export, check_export, iter_export_edges, iter_export_nodes
from .facets import Facet, FacetCypher, Filter, count_rows, counting_queries, edge_alias, edge_props
from .export_parts import DEFAULT_DOCS_PER_PART, SHARED, ExportParts
from .store import (DEFAULT_CYPHER_LIMIT, DOCUMENT_PROPERTY, DOCUMENTED_LABELS, Direction, GraphStore,
                    LoadError, Progress, QueryPlan, ReadOnlyViolation, StoreError, StoreUnavailable, Where,
                    order_cypher, two_type_degrees, where_cypher)

DEFAULT_BATCH_SIZE = 2000
#: concurrent write transactions of a streamed load (see Neo4jStore.load_export)
DEFAULT_NODE_WRITERS = 2
DEFAULT_EDGE_WRITERS = 1
#: edge writers of a load into an empty database, which CREATEs: without MERGE's lock on both
#: endpoints, two writers do not deadlock on the hub agencies (measured, docs/graph-stores.md)
DEFAULT_FRESH_EDGE_WRITERS = 2
_MATCH_FIELDS = ("id", "label", *sorted({label.display for label in model.NODE_LABELS.values()}
                                       | {"name", "title"}), *model.BRIEF_PROPERTIES)
START_HINT = "start a local server with `policykg neo4j start` (or `make neo4j`) and export the NEO4J_* variables it prints"


def _is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FA1F


def _rel(types: Optional[list[str]], var: str = "r") -> str:
    """`r` or `r:`A`|`B`` (`var` names the edge) — a typed pattern lets the planner expand only those
    types (a hub agency's relationship chains are split by type), where `type(r) IN $types` filters after."""
    if types is None:
        return var
    assert types and all(model.is_identifier(t) for t in types)
    return f"{var}:" + "|".join(f"`{t}`" for t in sorted(set(types)))


def _pattern(types: Optional[list[str]], direction: Direction, near: str = "a", var: str = "r") -> str:
    """The edges `var` of `types` at `near` in `direction`, `b` the far end."""
    rel = _rel(types, var)
    return {"out": f"({near})-[{rel}]->(b)", "in": f"(b)-[{rel}]->({near})",
            "both": f"({near})-[{rel}]-(b)"}[direction]


#: `b`'s label in a facet (every node also carries the base label)
_LABEL_OF_B = f"[x IN labels(b) WHERE x <> '{model.BASE_LABEL}'][0]"
#: how the facets are written here (graph/facets.py FacetCypher): a filter on one named node is a
#: subquery per neighbour, not a join from that node, and a node found by id carries the base label
#: (its id is indexed there)
_SPELLING = {"join_named": False, "id_label": model.BASE_LABEL}
#: `a`, the nodes whose ids are `$ids`, then the MATCH of a pattern at them
_START = f"MATCH (a:{model.BASE_LABEL}) WHERE a.id IN $ids MATCH "


#: an export at least this large (nodes.jsonl + edges.jsonl) loaded into an empty database is checked
#: by another process while the nodes are written (below it, starting the process costs more than
#: the check: the seed's takes a tenth of a second)
OVERLAP_CHECK_BYTES = 16 * 1048576


def _export_bytes(export_dir: str | Path) -> int:
    return sum((Path(export_dir) / name).stat().st_size for name in ("nodes.jsonl", "edges.jsonl")
               if (Path(export_dir) / name).is_file())


def _start_check(pool: ProcessPoolExecutor, export_dir: str | Path) -> Future:
    """`check_export(export_dir)` in another process (spawned, not forked: this process runs
    threads — the writers, Streamlit's sessions)."""
    return pool.submit(check_export, export_dir)


class _MergeInstead(Exception):
    """A CREATE load found (by its check) that the export repeats a node or an edge apart: its nodes
    were deleted again, and the load starts over the MERGE way."""


def _connection_refused(uri: str, exc: Exception) -> str:
    """The message for a server that answered but refused the connection: wrong credentials, a
    rate-limited login (too many wrong passwords: the server refuses even the right one for a
    while), or anything else."""
    neo4j = _neo4j()
    reason = " ".join(str(getattr(exc, "message", None) or exc).split())
    code = getattr(exc, "code", "") or ""
    if "AuthenticationRateLimit" in code:
        return (f"Neo4j at {uri} is refusing logins for a while after too many wrong passwords "
                f"(rate-limited): wait a few seconds, then retry with the right NEO4J_PASSWORD ({reason})")
    if isinstance(exc, neo4j.exceptions.AuthError):
        return f"Neo4j at {uri} refused the credentials (NEO4J_USERNAME/NEO4J_PASSWORD): {reason}"
    return f"cannot reach Neo4j at {uri}: {' '.join(str(exc).split())}; {START_HINT}"


def _neo4j():
    import neo4j  # imported here so the embedded store works without touching the driver
    return neo4j


class Neo4jStore(GraphStore):
    kind = "neo4j"

    def __init__(self, uri: Optional[str] = None, username: Optional[str] = None,
                 password: Optional[str] = None, database: Optional[str] = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, connection_timeout: float = 5.0,
                 max_transaction_retry_time: float = 30.0, node_writers: int = DEFAULT_NODE_WRITERS,
                 edge_writers: int = DEFAULT_EDGE_WRITERS, docs_per_part: int = DEFAULT_DOCS_PER_PART,
                 fresh_edge_writers: int = DEFAULT_FRESH_EDGE_WRITERS):
        neo4j = _neo4j()
        self.uri = uri or os.environ.get("NEO4J_URI")
        if not self.uri:
            raise StoreUnavailable(f"NEO4J_URI is not set; {START_HINT}")
        username = username or os.environ.get("NEO4J_USERNAME") or "neo4j"
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        self.node_writers, self.edge_writers = max(1, node_writers), max(1, edge_writers)
        self.fresh_edge_writers = max(1, fresh_edge_writers)
        self.docs_per_part = max(1, docs_per_part)
        auth = (username, password) if password else None
        try:
            # notifications off: the server's hints (e.g. "property key does not exist" on the first
            # load into an empty database) are about queries the graph layer wrote, not for the user
            self._driver = neo4j.GraphDatabase.driver(
                self.uri, auth=auth, connection_timeout=connection_timeout,
                max_transaction_retry_time=max_transaction_retry_time,
                notifications_min_severity="OFF", warn_notification_severity="OFF")
            self._driver.verify_connectivity()
        except neo4j.exceptions.Neo4jError as exc:  # AuthError among them
            self._close_quietly()
            raise StoreUnavailable(_connection_refused(self.uri, exc)) from None
        except (neo4j.exceptions.DriverError, OSError, ValueError) as exc:
            self._close_quietly()
            reason = " ".join(str(exc).split())  # the driver's message spans lines
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {reason}; {START_HINT}") from None
        self._schema_ready = False
        # the read transaction of the `in_one_read` unit running on this thread, if any (Streamlit
        # shares one cached store between the threads of its sessions)
        self._local = threading.local()

    def _close_quietly(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            try:
                driver.close()
            except Exception:
                pass
            self._driver = None

    def close(self) -> None:
        self._close_quietly()

    # -- plumbing ---------------------------------------------------------------------------------
    def _session(self, write: bool):
        neo4j = _neo4j()
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a query of the graph layer's own as dicts. Its queries return values, lists and
        maps, never nodes or relationships, so a record's values are taken as the driver decoded
        them: `Record.data()` walks every nested list and map again (a list of 10,000 maps: 60–100 ms)."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:  # inside in_one_read: one more statement of its transaction
            return [dict(r.items()) for r in tx.run(query, params)]

        def work(tx):
            return [dict(r.items()) for r in tx.run(query, params)]
        with self._session(write=False) as session:
            return session.execute_read(work)

    def in_one_read(self, work: Callable[[], Any]) -> Any:
        if getattr(self._local, "tx", None) is not None:
            return work()

        def unit(tx):  # a managed transaction: the driver retries the whole unit on transient errors
            self._local.tx = tx
            try:
                return work()
            finally:
                self._local.tx = None
        with self._session(write=False) as session:
            return session.execute_read(unit)

    def _write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx):
            return [r.data() for r in tx.run(query, params)]
        with self._session(write=True) as session:
            return session.execute_write(work)

    def ensure_schema(self, fulltext: bool = True, wait: bool = True) -> None:
        """Constraints, indexes and the full-text index; idempotent (IF NOT EXISTS). With
        `fulltext=False` the full-text index is left out (a load into an empty database creates it
        after the nodes, see load_export). With `wait=False` it returns once the unique constraint
        holds (its creation waits for its index), while the other indexes may still populate."""
        if self._schema_ready:
            return
        statements = [f"CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:{model.BASE_LABEL}) REQUIRE n.id IS UNIQUE"]
        for label, prop in model.INDEXED_PROPERTIES:
            statements.append(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
        if fulltext:
            statements += self._fulltext_statements()
        self._schema_commands(statements, wait=wait)
        self._schema_ready = fulltext and wait

    def _fulltext_statements(self) -> list[str]:
        labels = sorted({label for label, _ in model.FULLTEXT_FIELDS})
        props = sorted({prop for _, prop in model.FULLTEXT_FIELDS})
        existing = self._fulltext_index()
        statements = []
        if existing and (sorted(existing["labelsOrTypes"]) != labels or sorted(existing["properties"]) != props):
            statements.append(f"DROP INDEX {model.FULLTEXT_INDEX}")  # the catalogue changed
        statements.append(
            f"CREATE FULLTEXT INDEX {model.FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{'|'.join(labels)}) "
            f"ON EACH [{', '.join('n.' + p for p in props)}] "
            f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{model.FULLTEXT_ANALYZER}'}}}}")
        return statements

    def _fulltext_index(self) -> Optional[dict[str, Any]]:
        found = self._read("SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties "
                           "WHERE name = $name RETURN labelsOrTypes, properties", name=model.FULLTEXT_INDEX)
        return found[0] if found else None

    def _schema_commands(self, statements: Sequence[str], wait: bool) -> None:
        neo4j = _neo4j()
        try:
            with self._session(write=True) as session:
                for statement in statements:
                    session.run(statement).consume()  # schema commands cannot share a transaction
                if wait:
                    session.run("CALL db.awaitIndexes(600)").consume()
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"setting up the Neo4j schema failed: {exc}") from exc

    def defer_fulltext(self) -> bool:
        """Before filling an empty database: drop the full-text index if it is there and say True,
        so the caller creates it after the nodes (`build_fulltext`) — one population over the
        finished nodes instead of a Lucene update per written row (3× the node phase, measured
        at 100×, see docs/graph-stores.md). A database holding anything keeps its index: False."""
        if not self.is_empty():
            self.ensure_schema()
            return False
        self._schema_ready = False
        if self._fulltext_index():
            self._schema_commands([f"DROP INDEX {model.FULLTEXT_INDEX}"], wait=False)
        self.ensure_schema(fulltext=False)
        return True

    def build_fulltext(self, wait: bool) -> None:
        """Create the full-text index (it populates in the background unless `wait`)."""
        self._schema_commands(self._fulltext_statements(), wait=wait)
        self._schema_ready = wait

    # -- writing ----------------------------------------------------------------------------------
    def _batches(self, rows: list, stage: str, query: str, progress: Optional[Progress],
                 check_count: bool = False, tx=None, batch_size: Optional[int] = None,
                 on_record: Optional[Callable[[dict], None]] = None) -> None:
        """Run `query` over `rows` in batches (of `batch_size`, default the store's): each batch its
        own managed transaction, or, given `tx`, all of them statements of that transaction
        (re-ingest: all or nothing). `on_record` gets each committed batch's answer."""
        neo4j = _neo4j()
        total, size = len(rows), batch_size or self.batch_size
        for start in range(0, total, size):
            batch = rows[start:start + size]

            def work(tx, batch=batch):
                return tx.run(query, rows=batch).single(strict=True).data()
            try:
                if tx is not None:
                    record = work(tx)
                else:
                    with self._session(write=True) as session:
                        record = session.execute_write(work)
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
                raise LoadError(f"loading {stage} rows {start + 1}-{start + len(batch)} of {total} "
                                f"into Neo4j failed: {exc}") from exc
            written = record["n"]
            if on_record:
                on_record(record)
            if check_count and written != len(batch):
                raise LoadError(f"loading {stage} rows {start + 1}-{start + len(batch)}: only {written} "
                                f"of {len(batch)} edges found both endpoints in the store")
            if progress:
                progress(stage, start + len(batch), total)

    def load(self, export: Export, progress: Optional[Progress] = None) -> dict[str, int]:
        return self._upsert(export, progress)

    def load_export(self, export_dir: str | Path, progress: Optional[Progress] = None) -> dict[str, int]:
        """Upsert an export directory streamed in chunks (never the whole export in memory): node
        batches of one label run `node_writers` at a time (safe: each writes distinct ids under
        the unique constraint), then edge batches on `edge_writers` threads (default one, fed while
        the next chunk is parsed: concurrent edge batches lock the same hub agencies and
        deadlock — see docs/graph-stores.md for the measurement). Into an empty database, from an
        export that names each node and edge once (`check_export`'s `repeats_adjacent`), the
        batches CREATE instead of MERGE: nothing can exist yet, and MERGE's look-up of an edge
        between two nodes is most of the edge phase's server time; CREATE takes no lock on both
        ends, so the edges go on `fresh_edge_writers` threads. Anything else MERGEs.

        A bad export writes nothing. Into a database holding anything (or from a small export,
        below OVERLAP_CHECK_BYTES), `check_export` reads it before the first write. Into an empty
        one it runs in another process while the nodes are written (at 100× it takes ≈ 3.5 s that
        the server would wait idle): the edges wait for it;
        if it finds a problem, the nodes written so far are deleted again and its problem is
        raised; if the export repeats a node or an edge apart, they are deleted and the load
        starts again the MERGE way."""
        deferred = self.defer_fulltext()
        try:
            if not deferred or _export_bytes(export_dir) < OVERLAP_CHECK_BYTES:
                found = check_export(export_dir)  # a bad export writes nothing
                fresh = deferred and found["repeats_adjacent"]
                return self._stream_export(export_dir, fresh, deferred, progress)
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                return self._stream_export(export_dir, True, True, progress, _start_check(pool, export_dir))
        except _MergeInstead:
            return self._stream_export(export_dir, False, True, progress)
        finally:
            if deferred:  # also after a failure: the store is never left without its index
                if progress:
                    progress("full-text index", 0, 1)
                self.ensure_schema()
                if progress:
                    progress("full-text index", 1, 1)

    def _stream_export(self, export_dir: str | Path, fresh: bool, deferred: bool, progress: Optional[Progress],
                       checking: Optional[Future] = None) -> dict[str, int]:
        """The nodes, then (with the full-text index created to populate meanwhile, when it was
        `deferred`) the edges: CREATE when `fresh` (an empty database), else MERGE. `checking`: the export's
        check still running (see load_export), asked before each node batch and awaited before
        the edges."""
        # a CREATE load keeps each created node's elementId: its edges find their ends by it, a
        # direct look-up, instead of two seeks in the id index (half the edge statement's time)
        element_ids: dict[str, str] = {}

        def check_failed() -> None:
            if checking is not None and checking.done() and checking.exception() is not None:
                raise checking.exception()
        failure: Optional[Exception] = None
        try:
            with BatchWriter(self, self.node_writers, progress) as writer:
                nodes = writer.stream(((label, {"id": i, "props": p})
                                       for i, label, p in iter_export_nodes(export_dir)),
                                      "nodes", self.node_create_query if fresh else self.node_merge_query,
                                      on_record=lambda record: element_ids.update(record.get("e") or ()),
                                      before_batch=check_failed)
        except Exception as exc:  # the check's answer decides what to report
            failure = exc
        if checking is not None:
            try:
                found = checking.result()
            except BaseException:
                self._undo_nodes(element_ids, progress)
                raise
            if not found["repeats_adjacent"]:
                self._undo_nodes(element_ids, progress)
                raise _MergeInstead()
        if failure is not None:
            raise failure
        if deferred:  # populates on the server while the edges load
            self.build_fulltext(wait=False)
        with BatchWriter(self, self.fresh_edge_writers if fresh else self.edge_writers, progress) as writer:
            edges = writer.stream(_edge_rows(export_dir, element_ids if fresh else None), "edges",
                                  self.edge_create_query if fresh else self.edge_merge_query,
                                  check_count=True)
        return {"nodes": nodes, "edges": edges}

    def _undo_nodes(self, element_ids: Mapping[str, str], progress: Optional[Progress]) -> None:
        """Delete the nodes a CREATE load wrote (by elementId: nothing else is touched), 10,000 a
        transaction, so a load whose check failed leaves the database as empty as it found it."""
        self._batches(list(element_ids.values()), "nodes written before the check failed (deleting)",
                      "UNWIND $rows AS e MATCH (n) WHERE elementId(n) = e DETACH DELETE n RETURN count(*) AS n",
                      progress, batch_size=10000)

    def _upsert(self, export: Export, progress: Optional[Progress], tx=None) -> dict[str, int]:
        """MERGE the export's nodes, then its edges, in batches (in `tx` when given)."""
        self.ensure_schema()
        by_label: dict[str, list[dict]] = {}
        for node_id, (label, props) in export.nodes.items():
            by_label.setdefault(label, []).append({"id": node_id, "props": props})
        for label, rows in sorted(by_label.items()):
            self._batches(rows, f"nodes:{label}", self.node_merge_query(label), progress, tx=tx)
        by_type: dict[str, list[dict]] = {}
        for (s, t, o), props in export.edges.items():
            by_type.setdefault(t, []).append({"source": s, "target": o, "props": props})
        for rel_type, rows in sorted(by_type.items()):
            self._batches(rows, f"edges:{rel_type}", self.edge_merge_query(rel_type), progress,
                          check_count=True, tx=tx)
        return {"nodes": len(export.nodes), "edges": len(export.edges)}

    @staticmethod
    def node_merge_query(label: str) -> str:
        assert model.is_identifier(label)
        # SET n = props replaces the properties, so a property dropped from the export goes too;
        # the other catalogue labels go as well, so a node re-extracted under a new label has one
        others = "".join(f":`{other}`" for other in sorted(model.NODE_LABELS) if other != label)
        return (f"UNWIND $rows AS row MERGE (n:{model.BASE_LABEL} {{id: row.id}}) "
                f"SET n = row.props REMOVE n{others} SET n:`{label}` RETURN count(n) AS n")

    @staticmethod
    def edge_merge_query(rel_type: str) -> str:
        """The batch statement writing edges of `rel_type` between existing nodes named by id; it
        returns how many rows found both ends."""
        assert model.is_identifier(rel_type)
        return (f"UNWIND $rows AS row "
                f"MATCH (a:{model.BASE_LABEL} {{id: row.source}}) MATCH (b:{model.BASE_LABEL} {{id: row.target}}) "
                f"MERGE (a)-[r:`{rel_type}`]->(b) SET r = row.props RETURN count(r) AS n")

    @staticmethod
    def node_create_query(label: str) -> str:
        """node_merge_query for a node known not to exist (a load into an empty database); it also
        returns each node's [id, elementId] (`e`), which edge_create_query's rows carry."""
        assert model.is_identifier(label)
        return (f"UNWIND $rows AS row CREATE (n:{model.BASE_LABEL}:`{label}`) SET n = row.props "
                "RETURN count(n) AS n, collect([row.id, elementId(n)]) AS e")

    @staticmethod
    def edge_create_query(rel_type: str) -> str:
        """edge_merge_query for an edge known not to exist (a load into an empty database), between
        nodes named by their elementIds (node_create_query's answer)."""
        assert model.is_identifier(rel_type)
        return (f"UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.source "
                f"MATCH (b) WHERE elementId(b) = row.target "
                f"CREATE (a)-[r:`{rel_type}`]->(b) SET r = row.props RETURN count(r) AS n")

    def replace_export(self, export_dir: str | Path, progress: Optional[Progress] = None) -> dict[str, int]:
        """Re-ingest the export's input files in bounded transactions: the export is split into
        parts of `docs_per_part` documents (graph/export_parts.py, spilled to a temporary file,
        never held), shared nodes are upserted first, then each part is re-ingested as one
        transaction (`replace_documents`: a document is replaced whole or not at all), then what
        nothing points at any more is pruned in batches. Same outcome as `replace_sources`."""
        check_export(export_dir)  # a bad export changes nothing
        self.ensure_schema()
        with tempfile.TemporaryDirectory(prefix="policykg-reingest-") as spill, \
                ExportParts(export_dir, spill, self.docs_per_part) as parts:
            shared = parts.export_of(SHARED)
            self._upsert(shared, progress)
            self._ensure_nodes(parts.early_nodes())
            stats = {"nodes": len(shared.nodes), "edges": len(shared.edges), "deleted_nodes": 0,
                     "replaced_files": len(parts.files)}
            found = self._read(f"MATCH (d:{model.DOCUMENT}) WHERE d.source_file IN $files RETURN d.id AS id",
                               files=parts.files)
            gone = sorted({r["id"] for r in found} - set(parts.doc_files))
            for start in range(0, len(gone), self.docs_per_part):  # no longer in their files
                done = self.replace_documents(gone[start:start + self.docs_per_part], Export(), keep_stubs=True)
                stats["deleted_nodes"] += done["deleted_nodes"]
            for part in range(parts.parts):
                export = parts.export_of(part)
                # the stubs nothing cites any more are pruned after the last part: a stub written with
                # the shared nodes may be cited only by a later part
                try:
                    done = self.replace_documents(parts.documents(part), export, keep_stubs=True)
                except LoadError as exc:  # the parts before it are written: say so, and how to finish
                    raise LoadError(f"re-ingest stopped at part {part + 1} of {parts.parts} (parts 1–{part} "
                                    f"are written, each whole): {exc}. Running the same load again "
                                    "re-ingests every part") from exc
                for key in ("nodes", "edges", "deleted_nodes"):
                    stats[key] += done[key]
                if progress:
                    progress("re-ingest:documents", min((part + 1) * self.docs_per_part, len(parts.doc_files)),
                             len(parts.doc_files))
            stats["deleted_orphans"] = self._prune_orphans(parts.isolated_shared)
        return stats

    def _ensure_nodes(self, export: Export) -> None:
        """Create the nodes that do not exist yet (labels and properties of `export`); leave the
        others as they are."""
        by_label: dict[str, list[dict]] = {}
        for node_id, (label, props) in export.nodes.items():
            by_label.setdefault(label, []).append({"id": node_id, "props": props})
        for label, rows in sorted(by_label.items()):
            assert model.is_identifier(label)
            self._batches(rows, f"nodes:{label}", f"UNWIND $rows AS row MERGE (n:{model.BASE_LABEL} {{id: row.id}}) "
                          f"ON CREATE SET n = row.props, n:`{label}` RETURN count(n) AS n", None)

    def _prune_orphans(self, keep: Iterable[str]) -> int:
        """Delete, 10,000 per transaction, the nodes (documents apart) nothing points at, but those
        in `keep` (listed alone in the export); then cited-only document stubs left alone."""
        deleted = 0
        for query, counted in ((f"MATCH (n:{model.BASE_LABEL}) WHERE NOT n:{model.DOCUMENT} AND NOT (n)--() "
                                "AND NOT n.id IN $keep WITH n LIMIT 10000 DELETE n RETURN count(*) AS n", True),
                               (f"MATCH (n:{model.DOCUMENT}) WHERE n.in_corpus = false AND NOT (n)--() "
                                "WITH n LIMIT 10000 DELETE n RETURN count(*) AS n", False)):
            while n := self._write(query, keep=sorted(keep))[0]["n"]:
                deleted += n if counted else 0
        return deleted

    def restore_empty_lists(self, spec: Mapping[str, Mapping[str, Mapping[str, list]]],
                            batch_size: Optional[int] = None) -> None:
        """After a bulk import (graph/formats.py): set the properties that are empty lists, which a
        CSV cell cannot express (neo4j-admin imports `""` in a list column as no property). `spec`:
        {"labels": {label: [prop…]}, "types": {type: [prop…]}} — a property that is a list on every
        node of the label (edge of the type), so missing exactly where it is empty: set wherever it
        is missing, without naming rows (a scan of the label, not a look-up per row) — and
        {"nodes": {label: {prop: [id…]}}, "relationships": {type: {prop: [[source, target]…]}}} for
        the others; `batch_size` rows per transaction (default the store's)."""
        for pattern, groups in (("(x:`{}`)", spec.get("labels", {})), ("()-[x:`{}`]->()", spec.get("types", {}))):
            for group, props in groups.items():
                for prop in props:
                    assert model.is_identifier(group) and model.is_identifier(prop)
                    self._auto_commit(f"MATCH {pattern.format(group)} WHERE x.`{prop}` IS NULL "
                                      f"CALL {{ WITH x SET x.`{prop}` = [] }} IN TRANSACTIONS OF "
                                      f"{int(batch_size or self.batch_size)} ROWS", f"empty lists:{group}.{prop}")
        for label, props in spec.get("nodes", {}).items():
            for prop, ids in props.items():
                assert model.is_identifier(prop)
                self._batches(ids, f"empty lists:{label}.{prop}",
                              f"UNWIND $rows AS id MATCH (n:{model.BASE_LABEL} {{id: id}}) SET n.`{prop}` = [] "
                              "RETURN count(n) AS n", None, batch_size=batch_size)
        for rel_type, props in spec.get("relationships", {}).items():
            for prop, pairs in props.items():
                assert model.is_identifier(prop) and model.is_identifier(rel_type)
                self._batches(pairs, f"empty lists:{rel_type}.{prop}",
                              f"UNWIND $rows AS row MATCH (:{model.BASE_LABEL} {{id: row[0]}})-[r:`{rel_type}`]->"
                              f"(:{model.BASE_LABEL} {{id: row[1]}}) SET r.`{prop}` = [] RETURN count(r) AS n", None,
                              batch_size=batch_size)

    def _auto_commit(self, query: str, stage: str) -> None:
        """Run `query` as an implicit transaction (what `CALL {…} IN TRANSACTIONS` needs)."""
        neo4j = _neo4j()
        try:
            with self._session(write=True) as session:
                session.run(query).consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise LoadError(f"loading {stage} into Neo4j failed: {exc}") from exc

    def replace_documents(self, doc_ids: Iterable[str], export: Export,
                          progress: Optional[Progress] = None, prune_orphans: bool = False,
                          keep_stubs: bool = False) -> dict[str, int]:
        """(`keep_stubs`: leave documents known only by citation that nothing points at any more
        for the caller to prune — a part of `replace_export`, whose later parts may point at one.)"""
        self.ensure_schema()
        doc_ids = sorted(set(doc_ids))
        gone = [d for d in doc_ids if d not in export.nodes]
        neo4j = _neo4j()

        # One write transaction for the whole re-ingest (documents are small): a failure or a crash
        # leaves the old subgraph in place, never half of the new one.
        def unit(tx) -> tuple[int, int]:
            deleted = sum(r["n"] for r in tx.run(
                f"""
                UNWIND $ids AS doc_id
                MATCH (d:{model.BASE_LABEL} {{id: doc_id}})
                OPTIONAL MATCH (d)-[out]->()
                DELETE out
                WITH DISTINCT d
                OPTIONAL MATCH (part)-[:{model.PART_OF}*1..]->(d)
                WHERE NOT part.id IN $ids
                WITH collect(DISTINCT part) AS parts
                FOREACH (p IN parts | DETACH DELETE p)
                RETURN size(parts) AS n
                """, ids=doc_ids))
            if gone:  # no longer in its file: keep it only as a cited stub
                tx.run(f"UNWIND $ids AS doc_id MATCH (d:{model.BASE_LABEL} {{id: doc_id}}) "
                       "SET d.in_corpus = false REMOVE d.source_file, d.line_start, d.line_end, d.sources_json",
                       ids=gone).consume()
            self._upsert(export, progress, tx=tx)
            if not keep_stubs:
                tx.run(f"MATCH (d:{model.DOCUMENT}) WHERE d.in_corpus = false AND NOT (d)--() DELETE d").consume()
            if not prune_orphans:
                return deleted, 0
            orphans = tx.run(f"MATCH (n:{model.BASE_LABEL}) WHERE NOT n:{model.DOCUMENT} AND NOT (n)--() "
                             "AND NOT n.id IN $keep DELETE n RETURN count(*) AS n",
                             keep=sorted(export.isolated_nodes())).single()["n"]
            return deleted, orphans
        try:
            with self._session(write=True) as session:
                deleted, orphans = session.execute_write(unit)
        except (LoadError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise LoadError(f"re-ingesting {len(doc_ids)} document(s) into Neo4j failed, nothing was "
                            f"changed: {exc}") from exc
        return {"nodes": len(export.nodes), "edges": len(export.edges), "deleted_nodes": deleted,
                "deleted_orphans": orphans}

    # -- reading ----------------------------------------------------------------------------------
    def delete_all(self, batch_size: int = 50_000) -> None:
        """Empty the database (tests, benchmarks): relationships, then nodes, `batch_size` per
        transaction — one DETACH DELETE of a 100× graph exceeds the server's transaction memory."""
        for query in ("MATCH ()-[r]->() WITH r LIMIT $n DELETE r RETURN count(*) AS n",
                      "MATCH (n) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS n"):
            while self._write(query, n=batch_size)[0]["n"]:
                pass

    def is_empty(self) -> bool:
        """No node at all in the database (the bulk import may only fill an empty one)."""
        return not self._read("MATCH (n) RETURN 1 AS one LIMIT 1")

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = self._read(f"MATCH (n:{model.BASE_LABEL}) UNWIND [l IN labels(n) WHERE l <> '{model.BASE_LABEL}'] AS label "
                           "RETURN label, count(*) AS n")
        edges = self._read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
        return {"nodes": dict(sorted((r["label"], r["n"]) for r in nodes)),
                "edges": dict(sorted((r["type"], r["n"]) for r in edges))}

    _NODE = f"n {{.*, label: head([l IN labels(n) WHERE l <> '{model.BASE_LABEL}'])}}"

    def get_nodes(self, ids: Iterable[str], properties: Optional[Sequence[str]] = None
                  ) -> dict[str, dict[str, Any]]:
        shape = self._NODE
        if properties is not None:
            assert all(model.is_identifier(p) for p in properties), properties
            shape = shape.replace(".*", ", ".join(f".`{p}`" for p in ["id", *properties]))
        rows = self._read(f"MATCH (n:{model.BASE_LABEL}) WHERE n.id IN $ids RETURN collect({shape}) AS nodes",
                          ids=list(ids))
        return {n["id"]: n for n in rows[0]["nodes"]} if rows else {}

    def find_nodes(self, label: str, props: str | Sequence[str], values: Iterable[Any]) -> list[dict[str, Any]]:
        props = [props] if isinstance(props, str) else list(props)
        assert model.is_identifier(label) and all(model.is_identifier(p) for p in props)
        # one indexed lookup per scalar property (UNION), so the range indexes are used
        parts = [f"MATCH (n:`{label}`) WHERE n.`{p}` IN $values "
                 f"OR (n.`{p}` IS :: LIST<STRING> AND any(v IN n.`{p}` WHERE v IN $values)) "
                 f"RETURN {self._NODE} AS node" for p in props]
        rows = self._read(" UNION ".join(parts), values=list(values))
        return [r["node"] for r in rows]

    def edges_among(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None
                    ) -> list[tuple[str, str, str]]:
        types = list(rel_types) if rel_types is not None else None
        if types == []:
            return []
        # both ends found by id, then the edges between them (Expand(Into)): a hub's 12,500 edges are
        # not read to find the few among `ids` (two ministries: 3 against 29 ms at 100×)
        rows = self._read(
            f"MATCH (a:{model.BASE_LABEL}), (b:{model.BASE_LABEL}) WHERE a.id IN $ids AND b.id IN $ids "
            f"MATCH (a)-[{_rel(types)}]->(b) RETURN collect(DISTINCT [a.id, type(r), b.id]) AS edges", ids=list(ids))
        return sorted(tuple(e) for e in rows[0]["edges"]) if rows else []

    def expand_with_nodes(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                          direction: Direction = "out"
                          ) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, Any]]]:
        ids = list(ids)
        types = list(rel_types) if rel_types is not None else None
        if types == []:
            return [], {}
        # collect(DISTINCT b) dedupes by identity, so each far node is turned into a map once
        rows = self._read(
            f"{_START}{_pattern(types, direction)} "
            "WITH collect(DISTINCT [startNode(r).id, type(r), endNode(r).id]) AS edges, "
            "collect(DISTINCT b) AS far "
            f"RETURN edges, [n IN far WHERE NOT n.id IN $ids | {self._NODE}] AS nodes", ids=ids)
        edges = sorted(tuple(e) for e in rows[0]["edges"]) if rows else []
        nodes = {n["id"]: n for n in rows[0]["nodes"]} if rows else {}
        return edges, nodes

    def containing_documents(self, ids: Iterable[str]) -> dict[str, Optional[dict[str, Any]]]:
        ids = list(ids)
        documented = " OR ".join(f"m:{label}" for label in DOCUMENTED_LABELS)
        # the writer's `document` property where a node has it (an index lookup), else the PART_OF walk
        rows = self._read(
            f"MATCH (m:{model.BASE_LABEL}) WHERE m.id IN $ids "
            f"WITH m, CASE WHEN {documented} THEN m.{DOCUMENT_PROPERTY} END AS named "
            f"OPTIONAL MATCH (n:{model.BASE_LABEL} {{id: named}}) WHERE n:{model.DOCUMENT} "
            f"OPTIONAL MATCH p = (m)-[:{model.PART_OF}*1..12]->(d:{model.DOCUMENT}) WHERE n IS NULL "
            "WITH m, n, d, length(p) AS hops ORDER BY hops, d.id "
            "WITH m, n, head(collect(d)) AS walked WITH m, coalesce(n, walked) AS d "
            "WITH collect([m.id, d.id]) AS pairs, collect(DISTINCT d) AS docs "
            f"RETURN pairs, [x IN docs | x {{.*, label: '{model.DOCUMENT}'}}] AS docs", ids=ids)
        if not rows:
            return {i: None for i in ids}
        docs = {d["id"]: d for d in rows[0]["docs"]}
        found = {m: docs.get(d) for m, d in rows[0]["pairs"]}
        return {i: found.get(i) for i in ids}

    def expand(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
               direction: Direction = "out") -> list[tuple[str, str, str]]:
        types = list(rel_types) if rel_types is not None else None
        if types == []:
            return []
        rows = self._read(
            f"{_START}{_pattern(types, direction)} "
            "RETURN collect(DISTINCT [startNode(r).id, type(r), endNode(r).id]) AS edges",
            ids=list(ids))  # one record: the driver's cost is per record
        return sorted(tuple(e) for e in rows[0]["edges"]) if rows else []

    def relationships(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                      direction: Direction = "both", limit: Optional[int] = None, offset: int = 0
                      ) -> list[dict[str, Any]]:
        types = list(rel_types) if rel_types is not None else None
        if types == []:
            return []
        rows = self._read(
            f"{_START}{_pattern(types, direction)} WITH DISTINCT r "
            "WITH startNode(r).id AS s, type(r) AS t, endNode(r).id AS o, r ORDER BY s, t, o "
            f"RETURN collect([s, t, o, properties(r)]){self._slice(offset, limit)} AS edges", ids=list(ids))
        return [{**props, "source": s, "type": t, "target": o} for s, t, o, props in (rows[0]["edges"] if rows else [])]

    #: how many full-text hits (best Lucene score first) are filtered and ranked, without a `cap`
    #: (`search`'s first few hits); with one, each label reads hits until it has cap + 1
    FULLTEXT_CANDIDATES = 5000
    #: with a `cap`, a label of at most this many nodes is searched by reading it, not the index
    SCANNED_UP_TO = 5000

    def text_matches(self, text: str, limit: int, label_order: Sequence[str], labels: Optional[Sequence[str]] = None,
                     cap: Optional[int] = None) -> list[dict[str, Any]]:
        text = text.strip()
        needle = text.lower()
        # a phrase of the CJK analyzer's bigrams finds every node containing the text; one Han
        # character is below the bigrams, and Latin words / numbers are tokenised whole (no
        # substring match): those scan the text properties instead
        phrase = ('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
                  if len(text) >= 2 and all(_is_han(c) for c in text) else None)

        wanted = [lab.name for lab in model.NODE_LABELS.values()
                  if lab.text_properties and (labels is None or lab.name in labels)]
        if not wanted:
            return []
        scanned: set[str] = set()
        if cap is not None and phrase is not None:
            # a small label is read whole rather than picked out of a common word's 60,000 hits
            sizes = self._read("RETURN " + ", ".join(f"COUNT {{ MATCH (n:`{name}`) }} AS `{name}`" for name in wanted))
            scanned = {name for name in wanted if sizes and sizes[0][name] <= self.SCANNED_UP_TO}

        def source(label: Optional[str], window: bool) -> str:
            if phrase is not None and label not in scanned:
                return (f"CALL db.index.fulltext.queryNodes('{model.FULLTEXT_INDEX}', $q"
                        f"{', {limit: $candidates}' if window else ''}) YIELD node AS n")
            return f"MATCH (n:{label or model.BASE_LABEL})"
        if cap is None:
            body = self._text_matching(source(None, True), "$labels IS NULL OR label IN $labels", needle)
        else:  # each label's first cap + 1, label by label: one pass over all would hold every match
            body = "CALL { " + " UNION ALL ".join(
                self._text_matching(source(name, False), f"label = '{name}'", needle) + "RETURN n, label, best LIMIT $more"
                for name in wanted) + " } "
        fields = ", ".join(f".`{f}`" for f in _MATCH_FIELDS if f not in ("id", "label"))
        rows = self._read(
            f"{body}WITH n, label, best, coalesce($order[label], size(keys($order))) AS rank "
            "ORDER BY best / 1000000000, rank, best % 1000000000, n.id LIMIT $limit "
            f"RETURN collect(n {{.id, {fields}, label: label, best: best}}) AS hits",
            q=phrase, t=needle, limit=limit, candidates=self.FULLTEXT_CANDIDATES, more=(cap or 0) + 1,
            order={label: i for i, label in enumerate(label_order)}, labels=list(labels) if labels is not None else None)
        out = []
        for hit in rows[0]["hits"] if rows else []:
            best = hit.pop("best")
            hit = {k: v for k, v in hit.items() if v is not None}
            hit.update(exact=best < 1_000_000_000, length=best % 1_000_000_000)
            out.append(hit)
        return out

    @staticmethod
    def _text_matching(source: str, label_test: str, needle: str) -> str:
        """Cypher: the nodes of `source` (as `n`) passing `label_test` on their `label` whose text
        properties contain $t, with `best`: 0 or 1 (exact or not) × 10⁹ + the length of the
        shortest such value."""
        branches = []
        for label in model.NODE_LABELS.values():
            parts = [f"CASE WHEN n.`{p}` IS NULL THEN [] WHEN n.`{p}` IS :: LIST<STRING> THEN n.`{p}` "
                     f"ELSE [n.`{p}`] END"
                     for p in label.text_properties]
            if parts:
                branches.append(f"WHEN '{label.name}' THEN {' + '.join(parts)}")

        def fold(v: str) -> str:  # a needle without letters needs no lower-cased copy of every value
            return f"toLower({v})" if needle.upper() != needle else v
        return (f"{source} WITH n, head([l IN labels(n) WHERE l <> '{model.BASE_LABEL}']) AS label "
                f"WHERE {label_test} "
                f"WITH n, label, CASE label {' '.join(branches)} ELSE [] END AS values "
                f"WITH n, label, [v IN values WHERE v IS NOT NULL AND {fold('v')} CONTAINS $t "
                f"| CASE WHEN {fold('v')} = $t THEN 0 ELSE 1 END * 1000000000 + size(v)] AS keys "
                "WHERE size(keys) > 0 "
                "WITH n, label, reduce(m = 9000000000, k IN keys | CASE WHEN k < m THEN k ELSE m END) AS best ")

    # -- aggregating primitives: counted, paired and paged by the server ---------------------------

    def typed_degrees(self, ids: Iterable[str], rel_types: Sequence[str],
                      direction: Direction = "out") -> dict[str, dict[tuple[str, ...], int]]:
        if not rel_types:
            return {}
        types = sorted(set(rel_types))
        if len(types) == 2 and direction != "both":  # degrees from the store, one expansion for both
            arrow = {"out": "(a)-[:`{}`]->({})", "in": "({1})-[:`{0}`]->(a)"}[direction]
            rows = self._read(f"MATCH (a:{model.BASE_LABEL}) WHERE a.id IN $ids RETURN a.id AS a, "
                              f"COUNT {{ {arrow.format(types[0], '')} }} AS n0, "
                              f"COUNT {{ {arrow.format(types[1], '')} }} AS n1, "
                              f"COUNT {{ MATCH {arrow.format(types[0], 'b')} WHERE EXISTS "
                              f"{{ {arrow.format(types[1], 'b')} }} }} AS both", ids=list(ids))
            return two_type_degrees((types[0], types[1]),
                                    [(r["a"], t, r[f"n{i}"]) for r in rows for i, t in enumerate(types)],
                                    {r["a"]: r["both"] for r in rows})
        rows = self._read(f"{_START}{_pattern(list(rel_types), direction)} "
                          "WITH a, b, collect(DISTINCT type(r)) AS ts RETURN a.id AS a, ts, count(*) AS n",
                          ids=list(ids))
        out: dict[str, dict[tuple[str, ...], int]] = {}
        for r in rows:
            key = tuple(sorted(r["ts"]))
            out.setdefault(r["a"], {})[key] = out.get(r["a"], {}).get(key, 0) + r["n"]
        return out

    @staticmethod
    def _slice(offset: int, limit: Optional[int]) -> str:
        return f"[{int(offset)}..{'' if limit is None else int(offset) + int(limit)}]"

    def neighbour_page(self, ids: Iterable[str], rel_types: Sequence[str], direction: Direction = "out",
                       limit: Optional[int] = None, offset: int = 0, sole: bool = False,
                       order_by: Sequence[Sequence[str]] = (), labels: Optional[Sequence[str]] = None
                       ) -> tuple[int, list[str]]:
        types = list(rel_types) if rel_types is not None else None
        if types == []:
            return 0, []
        tests = []
        if sole:
            other = _pattern(types, direction, near="o", var="r2")
            tests.append(f"NOT EXISTS {{ MATCH {other} WHERE NOT o.id IN $ids }}")
        if labels is not None:
            tests.append(f"{_LABEL_OF_B} IN $labels")
        where = (" WHERE " + " AND ".join(tests)) if tests else ""
        keys = "".join(f", coalesce({', '.join(f'b.`{p}`' for p in key)}, '') AS k{i}" for i, key in enumerate(order_by))
        order = ", ".join([*(f"k{i}" for i in range(len(order_by))), "i"])
        rows = self._read(f"{_START}{_pattern(types, direction)}{where} "
                          f"WITH DISTINCT b WITH b.id AS i{keys} ORDER BY {order} WITH collect(i) AS found "
                          f"RETURN size(found) AS total, found{self._slice(offset, limit)} AS page", ids=list(ids),
                          labels=list(labels or []))
        return (rows[0]["total"], rows[0]["page"]) if rows else (0, [])

    def shared_neighbours(self, a: str, b: str, rel_types: Sequence[str], limit: int) -> list[str]:
        types = list(rel_types)
        if not types or a == b:
            return []
        # a join of the two sides' neighbours (the planner otherwise expands each of a's 12,500
        # neighbours toward b: 75 against 40 ms between two hubs at 100×, the machine loaded)
        rows = self._read(f"MATCH (a:{model.BASE_LABEL} {{id: $a}})-[{_rel(types)}]-(m)-[{_rel(types, 'r2')}]-"
                          f"(b:{model.BASE_LABEL} {{id: $b}}) USING JOIN ON m WHERE m.id <> $a AND m.id <> $b "
                          "RETURN DISTINCT m.id AS i ORDER BY i LIMIT $n",
                          a=a, b=b, n=int(limit))
        return [r["i"] for r in rows]

    @staticmethod
    def _facet_rel(types: Sequence[str], var: str) -> str:
        return _rel(list(types), var)

    @staticmethod
    def _facet_head(rel_types: Sequence[str], direction: Direction, edges: Sequence[str] = ()) -> str:
        """MATCH `a` (the node `$id`) and `b` (its neighbours through `rel_types`) WITH a, b, ts, and
        the smallest value of each edge property in `edges` (graph/facets.py `edge_alias`)."""
        aggregates = "".join(f", min(r.`{e}`) AS {edge_alias(e)}" for e in edges)
        return (f"MATCH (a:{model.BASE_LABEL} {{id: $id}}) MATCH {_pattern(list(rel_types), direction)} "
                f"WITH a, b, collect(DISTINCT type(r)) AS ts{aggregates}")

    def neighbour_counts(self, node_id: str, rel_types: Sequence[str], direction: Direction = "out",
                         by: Sequence[Facet] = (), where: Optional[Filter] = None
                         ) -> list[tuple[tuple[str, ...], tuple, int]]:
        if not rel_types:
            return []
        out = []
        head = self._facet_head(rel_types, direction, edge_props(by, where))
        for query, params, missing in counting_queries(head, by, where, direction, self._facet_rel,
                                                       lambda name: f"b.`{name}`", _LABEL_OF_B, **_SPELLING):
            out += count_rows([list(r.values()) for r in self._read(query, id=node_id, **params)], missing)
        return out

    def neighbours_by_document(self, node_id: str, rel_types: Sequence[str], direction: Direction = "out",
                               limit: Optional[int] = None, offset: int = 0,
                               where: Optional[Filter] = None, then: Sequence[str] = ()) -> dict[str, Any]:
        if not rel_types:
            return {"total": 0, "documents": 0, "rows": []}
        found = self._by_document(node_id, rel_types, direction, limit, offset, where, then, walk=False)
        if found and found["undocumented"]:  # nodes without the property (an older export): walked
            found = self._by_document(node_id, rel_types, direction, limit, offset, where, then, walk=True)
        if not found:
            return {"total": 0, "documents": 0, "rows": []}
        return {"total": found["total"], "documents": found["documents"],
                "rows": [(i, tuple(sorted(ts)), d) for i, ts, d in found["page"]]}

    #: for a node `b` lacking the `document` property: the nearest document through PART_OF (the
    #: smallest id on a tie)
    _WALK = (f"OPTIONAL MATCH p = (b)-[:{model.PART_OF}*1..12]->(x:{model.DOCUMENT}) WHERE d IS NULL "
             "WITH b, ts, d, x, length(p) AS hops ORDER BY hops, x.id "
             "WITH b, ts, d, head(collect(x.id)) AS walked WITH b, ts, coalesce(d, walked) AS d ")

    def _by_document(self, node_id: str, rel_types: Sequence[str], direction: Direction, limit: Optional[int],
                     offset: int, where: Optional[Filter], then: Sequence[str], walk: bool
                     ) -> Optional[dict[str, Any]]:
        documented = " OR ".join(f"b:{label}" for label in DOCUMENTED_LABELS)
        facets = FacetCypher(direction, self._facet_rel, lambda name: f"b.`{name}`", _LABEL_OF_B, **_SPELLING)
        keys = "".join(f", b.`{p}` AS k{i}" for i, p in enumerate(then))
        order = ", ".join(["d IS NULL", "d", *(f"k{i}" for i in range(len(then))), "i"])
        rows = self._read(
            f"{self._facet_head(rel_types, direction, edge_props(where=where))}{facets.where(where)} "
            f"WITH b, ts, CASE WHEN {documented} THEN b.{DOCUMENT_PROPERTY} END AS d {self._WALK if walk else ''}"
            f"WITH b.id AS i, ts, d{keys} ORDER BY {order} "
            "WITH collect([i, ts, d]) AS found, count(DISTINCT d) AS documents, count(d) AS documented "
            f"RETURN size(found) AS total, documents, size(found) - documented AS undocumented, "
            f"found{self._slice(offset, limit)} AS page", id=node_id, **facets.params)
        return rows[0] if rows else None

    def shared_neighbour_counts(self, rel_types: Sequence[str], strong_type: Optional[str] = None,
                                of: Optional[str | Sequence[str]] = None) -> list[tuple[str, str, int, int]]:
        if not rel_types:
            return []
        group = None if of is None or isinstance(of, str) else list(of)
        if group == []:
            return []

        def pairs(types: list[str]) -> dict[tuple[str, str], int]:
            if isinstance(of, str):
                ends, keep, a_id = f"(a:{model.BASE_LABEL} {{id: $of}})", "b <> a", "a.id"
            elif group:  # a group: what any of them reaches, counted once, with each outsider
                ends, keep, a_id = f"(a:{model.BASE_LABEL})", "a.id IN $of AND NOT b.id IN $of", "$of[0]"
            else:
                ends, keep, a_id = f"(a:{model.BASE_LABEL})", "a.id < b.id", "a.id"
            rows = self._read(f"MATCH {ends}-[{_rel(types)}]->(m)<-[{_rel(types, 'r2')}]-(b:{model.BASE_LABEL}) "
                              f"WHERE {keep} RETURN {a_id} AS a, b.id AS b, count(DISTINCT m) AS n",
                              of=group if group else of)
            return {(r["a"], r["b"]): r["n"] for r in rows}
        shared = pairs(list(rel_types))
        both = pairs([strong_type]) if strong_type else {}
        return [(a, b, n, both.get((a, b), 0)) for (a, b), n in shared.items()]

    def documents_from_source(self, source_file: str) -> list[str]:
        rows = self._read(f"MATCH (d:{model.DOCUMENT} {{source_file: $f}}) RETURN d.id AS id ORDER BY id",
                          f=source_file)
        return [r["id"] for r in rows]

    def projection_rows(self, labels: Optional[Iterable[str]] = None,
                        rel_types: Optional[Iterable[str]] = None,
                        properties: Optional[Iterable[str]] = None, connected: bool = False,
                        edge_properties: Optional[Iterable[str]] = None
                        ) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        labels = sorted(labels) if labels is not None else None
        types = sorted(rel_types) if rel_types is not None else None
        if properties is None:
            shape = self._NODE
        else:
            props = sorted(set(properties) - {"id", "label"})
            assert all(model.is_identifier(p) for p in props)
            shape = (f"n {{.id{''.join(', .' + p for p in props)}, "
                     f"label: head([l IN labels(n) WHERE l <> '{model.BASE_LABEL}'])}}")
        # whole lists in one record each: the driver's cost is per record; a label's nodes through
        # its own label (a filter on labels(n) would read every node of the graph)
        assert labels is None or all(model.is_identifier(label) for label in labels)
        if types is not None:
            assert all(model.is_identifier(t) for t in types)
        rel = "r" if types is None else "r:" + "|".join(f"`{t}`" for t in types)
        edge_shape = "properties(r)"
        if edge_properties is not None:
            assert all(model.is_identifier(p) for p in edge_properties)
            edge_shape = "r {" + ", ".join(f".`{p}`" for p in edge_properties) + "}"
        edges = [] if types == [] else self._read(
            f"MATCH (a:{model.BASE_LABEL})-[{rel}]->(b:{model.BASE_LABEL}) "
            f"RETURN collect([a.id, b.id, type(r), {edge_shape}]) AS edges")
        edges = edges[0]["edges"] if edges else []
        nodes: dict[str, dict[str, Any]] = {}
        if connected:  # the edges first, then only the nodes at their ends
            rows = self._read(f"MATCH (n:{model.BASE_LABEL}) WHERE n.id IN $ids RETURN collect({shape}) AS nodes",
                              ids=sorted({e for s, o, _, _ in edges for e in (s, o)}))
            nodes.update((n["id"], {k: v for k, v in n.items() if v is not None})
                         for n in (rows[0]["nodes"] if rows else []) if labels is None or n["label"] in labels)
        for label in [] if connected else [model.BASE_LABEL] if labels is None else labels:
            rows = self._read(f"MATCH (n:`{label}`) RETURN collect({shape}) AS nodes")
            nodes.update((n["id"], {k: v for k, v in n.items() if v is not None})
                         for n in (rows[0]["nodes"] if rows else []))
        return nodes, [(s, t, o, {k: v for k, v in props.items() if v is not None})
                       for s, o, t, props in edges if s in nodes and o in nodes]

    # -- whole-label lists: counted, filtered, ordered and paged in the database ------------------------
    @staticmethod
    def _label_column(p: str) -> str:
        assert model.is_identifier(p), p
        return f"n.`{p}`"

    @staticmethod
    def _member(col: str, key: str, values: list) -> Optional[tuple[str, Any]]:
        """Strings looked up in a map instead of `IN` a list, which Neo4j compares one by one: the
        timeline's 8,700 documents kept against 90 repealed ids, 28 → 10 ms at 100×."""
        if not values or not all(isinstance(v, str) for v in values):
            return None
        return f"({col} IS :: STRING AND ${key}[{col}] IS NOT NULL)", dict.fromkeys(values, True)

    def node_page(self, label: str, where: Optional[Where] = None, order_by: Sequence[tuple[str, bool]] = (),
                  limit: Optional[int] = None, offset: int = 0, properties: Optional[Sequence[str]] = None
                  ) -> tuple[int, list[dict[str, Any]]]:
        assert model.is_identifier(label), label
        params: dict[str, Any] = {}
        test = where_cypher(where, self._label_column, params, self._member)
        shape = self._NODE
        if properties is not None:
            assert all(model.is_identifier(p) for p in properties), properties
            shape = shape.replace(".*", ", ".join(f".`{p}`" for p in ["id", *properties]))
        order = order_cypher([*order_by, ("id", False)], self._label_column)
        rows = self._read(f"MATCH (n:`{label}`) WHERE {test} WITH n ORDER BY {order} "
                          f"WITH collect(n) AS found RETURN size(found) AS total, "
                          f"[n IN found{self._slice(offset, limit)} | {shape}] AS page", **params)
        if not rows:
            return 0, []
        return rows[0]["total"], [{k: v for k, v in n.items() if v is not None} for n in rows[0]["page"]]

    def property_counts(self, label: str, properties: Sequence[str], where: Optional[Where] = None
                        ) -> list[tuple[tuple, int]]:
        assert model.is_identifier(label), label
        params: dict[str, Any] = {}
        values = "".join(f"{self._label_column(p)} AS v{i}, " for i, p in enumerate(properties))
        rows = self._read(f"MATCH (n:`{label}`) WHERE {where_cypher(where, self._label_column, params, self._member)} "
                          f"RETURN {values}count(*) AS n", **params)
        return [(tuple(r[f"v{i}"] for i in range(len(properties))), r["n"]) for r in rows]

    # -- the console's path: the server plans the query, then runs it; both READ, both time-limited ---
    def plan(self, query: str, timeout_s: float) -> QueryPlan:
        """The server's plan of `query` (EXPLAIN: nothing runs): query type, database, operators."""
        neo4j = _neo4j()

        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx):
            summary = tx.run("EXPLAIN " + query).consume()
            home = tx.run("EXPLAIN RETURN 1").consume().database  # where this session's queries go
            return QueryPlan(query_type=summary.query_type or "", database=summary.database or "",
                             home_database=home or "", operators=_operators(summary.plan or {}))
        return self._console_unit(work, timeout_s)

    def read_rows(self, query: str, limit: int, timeout_s: float) -> list[dict[str, Any]]:
        """At most `limit` rows of `query`, as driver values, in a READ transaction the server stops
        after `timeout_s` seconds."""
        neo4j = _neo4j()

        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx):
            return [dict(zip(record.keys(), record.values())) for record in tx.run(query).fetch(limit)]
        return self._console_unit(work, timeout_s)

    def _console_unit(self, work: Callable, timeout_s: float) -> Any:
        neo4j = _neo4j()
        try:
            with self._session(write=False) as session:  # READ access mode: the server refuses writes
                return session.execute_read(work)
        except neo4j.exceptions.Neo4jError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code or "Terminated" in code:
                raise StoreError(f"the query ran longer than {timeout_s:g} s and was stopped") from exc
            if "WriteOnReadOnlyAccess" in code or "Forbidden" in code or "AccessMode" in code:
                raise ReadOnlyViolation(f"the server refused it in a read-only transaction: "
                                        f"{' '.join(str(exc.message).split())}") from exc
            raise StoreError(f"Neo4j rejected the query: {' '.join(str(exc.message or exc).split())}") from exc

    def run_cypher(self, query: str, params: Optional[Mapping[str, Any]] = None, *,
                   read_only: bool = True, limit: int = DEFAULT_CYPHER_LIMIT) -> list[dict[str, Any]]:
        neo4j = _neo4j()

        def work(tx):
            result = tx.run(query, dict(params or {}))
            return [r.data() for r in result.fetch(limit)]
        try:
            with self._session(write=not read_only) as session:
                return (session.execute_read if read_only else session.execute_write)(work)
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"Neo4j rejected the query: {exc.message or exc}") from exc


def _edge_rows(export_dir: str | Path, element_ids: Optional[Mapping[str, str]]) -> Iterator[tuple[str, dict]]:
    """(type, row) of the export's edges, streamed; with `element_ids`, the ends as elementIds
    (check_export has found every end among the export's nodes, so each has one)."""
    for s, t, o, p in iter_export_edges(export_dir):
        if element_ids is not None:
            s, o = element_ids[s], element_ids[o]
        yield t, {"source": s, "target": o, "props": p}


def _operators(plan: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(operator, details) of every step of an EXPLAIN plan, root first; `Expand(All)@neo4j` → `Expand(All)`."""
    out: list[tuple[str, str]] = []
    stack = [plan]
    while stack:
        step = stack.pop()
        if not step:
            continue
        name = str(step.get("operatorType", "")).split("@")[0]
        out.append((name, str((step.get("args") or {}).get("Details", ""))))
        stack.extend(reversed(step.get("children") or []))
    return out


class BatchWriter:
    """Streamed batches onto `writers` threads, each batch its own managed write transaction (the
    driver retries transient errors such as deadlocks). At most 2 × writers batches are in
    flight, so memory stays bounded whatever the export's size. The first failed batch raises
    LoadError (the batches before it stay written: a load is an idempotent upsert, run it again)."""

    def __init__(self, store: Neo4jStore, writers: int, progress: Optional[Progress]) -> None:
        self.store, self.writers, self.progress = store, writers, progress
        self.pool = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="neo4j-load")
        self.pending: set[Future] = set()
        self.submitted = 0
        self.done_rows: dict[str, int] = {}
        self.on_record: Optional[Callable[[dict], None]] = None

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def stream(self, rows: Iterable[tuple[str, dict]], kind: str, query_of: Callable[[str], str],
               check_count: bool = False, on_record: Optional[Callable[[dict], None]] = None,
               before_batch: Optional[Callable[[], None]] = None) -> int:
        """rows: (label or type, row) pairs; batches group rows of one label/type. Returns rows.
        `on_record` gets each committed batch's answer (on a writer thread); `before_batch` is
        called before each batch is handed to a writer (what it raises stops the stream)."""
        buffers: dict[str, list[dict]] = {}
        total = 0
        self.on_record = on_record
        for group, row in rows:
            buffer = buffers.setdefault(group, [])
            buffer.append(row)
            total += 1
            if len(buffer) >= self.store.batch_size:
                if before_batch:
                    before_batch()
                self._submit(f"{kind}:{group}", query_of(group), buffers.pop(group), check_count)
        for group, buffer in sorted(buffers.items()):
            if before_batch:
                before_batch()
            self._submit(f"{kind}:{group}", query_of(group), buffer, check_count)
        self._drain(0)
        return total

    def _submit(self, stage: str, query: str, batch: list[dict], check_count: bool) -> None:
        self._drain(2 * self.writers - 1)
        future = self.pool.submit(self.store._batches, batch, stage, query, None, check_count,
                                  on_record=self.on_record)
        future.stage, future.rows, future.seq = stage, len(batch), self.submitted
        self.submitted += 1
        self.pending.add(future)

    def _drain(self, keep: int) -> None:
        while len(self.pending) > keep:
            done, self.pending = wait(self.pending, return_when=FIRST_COMPLETED)
            if any(f.exception() for f in done):  # report the first batch that failed, as one writer would
                done |= wait(self.pending)[0]
                self.pending = set()
                min((f for f in done if f.exception()), key=lambda f: f.seq).result()
            for future in sorted(done, key=lambda f: f.seq):
                self.done_rows[future.stage] = self.done_rows.get(future.stage, 0) + future.rows
                if self.progress:
                    self.progress(future.stage, self.done_rows[future.stage], self.done_rows[future.stage])
