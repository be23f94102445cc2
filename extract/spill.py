"""The merged corpus on disk: measures, obligations and every edge, kept out of memory until written.

`extract.merge.CorpusMerge` keeps in memory only what steps across files read (documents, agencies);
every other node and every edge goes here once its file's merge decision is made. The store is
a SQLite file in a temporary directory, removed when the run ends, however it ends. It keeps the
in-memory semantics exactly, so the export is byte-identical:

- first wins: a node id or edge key (source, type, target, evidence) already stored is not
  replaced (rows inserted in input order; `seq` is that order);
- each row comes as its export line (`kgcatalogue.manifest.export_line`, made in the worker that
  read the file: `extract.merge.file_rows`), so writing is a scan of nodes by id and a sort of edges
  by (source, type, target, evidence) — SQLite's BINARY collation compares UTF-8 bytes, which orders
  strings as Python does (by code point);
- the edge key's hash is `extract.records.edge_hash` (64 bits, the same in every process), computed
  by the worker that read the file. Hashes are unique in the index while no two keys share one, so
  an edge costs one index probe; should two keys ever share a hash (about 1 run in 60 million at 100×),
  the index becomes a plain one from then on and keys are compared on a hash match — the same rows
  are kept either way.
"""
from __future__ import annotations

import fcntl
import json
import queue
import shutil
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from extract.records import edge_hash, edge_row
from kgcatalogue.manifest import export_line

# Rows are appended in input order (`seq`, the rowid); what keeps an insert cheap as the file grows
# past the page cache is a small index: node ids, and a 64-bit hash of each edge key (a unique index
# over the full key, evidence included, was as large as the lines, and nodes in a table keyed by id
# moved ~1 KB lines on every page split: at 100× the parent spent 17 CPU s and far more waiting for
# the disk in those inserts). The hash index is unique while hashes are: an edge is one probe and
# insert (`_NEW_EDGE`, ~40 % cheaper than a probe comparing keys, then an insert: `_NEW_EDGE_SHARED`).
_SCHEMA = """
CREATE TABLE nodes (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, label TEXT, line BLOB);
CREATE TABLE edges (seq INTEGER PRIMARY KEY, hash INTEGER, source TEXT, type TEXT, target TEXT, evidence, line BLOB);
CREATE UNIQUE INDEX edge_hash ON edges (hash);
"""
_EDGE_COLUMNS = "seq, hash, source, type, target, evidence, line"
_SAME_KEY = "hash = ?1 AND source IS ?2 AND type IS ?3 AND target IS ?4 AND evidence IS ?5"
# (hash, source, type, target, evidence, line) rows, `extract.records.edge_row`; `seq` left to SQLite
# (the next rowid: input order). A row whose hash is held by the same key changes nothing (first one
# wins); by another key, it "updates" that row to what it was: nothing changes but the change count,
# which is how `keep_edges` sees that two keys share a hash.
_NEW_EDGE = ("INSERT INTO edges (hash, source, type, target, evidence, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
             "ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash WHERE NOT (source IS excluded.source AND "
             "type IS excluded.type AND target IS excluded.target AND evidence IS excluded.evidence)")
_NEW_EDGE_SHARED = ("INSERT INTO edges (hash, source, type, target, evidence, line) SELECT ?1, ?2, ?3, ?4, ?5, ?6 "
                    f"WHERE NOT EXISTS (SELECT 1 FROM edges WHERE {_SAME_KEY})")


_BATCH = 2048  # rows read out at a time: the export crosses Python once a batch, not once a line
_AHEAD = 32  # batches of edges read ahead of the writer (~10 MB)
_END = object()
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
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")  # a scratch file: nothing to recover after a crash
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.unique_hashes = True  # no two edge keys share a hash (so far): see `keep_edges`

    def __enter__(self) -> "SpilledRecords":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.lock.close()

    # -- in: first one wins ------------------------------------------------------------------
    def keep_nodes(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """(id, label, line) rows (`extract.records.node_row`); an id already here is not replaced."""
        self.db.executemany("INSERT OR IGNORE INTO nodes (id, label, line) VALUES (?, ?, ?)", rows)

    def keep_edges(self, rows: Iterable[tuple]) -> None:
        """(hash, source, type, target, evidence, line) rows (`extract.records.edge_row`); a key
        already here is not replaced. `seq` is left to SQLite: the next rowid, so input order."""
        rows = rows if isinstance(rows, list) else list(rows)
        if self.unique_hashes:
            last, changes = self._last_seq(), self.db.total_changes
            self.db.executemany(_NEW_EDGE, rows)
            if self.db.total_changes - changes == self._last_seq() - last:
                return  # every change an insert: no hash held by another key
            self.db.execute("DELETE FROM edges WHERE seq > ?", (last,))  # this batch again, comparing keys
            self._share_hashes()
        self.db.executemany(_NEW_EDGE_SHARED, rows)

    def _last_seq(self) -> int:
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM edges").fetchone()[0]

    def _share_hashes(self) -> None:
        """Two edge keys share a hash: from now on the index admits repeats and keys are compared."""
        self.db.execute("DROP INDEX edge_hash")
        self.db.execute("CREATE INDEX edge_hash ON edges (hash)")
        self.unique_hashes = False

    def add_edge(self, src: str, target: str, type_: str, **props) -> None:
        """As `Records.add_edge` (link_versions writes through it)."""
        self.keep_edges([edge_row({**props, "source": src, "target": target, "type": type_})])

    def node(self, node_id: str) -> Optional[dict]:
        row = self.db.execute("SELECT line FROM nodes WHERE id = ?", (node_id,)).fetchone()
        return json.loads(row[0]) if row else None

    # -- reference resolution across files --------------------------------------------------
    def remap_edges(self, ends: set[str], move: Callable[[tuple, dict], Optional[tuple[tuple, dict]]],
                    doc_relations: Iterable[str]) -> None:
        """Apply `move(key, edge) -> (key, edge) | None` (None: drop) to every edge with an end in
        `ends` and every document relation from a node to itself, as a pass over all edges in input
        order would: where two edges end with one key, the earlier one (by `seq`) is kept."""
        self.db.execute("CREATE TEMP TABLE ends (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.executemany("INSERT OR IGNORE INTO ends VALUES (?)", ((i,) for i in ends))
        relations = tuple(doc_relations)
        rows = self.db.execute(
            f"SELECT {_EDGE_COLUMNS} FROM edges WHERE source IN (SELECT id FROM ends) OR target IN "
            f"(SELECT id FROM ends) OR (source = target AND type IN ({','.join('?' * len(relations))})) "
            "ORDER BY seq", relations).fetchall()
        self.db.executemany("DELETE FROM edges WHERE seq = ?", ((r[0],) for r in rows))
        for seq, _, *key, line in rows:
            moved = move(tuple(key), json.loads(line))
            if moved is None:
                continue
            key, edge = moved
            other = self.db.execute(f"SELECT seq FROM edges WHERE {_SAME_KEY}", (edge_hash(key), *key)).fetchone()
            if other is not None and other[0] < seq:
                continue  # an earlier edge holds that key
            if other is not None:
                self.db.execute("DELETE FROM edges WHERE seq = ?", other)
            row = (seq, edge_hash(key), *key, export_line(edge))
            try:
                self.db.execute(f"INSERT INTO edges ({_EDGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            except sqlite3.IntegrityError:  # another key holds its hash
                self._share_hashes()
                self.db.execute(f"INSERT INTO edges ({_EDGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        self.db.execute("DROP TABLE temp.ends")

    # -- out: in export order ---------------------------------------------------------------
    def node_batches(self) -> Iterator[list[tuple[str, bytes]]]:
        """(label, line) of every node, by id, a batch at a time."""
        return self._batches("SELECT label, line FROM nodes ORDER BY id")

    def edge_batches(self, db: Optional[sqlite3.Connection] = None) -> Iterator[list[tuple[str, bytes]]]:
        """(type, line) of every edge, by (source, type, target, evidence), a batch at a time: one
        sort, after the last file, instead of an index kept up on every insert."""
        return self._batches("SELECT type, line FROM edges ORDER BY source, type, target, evidence", db)

    @contextmanager
    def edge_batches_ahead(self) -> Iterator[Iterator[list[tuple[str, bytes]]]]:
        """`edge_batches`, sorted and read by a thread on a connection of its own, up to `_AHEAD`
        batches ahead of the caller: after the last file nothing else runs, so the edges are sorted
        on one core while the caller writes the nodes on the other (SQLite sorts and steps without
        the GIL). Nothing may be written to the spill meanwhile. Leaving the block stops the thread."""
        self.db.execute("COMMIT")  # the other connection reads what is committed
        self.db.execute("BEGIN")
        for pragma in ("cache_size = -8192", "shrink_memory"):  # the nodes are read by id, in no page order:
            self.db.execute(f"PRAGMA {pragma}")  # the merge's pages are of no use to them
        ahead: queue.Queue = queue.Queue(_AHEAD)
        stop = threading.Event()
        reading: list[sqlite3.Connection] = []  # while open: the reader's connection
        guard = threading.Lock()  # interrupt (the caller) and close (the reader) never at once

        def put(item) -> bool:
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def read() -> None:
            try:
                db = sqlite3.connect(self.path / "records.sqlite")
                reading.append(db)
                try:
                    # the sort's runs are as large as the cache: 16 MB runs, merged from temporary files,
                    # sort as fast as 64 MB ones (at 100×) and keep the peak below the one-connection write's
                    for pragma in ("cache_size = -16384", "temp_store = FILE"):
                        db.execute(f"PRAGMA {pragma}")
                    for batch in self.edge_batches(db):
                        if not put(batch):
                            return
                finally:
                    with guard:
                        reading.clear()
                        db.close()
                put(_END)
            except BaseException as exc:  # raised in the caller's thread, where the batch is wanted
                put(exc)

        def batches() -> Iterator[list[tuple[str, bytes]]]:
            while (item := ahead.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                yield item
        reader = threading.Thread(target=read, name="policykg-edges", daemon=True)
        reader.start()
        try:
            yield batches()
        finally:
            stop.set()
            with guard:
                for db in reading:
                    db.interrupt()  # a sort under way stops at once (the one call meant for another thread)
            reader.join()

    def _batches(self, query: str, db: Optional[sqlite3.Connection] = None) -> Iterator[list[tuple[str, bytes]]]:
        rows = (db or self.db).execute(query)
        while batch := rows.fetchmany(_BATCH):
            yield batch
