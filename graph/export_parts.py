"""An export split into parts of a few documents each, for re-ingest in bounded transactions.

Re-ingesting a document deletes what it owns (its measures and obligations, reached through
PART_OF) and writes its new subgraph; done one part at a time, each part is one transaction, so a
document never shows half old and half new, and a 100× corpus is not one huge transaction.

The export is read twice, streamed, and never held: the first pass keeps only which file each
document comes from and the PART_OF parent of each node (ids); the second sorts every row into its
part in a temporary SQLite file, from which each part is read back alone.
- A node belongs to the document it is (transitively) PART_OF, or is that document; documents are
  grouped, in id order, `docs_per_part` to a part.
- Anything else (agencies, sectors, parties, documents known only by citation) is shared: written
  first, before any part, so the parts' edges find them.
- An edge belongs to its source's part, else its target's, else it is shared. A node of a later
  part that an edge points at is written early too (created if missing, never changed there), so
  the edge finds it; it gets its properties in its own part.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable, Optional

from . import model
from .export import Export, iter_export_edges, iter_export_nodes

SHARED = -1
DEFAULT_DOCS_PER_PART = 20


class ExportParts:
    """The parts of one export directory (use as a context manager; the spill file is temporary)."""

    def __init__(self, export_dir: str | Path, spill_dir: str | Path,
                 docs_per_part: int = DEFAULT_DOCS_PER_PART) -> None:
        self.export_dir = Path(export_dir)
        self.db = sqlite3.connect(Path(spill_dir) / "parts.sqlite")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE row (part INTEGER, kind TEXT, id TEXT, record TEXT)")
        self.doc_files: dict[str, str] = {}
        self.parent: dict[str, str] = {}
        self.early: set[str] = set()
        self.isolated_shared: set[str] = set()
        self._first_pass()
        docs = sorted(self.doc_files)
        self.part_of_doc = {d: n // docs_per_part for n, d in enumerate(docs)}
        self.parts = (len(docs) + docs_per_part - 1) // docs_per_part
        self._second_pass()
        self.db.execute("CREATE INDEX row_part ON row (part)")
        self.db.execute("CREATE INDEX row_id ON row (id)")

    def __enter__(self) -> "ExportParts":
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    @property
    def files(self) -> list[str]:
        return sorted(set(self.doc_files.values()))

    def documents(self, part: int) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM row WHERE part = ? AND kind = 'doc' ORDER BY id", (part,))]

    def _first_pass(self) -> None:
        for node_id, label, props in iter_export_nodes(self.export_dir):
            if label == model.DOCUMENT and props.get("source_file"):
                self.doc_files[node_id] = props["source_file"]
        for s, rel_type, o, _ in iter_export_edges(self.export_dir):
            if rel_type == model.PART_OF:
                self.parent[s] = o

    def part_of(self, node_id: str) -> int:
        seen = 0
        while node_id not in self.doc_files and node_id in self.parent and seen < 64:
            node_id, seen = self.parent[node_id], seen + 1
        return self.part_of_doc.get(node_id, SHARED)

    def _second_pass(self) -> None:
        shared_nodes: set[str] = set()
        rows = []
        for node_id, label, props in iter_export_nodes(self.export_dir):
            part = self.part_of(node_id)
            if part == SHARED:
                shared_nodes.add(node_id)
            rows.append((part, "doc" if node_id in self.doc_files else "node", node_id,
                         json.dumps([label, props], ensure_ascii=False)))
            rows = self._flush(rows)
        touched: set[str] = set()
        for s, rel_type, o, props in iter_export_edges(self.export_dir):
            source_part, target_part = self.part_of(s), self.part_of(o)
            part = source_part if source_part != SHARED else target_part
            if target_part not in (SHARED, part):
                self.early.add(o)
            touched.update(n for n in (s, o) if n in shared_nodes)
            rows.append((part, "edge", None, json.dumps([s, rel_type, o, props], ensure_ascii=False)))
            rows = self._flush(rows)
        self._flush(rows, force=True)
        self.isolated_shared = shared_nodes - touched

    def _flush(self, rows: list, force: bool = False) -> list:
        if rows and (force or len(rows) >= 5000):
            self.db.executemany("INSERT INTO row VALUES (?, ?, ?, ?)", rows)
            return []
        return rows

    def export_of(self, part: int) -> Export:
        """The nodes and edges of one part (or of the shared rows, part SHARED)."""
        return self._export(self.db.execute("SELECT kind, record FROM row WHERE part = ?", (part,)))

    def early_nodes(self) -> Export:
        """The nodes of later parts that edges point at (written early, created if missing)."""
        ids = sorted(self.early)
        rows: list = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows += self.db.execute(f"SELECT kind, record FROM row WHERE kind != 'edge' AND id IN "
                                    f"({','.join('?' * len(chunk))})", chunk).fetchall()
        return self._export(rows)

    @staticmethod
    def _export(rows: Iterable[tuple[str, str]], export: Optional[Export] = None) -> Export:
        export = export or Export()
        for kind, record in rows:
            if kind == "edge":
                s, rel_type, o, props = json.loads(record)
                export.edges[(s, rel_type, o)] = props
            else:
                label, props = json.loads(record)
                export.nodes[props["id"]] = (label, props)
        return export
