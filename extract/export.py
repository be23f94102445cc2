"""Write graph records as the export format (nodes.jsonl + edges.jsonl + manifest.json), as one unit.

Same records → byte-identical files: nodes sorted by id, edges by (source, type, target,
evidence), keys sorted, UTF-8 without escapes. The unit is written by
`kgcatalogue.manifest.write_export_lines` (shared with `policykg export --format jsonl`): both files
to temporary names renamed into place, the old manifest removed before the renames and the new one
(rows and SHA-256 of both files) written after them, so a run killed between the two renames leaves
an export that `load` refuses rather than a new nodes.jsonl silently paired with an old edges.jsonl.

`write_export` writes records held in memory; `write_spilled` the merged corpus of `policykg
extract`, kept on disk (`extract.spill`) and streamed out in the same order, a block of lines at a time.
"""
from __future__ import annotations

import json
from collections import Counter
from operator import itemgetter
from pathlib import Path
from typing import Iterator, Optional

from extract.records import Records
from extract.spill import SpilledRecords
from kgcatalogue import manifest


def write_export(records: Records, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    nodes = sorted(records.nodes.values(), key=lambda n: n["id"])
    edges = sorted(records.edges.values(),
                   key=lambda e: (e["source"], e["type"], e["target"], e.get("evidence", "")))
    manifest.write_export_files(out, nodes, edges)
    return out / "nodes.jsonl", out / "edges.jsonl"


def write_spilled(kept: SpilledRecords, out_dir: Optional[str | Path]) -> tuple[Counter, Counter]:
    """Stream spilled records to an export in `out_dir` (None: only count them). Returns the
    nodes per label and the edges per type."""
    nodes, edges = Counter(), Counter()

    def counted(batches, counter: Counter) -> Iterator[bytes]:
        for batch in batches:
            counter.update(map(itemgetter(0), batch))
            yield b"".join(map(itemgetter(1), batch))
    with kept.edge_batches_ahead() as edge_batches:  # the edges sort while the nodes are written
        node_lines, edge_lines = counted(kept.node_batches(), nodes), counted(edge_batches, edges)
        if out_dir is None:
            for _ in node_lines:
                pass
            for _ in edge_lines:
                pass
        else:
            manifest.write_export_lines(Path(out_dir), node_lines, edge_lines)
    return nodes, edges


def read_export(out_dir: str | Path) -> tuple[list[dict], list[dict]]:
    """Nodes and edges of an export directory (used by loaders and tests)."""
    out = Path(out_dir)
    def rows(name):
        with open(out / name, encoding="utf-8") as fh:
            return [json.loads(l) for l in fh if l.strip()]
    return rows("nodes.jsonl"), rows("edges.jsonl")
