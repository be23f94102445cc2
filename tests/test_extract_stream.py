"""`policykg extract` in bounded memory (extract/spill.py, extract.merge.CorpusMerge): the streamed
export is byte-identical to the in-memory merge's, and a run that fails leaves no export and no
temporary file behind."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.agencies import load_gazetteer
from extract.export import write_export, write_spilled
from extract.merge import CorpusMerge, file_rows, merge
from extract.read import UnreadableFile, iter_input_files
import extract.records as records_module
import extract.spill as spill_module
from extract.records import edge_row, node_row
from extract.spill import SpilledRecords, remove_abandoned
from kgcatalogue import CITES, REGULATED_PARTY
from policykg.cli import run_extract
from policykg.extract_pool import extract_file

FILES = ("nodes.jsonl", "edges.jsonl", "manifest.json")


def _per_file_records(paths):
    """Every readable file's records (a file `policykg extract` skips, e.g. a README, is skipped)."""
    gaz, results = load_gazetteer(), []
    for f in iter_input_files([str(p) for p in paths]):
        try:
            results.append(extract_file(f, gaz))
        except UnreadableFile:
            pass
    return results


def _in_memory_export(paths, out: Path) -> None:
    write_export(merge(_per_file_records(paths)), out)


@pytest.mark.parametrize("which", ["corpus", "samples"])
def test_streamed_export_is_byte_identical_to_the_in_memory_merge(which, request, tmp_path, corpus_export):
    inputs = [request.getfixturevalue(f"{which}_dir")]
    streamed = corpus_export[0] if which == "corpus" else tmp_path / "streamed"
    if which != "corpus":
        run_extract([str(p) for p in inputs], str(streamed), progress=False, jobs=2)
    _in_memory_export(inputs, tmp_path / "memory")
    for name in FILES:
        assert (streamed / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name
    assert (streamed / "edges.jsonl").read_bytes().count(b"\n") > (1000 if which == "corpus" else 50)


def test_references_across_files_are_resolved_on_disk_as_in_memory(corpus_dir, tmp_path):
    """The corpus's second file cites and reprints texts of its first: placeholders resolved across
    files (edges moved in the spill) give the edges the in-memory resolution gives."""
    results = _per_file_records([corpus_dir])
    with SpilledRecords(tmp_path) as kept:
        corpus = CorpusMerge(kept)
        for rec in results:
            corpus.add(file_rows(rec))
        placeholders = {nid for nid, n in corpus.documents.items() if n.get("in_corpus") is False}
        corpus.finish()
        write_spilled(kept, tmp_path / "disk")
    moved = placeholders - {nid for nid, n in corpus.documents.items() if n.get("in_corpus") is False}
    assert moved, "no placeholder was resolved across files: the test would not test the remap"
    write_export(merge(results), tmp_path / "memory")
    for name in FILES:
        assert (tmp_path / "disk" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name
    ids = {json.loads(line)["target"] for line in (tmp_path / "disk" / "edges.jsonl").open(encoding="utf-8")}
    assert not moved & ids


def _edge(source: str, target: str, evidence: str, note: str) -> dict:
    return {"source": source, "type": CITES, "target": target, "evidence": evidence, "note": note}


def test_an_edge_moved_onto_a_key_keeps_it_only_if_it_came_first(tmp_path):
    """Resolution moves the edges of a placeholder onto its document; where a moved edge and a kept
    one then share a key, the one that came first in input order stays (as one pass over the edges
    in input order keeps it), and a repeated key keeps its first edge."""
    edges = [_edge("doc:a", "doc:placeholder", "见《条例》", "1st: moved onto doc:a→doc:real, comes first"),
             _edge("doc:a", "doc:real", "见《条例》", "2nd: had that key, but later: gives way"),
             _edge("doc:a", "doc:real", "见《条例》", "3rd: a repeat of the 2nd: never kept"),
             _edge("doc:b", "doc:real", "依据《办法》", "4th: holds its key first"),
             _edge("doc:b", "doc:placeholder", "依据《办法》", "5th: moved onto the 4th's key: dropped"),
             _edge("doc:real", "doc:placeholder", "同上", "6th: would cite itself once moved: dropped"),
             _edge("doc:c", "doc:real", "根据《规定》", "7th: not moved, first of its key"),
             _edge("doc:c", "doc:real", "根据《规定》", "8th: a repeat of the 7th: never kept")]
    with SpilledRecords(tmp_path) as kept:
        kept.keep_edges(map(edge_row, edges))

        def move(key, e):
            target = "doc:real" if e["target"] == "doc:placeholder" else e["target"]
            return None if target == e["source"] else ((key[0], key[1], target, key[3]), dict(e, target=target))
        kept.remap_edges({"doc:placeholder"}, move, [CITES])
        lines = [json.loads(line) for batch in kept.edge_batches() for _, line in batch]
    assert [(e["source"], e["target"], e["note"][:3]) for e in lines] == [("doc:a", "doc:real", "1st"),
                                                                         ("doc:b", "doc:real", "4th"),
                                                                         ("doc:c", "doc:real", "7th")]


def test_edge_keys_sharing_a_hash_are_kept_as_distinct_keys(tmp_path, monkeypatch):
    """The spill's edge index holds each hash once while no two keys share one; when two do, it
    admits repeats from then on and compares keys: the same edges are kept either way — here with
    every key on one hash (the moves of the test above), and with the corpus's keys on 5 hashes."""
    monkeypatch.setattr(records_module, "edge_hash", lambda key: 7)
    monkeypatch.setattr(spill_module, "edge_hash", lambda key: 7)
    (tmp_path / "moves").mkdir()
    test_an_edge_moved_onto_a_key_keeps_it_only_if_it_came_first(tmp_path / "moves")
    with SpilledRecords(tmp_path) as kept:
        kept.keep_edges(map(edge_row, [_edge("doc:a", "doc:b", "见", "1st"), _edge("doc:a", "doc:b", "见", "2nd")]))
        assert kept.unique_hashes  # one key, twice: the first one kept, the index still unique
        kept.keep_edges(map(edge_row, [_edge("doc:a", "doc:c", "见", "3rd"), _edge("doc:a", "doc:b", "见", "4th")]))
        assert not kept.unique_hashes  # two keys on one hash
        assert [json.loads(line)["note"] for batch in kept.edge_batches() for _, line in batch] == ["1st", "3rd"]
    # an edge moved by reference resolution onto a key whose hash another key holds
    shared = {("doc:a", CITES, "doc:real", "见"), ("doc:z", CITES, "doc:y", "依")}
    monkeypatch.setattr(records_module, "edge_hash", lambda key: 7 if key in shared else hash(key))
    monkeypatch.setattr(spill_module, "edge_hash", records_module.edge_hash)
    with SpilledRecords(tmp_path) as kept:
        kept.keep_edges(map(edge_row, [_edge("doc:a", "doc:placeholder", "见", "moved"), _edge("doc:z", "doc:y", "依", "kept")]))
        assert kept.unique_hashes
        kept.remap_edges({"doc:placeholder"}, lambda key, e: ((key[0], key[1], "doc:real", key[3]),
                                                              dict(e, target="doc:real")), [CITES])
        assert not kept.unique_hashes
        assert [(e["target"], e["note"]) for e in (json.loads(line) for batch in kept.edge_batches()
                                                   for _, line in batch)] == [("doc:real", "moved"), ("doc:y", "kept")]


def test_a_corpus_whose_edge_keys_share_hashes_exports_the_same_bytes(corpus_dir, tmp_path, monkeypatch):
    results = _per_file_records([corpus_dir])
    write_export(merge(results), tmp_path / "memory")
    monkeypatch.setattr(records_module, "edge_hash", lambda key: len("".join(map(str, key))) % 5)
    monkeypatch.setattr(spill_module, "edge_hash", records_module.edge_hash)
    with SpilledRecords(tmp_path) as kept:
        corpus = CorpusMerge(kept)
        for rec in results:
            corpus.add(file_rows(rec))
        assert not kept.unique_hashes
        corpus.finish()
        write_spilled(kept, tmp_path / "disk")
    for name in FILES:
        assert (tmp_path / "disk" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name


def test_the_first_node_of_an_id_is_kept(tmp_path):
    nodes = [{"id": f"party:{name}", "label": REGULATED_PARTY, "name": name, "n": n}
             for n, name in enumerate(["企业", "平台", "企业", "银行", "平台"])]
    with SpilledRecords(tmp_path) as kept:
        kept.keep_nodes(map(node_row, nodes))
        assert kept.node("party:平台")["n"] == 1
        assert [json.loads(line)["n"] for batch in kept.node_batches() for _, line in batch] == [0, 1, 3]


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*")) if directory.exists() else []


def test_a_run_failing_while_it_writes_keeps_the_old_export_and_leaves_no_temporary_file(
        corpus_dir, tmp_path, monkeypatch):
    # the disk fills up while edges.jsonl is being written
    _disk_full_while(corpus_dir, tmp_path / "export", monkeypatch, "edge_batches", 100)


def test_a_run_failing_while_it_writes_the_nodes_stops_the_edges_read_ahead(corpus_dir, tmp_path, monkeypatch):
    """The edges are sorted and read by a thread while the nodes are written: a failure on the nodes
    side stops it (no thread left, no temporary file) and the old export stays."""
    import threading
    _disk_full_while(corpus_dir, tmp_path / "export", monkeypatch, "node_batches", 10)
    assert not [t for t in threading.enumerate() if t.name == "policykg-edges"]


def _disk_full_while(corpus_dir, out, monkeypatch, batches: str, written: int) -> None:
    """An export of one file, then a run over the corpus whose `SpilledRecords.<batches>` fails
    after `written` rows (the disk full): the run raises, the old export stays, no temporary file."""
    run_extract([str(sorted(corpus_dir.glob("*.txt"))[-1])], str(out), progress=False, jobs=1)
    before = {name: (out / name).read_bytes() for name in FILES}
    original = getattr(SpilledRecords, batches)

    def failing_after_some(self, *db):
        for batch in original(self, *db):
            yield batch[:written]
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(SpilledRecords, batches, failing_after_some)
    with pytest.raises(OSError, match="No space left"):
        run_extract([str(corpus_dir)], str(out), progress=False, jobs=2)
    assert {name: (out / name).read_bytes() for name in FILES} == before
    assert _leftovers(out) == sorted(FILES)


def test_a_run_failing_mid_way_into_a_new_directory_leaves_nothing(corpus_dir, tmp_path, monkeypatch):
    out = tmp_path / "new" / "export"
    (tmp_path / "new").mkdir()

    def crash(self):
        raise RuntimeError("crash after every file was merged")
    monkeypatch.setattr(CorpusMerge, "finish", crash)
    with pytest.raises(RuntimeError, match="crash after"):
        run_extract([str(corpus_dir)], str(out), progress=False, jobs=2)
    assert not out.exists() and _leftovers(tmp_path / "new") == []


def test_the_spill_of_a_run_killed_outright_is_removed_by_the_next_run(corpus_dir, tmp_path):
    """A run killed with SIGKILL cannot clean up: its spill directory stays in the export
    directory, and the next run into that directory removes it (its process is gone)."""
    import signal
    import subprocess
    import sys
    import time
    out = tmp_path / "export"
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "extract", str(corpus_dir), "--out", str(out),
                             "-q", "--jobs", "1"], cwd=str(Path(__file__).resolve().parents[1]))
    deadline = time.monotonic() + 120
    while not list(out.glob(".policykg-merge-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = list(out.glob(".policykg-merge-*"))
    assert left, "the killed run had started spilling"
    with SpilledRecords(tmp_path) as alive:  # a live run's spill is never taken for abandoned
        assert remove_abandoned(tmp_path) == [] and alive.path.is_dir()
    run_extract([str(sorted(corpus_dir.glob("*.txt"))[-1])], str(out), progress=False, jobs=1)
    assert _leftovers(out) == sorted(FILES)
