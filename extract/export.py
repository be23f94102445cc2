"""Write graph records as the export format (nodes.jsonl + edges.jsonl + manifest.json), as one unit.

Same records → byte-identical files: nodes sorted by id, edges by (source, type, target,
evidence), keys sorted, UTF-8 without escapes. Both files are written to temporary names and
renamed into place, so an interrupted run never leaves a half-written file; the old manifest is
removed before the renames and the new one (counts and SHA-256 of both files,
kgcatalogue/manifest.py) written after them, so a run killed between the two renames leaves an
export that `load` refuses rather than a new nodes.jsonl silently paired with an old edges.jsonl.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from extract.records import Records
from kgcatalogue import manifest


def _line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_export(records: Records, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nodes = sorted(records.nodes.values(), key=lambda n: n["id"])
    edges = sorted(records.edges.values(),
                   key=lambda e: (e["source"], e["type"], e["target"], e.get("evidence", "")))
    paths, described = [], {}
    for name, rows in (("nodes.jsonl", nodes), ("edges.jsonl", edges)):
        tmp, describer = out / f".{name}.tmp", manifest.Describer()
        with open(tmp, "wb") as fh:
            for r in rows:  # one line at a time, described as written (never the whole file in memory)
                fh.write(describer.add(_line(r).encode("utf-8")))
            fh.flush()
            os.fsync(fh.fileno())
        paths.append((tmp, out / name))
        described[name] = describer.description()
    (out / manifest.MANIFEST).unlink(missing_ok=True)  # from here until the end: not a complete export
    for tmp, final in paths:
        os.replace(tmp, final)
    manifest.write_manifest(out, described)
    return paths[0][1], paths[1][1]


def read_export(out_dir: str | Path) -> tuple[list[dict], list[dict]]:
    """Nodes and edges of an export directory (used by loaders and tests)."""
    out = Path(out_dir)
    def rows(name):
        with open(out / name, encoding="utf-8") as fh:
            return [json.loads(l) for l in fh if l.strip()]
    return rows("nodes.jsonl"), rows("edges.jsonl")
