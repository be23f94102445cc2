"""`policykg export --format neo4j-admin|graphml|jsonl` (graph/formats.py), without a server."""
from __future__ import annotations

import csv
import json

import networkx as nx

import graph
from graph import formats
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


def test_two_processes_write_the_same_csv_as_one(corpus_export, tmp_path):
    """The bulk import converts nodes.jsonl and edges.jsonl in two processes: same files, byte for byte."""
    export, _ = corpus_export
    rows = formats.rows_of_export(export)
    one = formats.write_neo4j_admin(rows, tmp_path / "one")
    two = formats.write_neo4j_admin(rows, tmp_path / "two", jobs=2)
    assert one == two and one["node_rows"]["Measure"] > 1000
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir()) and len(names) > 10
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
