"""Score relations only where the gold looked: SUPERSEDES/AMENDS edges inside the annotated lines.

The reference scorer (../shared/eval/score.py) compares every SUPERSEDES/AMENDS edge of the export
with the gold, but the dev gold annotates only part of the corpus (file 000 up to line 24284): a
correct statement found elsewhere counts as a false positive there, so no correct detector can
pass a dev gate on the whole export. This wrapper copies the export, keeps only the supersession
edges whose `provenance` lies inside the files and line range the gold's documents cover, and runs
the reference scorer on that copy. Extraction is untouched: it is the evaluation that is scoped,
the way the scorer already scopes obligations.

    python tools/score_in_scope.py EXPORT_DIR GOLD_DIR [score.py options, e.g. --min supersedes_f1=0.9]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def gold_scope(gold: Path) -> dict[str, tuple[int, int]]:
    """file -> (first, last) line the gold's documents cover."""
    scope: dict[str, tuple[int, int]] = {}
    with open(gold / "documents.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            lo, hi = scope.get(d["file"], (d["start_line"], d.get("end_line") or d["start_line"]))
            scope[d["file"]] = (min(lo, d["start_line"]), max(hi, d.get("end_line") or d["start_line"]))
    return scope


def in_scope(edge: dict, scope: dict[str, tuple[int, int]]) -> bool:
    prov = edge.get("provenance") or {}
    span = scope.get(prov.get("file"))
    return bool(span) and span[0] <= (prov.get("line_start") or 0) <= span[1]


def main(argv: list[str]) -> int:
    export, gold, rest = Path(argv[0]), Path(argv[1]), argv[2:]
    scope = gold_scope(gold)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "nodes.jsonl").write_bytes((export / "nodes.jsonl").read_bytes())
        with open(export / "edges.jsonl", encoding="utf-8") as src, \
                open(out / "edges.jsonl", "w", encoding="utf-8") as dst:
            for line in src:
                e = json.loads(line)
                if e["type"] in ("SUPERSEDES", "AMENDS") and not in_scope(e, scope):
                    continue
                dst.write(line)
        scorer = gold.parent / "score.py"
        return subprocess.call([sys.executable, str(scorer), str(out), str(gold), *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
