"""The merged corpus on disk: measures, obligations and every edge, kept out of memory until written.

`extract.merge.CorpusMerge` keeps in memory only what steps across files read (documents, agencies);
every other node and every edge goes here once its file's merge decision is made. The store is
a SQLite file in a temporary directory, removed when the run ends, however it ends. It keeps the
in-memory semantics exactly, so the export is byte-identical:

- each row is stored as its export line (`kgcatalogue.manifest.export_line`);
- rows are gathered in memory up to `RUN_BYTES` of lines, then sorted (nodes by id, edges by
  (source, type, target, evidence); Python's sort is stable, so rows of one key stay in input order)
  and appended as one *run*. Writing the export merges the runs (`heapq.merge` is stable too: an
  earlier run wins a tie) and keeps the first row of each key: first one wins, as in memory.

Why runs rather than a unique index kept up to date: an index insert per row is a random B-tree
write, and once the tables outgrow the page cache (a 10x corpus and up) every insert reads and
writes pages — at 100x the parent process spent more CPU there than on anything else, on the
critical path of a run with 2 jobs. Appending sorted runs costs the same per row at any size, and
merging them is one sequential pass, made while the export is written.
"""
from __future__ import annotations

import fcntl
import heapq
import json
import shutil
import sqlite3
import tempfile
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from extract.records import edge_key
from kgcatalogue.manifest import export_line

_SCHEMA = """
CREATE TABLE nodes (id TEXT, label TEXT, line BLOB);
CREATE INDEX node_id ON nodes (id);
CREATE TABLE edges (source TEXT, type TEXT, target TEXT, evidence TEXT, seq INTEGER, line BLOB);
"""
_EDGE_KEY = "(source, type, target, evidence)"
RUN_BYTES = 4 * 1024 * 1024  # lines held in memory before they are sorted and appended as a run
_PREFIX = ".policykg-merge-"
_LOCK = "lock"


def remove_abandoned(directory: Path) -> list[Path]:
    """Remove the spill directories a killed run left in `directory`: a run holds its directory's
    lock file while it lives (the system releases it when the process ends, however it ends), so a
    directory whose lock can be taken is abandoned. Returns what was removed."""
    removed = []
    for leftover in directory.glob(f"{_PREFIX}*"):
        try:
            with open(leftover / _LOCK) as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a run in progress (locked), or one just starting (no lock file yet)
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    return removed


class SortedRuns:
    """One table's rows (the line last) as sorted runs: gathered in memory, then sorted by `key`
    and appended with consecutive rowids; `runs` are their rowid ranges, in input order."""

    def __init__(self, db: sqlite3.Connection, table: str, columns: str, key: Callable[[tuple], tuple]) -> None:
        self.db, self.table, self.columns, self.key = db, table, columns, key
        self.pending: list[tuple] = []
        self.pending_bytes = 0
        self.runs: list[tuple[int, int]] = []
        self.rows = 0  # the last rowid given

    def add(self, row: tuple) -> None:
        self.pending.append(row)
        self.pending_bytes += len(row[-1])
        if self.pending_bytes >= RUN_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.pending.sort(key=self.key)
        first = self.rows + 1
        self.db.executemany(f"INSERT INTO {self.table} (rowid, {self.columns}) VALUES (?, {', '.join('?' * len(self.pending[0]))})",
                            ((first + i, *row) for i, row in enumerate(self.pending)))
        self.rows += len(self.pending)
        self.runs.append((first, self.rows))
        self.pending, self.pending_bytes = [], 0

    def first_of_each_key(self) -> Iterator[tuple]:
        """The first row of every key, in key order (the runs merged)."""
        self.flush()
        runs = [self.db.execute(f"SELECT {self.columns} FROM {self.table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                                run) for run in self.runs]
        for _, rows in groupby(heapq.merge(*runs, key=self.key), key=self.key):
            yield next(rows)


class SpilledRecords:
    """Nodes and edges in a temporary SQLite file (under `directory`, default the system's
    temporary directory), first one wins. Use as a context manager: the file goes at the end."""

    def __init__(self, directory: Optional[str | Path] = None) -> None:
        if directory is not None:
            remove_abandoned(Path(directory))
        self.path = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=directory))
        self.lock = open(self.path / _LOCK, "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)  # held while this run lives (see remove_abandoned)
        self.db = sqlite3.connect(self.path / "records.sqlite", isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -32768", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")  # a scratch file: nothing to recover after a crash
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.nodes = SortedRuns(self.db, "nodes", "id, label, line", itemgetter(0))
        self.edges = SortedRuns(self.db, "edges", "source, type, target, evidence, seq, line", itemgetter(0, 1, 2, 3))
        self.seq = 0  # edges kept so far: an edge's `seq` is its place in input order

    def __enter__(self) -> "SpilledRecords":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.lock.close()

    # -- in: first one wins ------------------------------------------------------------------
    def keep_nodes(self, nodes: Iterable[dict]) -> None:
        for n in nodes:
            self.nodes.add((n["id"], n["label"], export_line(n)))

    def keep_edges(self, edges: Iterable[dict]) -> None:
        for e in edges:
            self.seq += 1
            self.edges.add((*edge_key(e), self.seq, export_line(e)))

    def add_edge(self, src: str, target: str, type_: str, **props) -> None:
        """As `Records.add_edge` (link_versions writes through it)."""
        self.keep_edges([{**props, "source": src, "target": target, "type": type_}])

    def node(self, node_id: str) -> Optional[dict]:
        """The node kept under `node_id` (the first: runs are in input order, each sorted stably)."""
        self.nodes.flush()
        row = self.db.execute("SELECT line FROM nodes WHERE id = ? ORDER BY rowid LIMIT 1", (node_id,)).fetchone()
        return json.loads(row[0]) if row else None

    # -- reference resolution across files --------------------------------------------------
    def remap_edges(self, ends: set[str], move: Callable[[tuple, dict], Optional[tuple[tuple, dict]]],
                    doc_relations: Iterable[str]) -> None:
        """Apply `move(key, edge) -> (key, edge) | None` (None: drop) to every kept edge with an end
        in `ends` and every document relation from a node to itself, as a pass over all edges in
        input order would: where two edges end with one key, the earlier one (by `seq`) is kept."""
        moved = []
        for seq, key, line in self._take_edges(ends, tuple(doc_relations)):
            result = move(key, json.loads(line))
            if result is not None:
                moved.append((seq, *result))
        held = self._first_seq_of({key for _, key, _ in moved})  # keys that edges not moved hold
        placed: dict[tuple, tuple[int, dict]] = {}
        for seq, key, edge in moved:  # in input order: the first edge to take a key keeps it
            if key not in placed and held.get(key, seq + 1) > seq:
                placed[key] = (seq, edge)
        displaced = [key for key in placed if key in held]  # held by later edges, which lose it
        self._with_keys(displaced, f"DELETE FROM edges WHERE {_EDGE_KEY} IN (SELECT * FROM temp.keys)")
        for key, (seq, edge) in placed.items():
            self.edges.add((*key, seq, export_line(edge)))
        self.edges.flush()  # one run of its own: no other run holds these keys

    def _take_edges(self, ends: set[str], doc_relations: tuple) -> list[tuple[int, tuple, bytes]]:
        """Remove and return the kept edges with an end in `ends` and the document relations from a
        node to itself: (seq, key, line), the first edge of each key only, in input order."""
        self.edges.flush()
        self.db.execute("CREATE TEMP TABLE ends (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.executemany("INSERT OR IGNORE INTO ends VALUES (?)", ((i,) for i in ends))
        rows = self.db.execute(
            "SELECT rowid, seq, source, type, target, evidence, line FROM edges WHERE source IN (SELECT id FROM ends) "
            f"OR target IN (SELECT id FROM ends) OR (source = target AND type IN ({','.join('?' * len(doc_relations))})) "
            "ORDER BY seq", doc_relations).fetchall()
        self.db.execute("DROP TABLE temp.ends")
        self.db.executemany("DELETE FROM edges WHERE rowid = ?", ((r[0],) for r in rows))
        first: dict[tuple, tuple[int, tuple, bytes]] = {}
        for _, seq, *key, line in rows:  # a later edge with the same key is one the first replaced
            first.setdefault(tuple(key), (seq, tuple(key), line))
        return list(first.values())

    def _first_seq_of(self, keys: set[tuple]) -> dict[tuple, int]:
        """key -> the `seq` of the first kept edge with that key, for those of `keys` kept."""
        return dict(self._with_keys(keys, f"SELECT e.source, e.type, e.target, e.evidence, min(e.seq) FROM edges e "
                                          f"JOIN temp.keys k USING {_EDGE_KEY} GROUP BY 1, 2, 3, 4",
                                    lambda rows: [(tuple(r[:4]), r[4]) for r in rows]))

    def _with_keys(self, keys: Iterable[tuple], sql: str, read: Callable = lambda rows: None):
        """Run `sql` with the edge keys `keys` in temp.keys."""
        self.db.execute("CREATE TEMP TABLE keys (source, type, target, evidence, PRIMARY KEY "
                        "(source, type, target, evidence)) WITHOUT ROWID")
        try:
            self.db.executemany("INSERT OR IGNORE INTO temp.keys VALUES (?, ?, ?, ?)", keys)
            return read(self.db.execute(sql).fetchall())
        finally:
            self.db.execute("DROP TABLE temp.keys")

    # -- out: in export order ---------------------------------------------------------------
    def node_lines(self) -> Iterator[tuple[str, bytes]]:
        """(label, line) of every node, by id."""
        for _, label, line in self.nodes.first_of_each_key():
            yield label, line

    def edge_lines(self) -> Iterator[tuple[str, bytes]]:
        """(type, line) of every edge, by (source, type, target, evidence)."""
        for _, type_, _, _, _, line in self.edges.first_of_each_key():
            yield type_, line
