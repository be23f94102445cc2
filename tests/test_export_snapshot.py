"""The seed corpus's export, byte for byte, against a snapshot taken before a change.

The snapshot was taken from the export of commit 08d122f (before the extractor was restructured
into carrier → stages → one writer); the restructure left every byte as it was. Since then it was
updated by the changes that meant to change the export (git log -p on this file says which). When a change to
extraction is *meant* to change the export (a new rule, a new stage), run this test, check the
per-label / per-type differences it prints against what the change intends, and update SNAPSHOT
in the same commit, saying why.
"""
from __future__ import annotations

import collections
import hashlib
import json

import pytest

pytestmark = pytest.mark.corpus

SNAPSHOT = {
    "nodes.jsonl": "62e47d73fa3862fcd6570721d3d5bf198fc7f4c958385343f19364feb8908907",
    "edges.jsonl": "8183a7ebfac083fcedfb8ff1e5440b1a43552fe7c3c76e8839388cdc7ff27562",
    "labels": {"Agency": 100, "Document": 344, "Measure": 2515, "Obligation": 539, "RegulatedParty": 26, "Sector": 30},
    "types": {"AMENDS": 5, "BINDS": 380, "CITES": 275, "CONCERNS": 4203, "ISSUED_BY": 331, "LEADS": 196, "PART_OF": 3054, "SUCCEEDED_BY": 11, "SUPERSEDES": 18, "SUPPORTS": 1144},
}


def _counts(path, key):
    with open(path, encoding="utf-8") as f:
        return dict(sorted(collections.Counter(json.loads(line)[key] for line in f).items()))


def test_seed_export_matches_the_snapshot(corpus_export):
    out, _ = corpus_export
    labels, types = _counts(out / "nodes.jsonl", "label"), _counts(out / "edges.jsonl", "type")
    assert (labels, types) == (SNAPSHOT["labels"], SNAPSHOT["types"]), "counts per label / type changed"
    for name in ("nodes.jsonl", "edges.jsonl"):
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == SNAPSHOT[name], f"{name} bytes changed"
