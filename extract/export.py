"""Write graph records as the export format (nodes.jsonl + edges.jsonl + manifest.json), as one unit.

Same records → byte-identical files: nodes sorted by id, edges by (source, type, target,
evidence), keys sorted, UTF-8 without escapes. The unit is written by
`kgcatalogue.manifest.write_export_files` (shared with `policykg export --format jsonl`): both files
to temporary names renamed into place, the old manifest removed before the renames and the new one
(rows and SHA-256 of both files) written after them, so a run killed between the two renames leaves
an export that `load` refuses rather than a new nodes.jsonl silently paired with an old edges.jsonl.
"""
from __future__ import annotations

import json
from pathlib import Path

from extract.records import Records
from kgcatalogue import manifest


def write_export(records: Records, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    nodes = sorted(records.nodes.values(), key=lambda n: n["id"])
    edges = sorted(records.edges.values(),
                   key=lambda e: (e["source"], e["type"], e["target"], e.get("evidence", "")))
    manifest.write_export_files(out, nodes, edges)
    return out / "nodes.jsonl", out / "edges.jsonl"


def read_export(out_dir: str | Path) -> tuple[list[dict], list[dict]]:
    """Nodes and edges of an export directory (used by loaders and tests)."""
    out = Path(out_dir)
    def rows(name):
        with open(out / name, encoding="utf-8") as fh:
            return [json.loads(l) for l in fh if l.strip()]
    return rows("nodes.jsonl"), rows("edges.jsonl")
