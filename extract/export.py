"""Write graph records as the export format (nodes.jsonl + edges.jsonl), atomically.

Same records → byte-identical files: nodes sorted by id, edges by (source, type, target,
evidence), keys sorted, UTF-8 without escapes. Both files are written to temporary names and
renamed into place, so an interrupted run never leaves a half-written export.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from extract.records import Records


def _line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_export(records: Records, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nodes = sorted(records.nodes.values(), key=lambda n: n["id"])
    edges = sorted(records.edges.values(),
                   key=lambda e: (e["source"], e["type"], e["target"], e.get("evidence", "")))
    paths = []
    for name, rows in (("nodes.jsonl", nodes), ("edges.jsonl", edges)):
        tmp = out / f".{name}.tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(_line(r) for r in rows)
            fh.flush()
            os.fsync(fh.fileno())
        paths.append((tmp, out / name))
    for tmp, final in paths:
        os.replace(tmp, final)
    return paths[0][1], paths[1][1]


def read_export(out_dir: str | Path) -> tuple[list[dict], list[dict]]:
    """Nodes and edges of an export directory (used by loaders and tests)."""
    out = Path(out_dir)
    def rows(name):
        with open(out / name, encoding="utf-8") as fh:
            return [json.loads(l) for l in fh if l.strip()]
    return rows("nodes.jsonl"), rows("edges.jsonl")
