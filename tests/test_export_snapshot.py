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
    "nodes.jsonl": "8133de474ff0b1bdfd4768d3dd559bb9376598384e3823d34a315369911dffdc",
    "edges.jsonl": "0d51777d90688df8abb4f00ba6ff6554560d1e4384ef0f272be2d7a33701efbe",
    "labels": {"Agency": 100, "Document": 344, "Measure": 2515, "Obligation": 542, "RegulatedParty": 26, "Sector": 30},
    "types": {"AMENDS": 5, "BINDS": 383, "CITES": 275, "CONCERNS": 4203, "ISSUED_BY": 331, "LEADS": 196, "PART_OF": 3057, "SUCCEEDED_BY": 11, "SUPERSEDES": 18, "SUPPORTS": 1144},
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
