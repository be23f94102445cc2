"""`policykg export --format neo4j-admin|graphml|jsonl` (graph/formats.py), without a server."""
from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

import graph
from graph import formats
from graph.export import iter_export_edges, split_export_file
from policykg import cli

from conftest_graph import NODES, export_dir, write_export  # noqa: F401


def _csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_neo4j_admin_csv_has_typed_headers_and_one_file_per_label_and_type(export_dir, tmp_path):
    out = tmp_path / "csv"
    manifest = formats.write_neo4j_admin(formats.rows_of_export(export_dir), out)
    assert manifest["node_rows"]["Agency"] == 8 and manifest["array_delimiter"] == "|"
    header = _csv_rows(out / "nodes_Document_header.csv")[0]
    assert header[:2] == ["id:ID", ":LABEL"]
    assert {"in_corpus:boolean", "line_start:long", "sources_json:string", "doc_number:string"} <= set(header)
    agencies = {r[0]: dict(zip(_csv_rows(out / "nodes_Agency_header.csv")[0], r))
                for r in _csv_rows(out / "nodes_Agency.csv")}
    assert agencies["agency:samr"][":LABEL"] == "Node|Agency"
    assert agencies["agency:samr"]["aliases:string[]"].split("|") == ["市场监管总局", "国家市场监督管理总局", "市场监管部门"]
    assert _csv_rows(out / "edges_LEADS_header.csv")[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    empties = json.loads((out / "empty_lists.json").read_text(encoding="utf-8"))
    # every measure has the list: set wherever missing after the import, no ids to send
    assert empties["labels"] == {"Measure": ["generic_parties"]} and "Measure" not in empties["nodes"]
    args = formats.neo4j_admin_arguments(out)
    assert "--array-delimiter=|" in args and any(a.startswith("--nodes=") and "nodes_Agency" in a for a in args)


def test_array_delimiter_avoids_characters_inside_list_values(tmp_path):
    nodes = [dict(n, aliases=n["aliases"] + ["甲|乙"]) if n["id"] == "agency:mof" else n for n in NODES]
    export = write_export(tmp_path / "export", nodes=nodes)
    manifest = formats.write_neo4j_admin(formats.rows_of_export(export), tmp_path / "csv")
    assert manifest["array_delimiter"] == ";"


def test_graphml_reads_back_with_networkx(export_dir, tmp_path):
    counts = formats.write_graphml(formats.rows_of_export(export_dir), tmp_path / "g.graphml")
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert (g.number_of_nodes(), g.number_of_edges()) == (counts["nodes"], counts["edges"])
    assert g.nodes["agency:mofcom"]["labels"] == ":Node:Agency"
    assert json.loads(g.nodes["agency:mofcom"]["aliases"]) == ["商务部", "中华人民共和国商务部"]
    assert g.nodes["doc:opinion"]["in_corpus"] is True and g.nodes["doc:opinion"]["line_start"] == 1
    assert {d["label"] for _, _, d in g.edges(data=True)} >= {"LEADS", "PART_OF", "SUPPORTS"}


def test_jsonl_from_the_store_reads_back_as_the_same_graph(export_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "data"))
    assert cli.main(["load", str(export_dir), "--store", "embedded", "-q"]) == 0
    assert cli.main(["export", "--format", "jsonl", "--store", "embedded", "--out", str(tmp_path / "again")]) == 0
    original, again = graph.read_export(export_dir), graph.read_export(tmp_path / "again")
    assert again.nodes == original.nodes and again.edges == original.edges


def test_export_command_from_an_export_dir_and_its_errors(export_dir, tmp_path, capsys):
    assert cli.main(["export", "-f", "neo4j-admin", "--from-export", str(export_dir), "-o", str(tmp_path / "c")]) == 0
    assert "as neo4j-admin" in capsys.readouterr().out and (tmp_path / "c" / "import.json").exists()
    assert cli.main(["export", "-f", "graphml", "--from-export", str(tmp_path / "nope"), "-o", str(tmp_path / "d")]) == 1
    assert "nodes.jsonl not found" in capsys.readouterr().err


@pytest.mark.parametrize("part_bytes", [formats.PART_BYTES, 40_000])
def test_parts_over_two_processes_write_the_same_csv_as_one(corpus_export, tmp_path, part_bytes):
    """The bulk import converts both files in parts over two processes, joined in order: the same
    files, byte for byte, as one process writes (in small parts too: many, each cut between runs
    of one key)."""
    export, _ = corpus_export
    rows = formats.rows_of_export(export)
    one = formats.write_neo4j_admin(rows, tmp_path / "one")
    two = formats.write_neo4j_admin(rows, tmp_path / "two", jobs=2, part_bytes=part_bytes)
    assert one == two and one["node_rows"]["Measure"] > 1000
    if part_bytes < formats.PART_BYTES:
        assert len(split_export_file(export, "nodes.jsonl", part_bytes)) > 10
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir()) and len(names) > 10
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_part_cut_never_splits_a_run_of_one_key(tmp_path):
    """Repeats on neighbouring lines are one row (the last): a part's cut falls before or after
    such a run, never inside, so the parts give the rows the whole file gives."""
    nodes = sorted(NODES, key=lambda n: n["id"])
    edges = []
    for i in range(200):  # runs of 1–4 lines of one key
        edge = {"source": f"a:{i:03d}", "type": "LEADS", "target": "b:x"}
        edges += [dict(edge, evidence=f"{i}-{k}") for k in range(i % 4 + 1)]
    export = write_export(tmp_path / "e", nodes + [{"id": f"a:{i:03d}", "label": "Agency", "name": str(i)}
                                                    for i in range(200)] + [{"id": "b:x", "label": "Sector", "name": "x"}],
                          edges)
    whole = list(iter_export_edges(export))
    for piece in (50, 97, 400, 10_000):
        spans = split_export_file(export, "edges.jsonl", piece)
        assert spans[0][0] == 0 and spans[-1][1] == (export / "edges.jsonl").stat().st_size
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
        assert [row for span in spans for row in iter_export_edges(export, span=span)] == whole, piece
    assert len(whole) == 200 and whole[3][3]["evidence"] == "3-3"


def test_a_bad_line_in_a_part_is_reported_as_a_reading_in_order_finds_it(tmp_path):
    nodes = sorted(NODES, key=lambda n: n["id"])
    bad = write_export(tmp_path / "bad", nodes[:5] + [dict(nodes[5], label="not plain!")] + nodes[6:])
    with pytest.raises(graph.ExportError) as one:
        formats.write_neo4j_admin(formats.rows_of_export(bad), tmp_path / "one")
    with pytest.raises(graph.ExportError) as parts:
        formats.write_neo4j_admin(formats.rows_of_export(bad), tmp_path / "two", jobs=2, part_bytes=300)
    assert str(parts.value) == str(one.value) and "nodes.jsonl:6:" in str(one.value)
