"""Neo4j specifics: routing URIs, schema, clear errors when unreachable or a batch fails; the CLI."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

import graph
from graph import queries
from graph.neo4j_store import Neo4jStore
from policykg import cli_graph, neo4j_server

from conftest_graph import EDGES, NODES, export_dir, neo, neo4j_uri, open_neo4j, write_export  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
DEAD = "bolt://127.0.0.1:9"  # discard port: nothing listens


@pytest.mark.neo4j
def test_routing_uri_against_the_local_server(neo, export_dir):
    port = urlparse(neo4j_uri()).port
    with graph.open_store("neo4j", uri=f"neo4j://127.0.0.1:{port}") as routed:
        routed.load_export(export_dir)
        assert routed.counts()["nodes"]["Agency"] == 8
        assert queries.duties_of(routed, "商务部")["leads"] == 3


@pytest.mark.neo4j
def test_schema_has_the_id_constraint_and_a_cjk_fulltext_index(neo):
    neo.ensure_schema()
    neo.ensure_schema()  # idempotent
    constraints = neo.run_cypher("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type")
    assert {"name": "node_id", "labelsOrTypes": ["Node"], "properties": ["id"],
            "type": "UNIQUENESS"} in constraints
    fulltext = neo.run_cypher("SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, options, state")
    index = next(i for i in fulltext if i["name"] == graph.model.FULLTEXT_INDEX)
    assert index["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"
    assert set(index["labelsOrTypes"]) == set(graph.model.NODE_LABELS)
    assert set(index["properties"]) == {p for _, p in graph.model.FULLTEXT_FIELDS} >= {"title", "text", "name", "aliases"}
    assert index["state"] == "ONLINE"


@pytest.mark.neo4j
def test_read_only_cypher_cannot_write(neo):
    with pytest.raises(graph.StoreError, match="rejected"):
        neo.run_cypher("CREATE (n:Agency {id: 'x'})")
    assert neo.counts()["nodes"] == {}


TX_ID = ("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
         "WHERE currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN transactionId")


@pytest.mark.neo4j
def test_a_question_is_one_read_transaction(neo, export_dir):
    neo.load_export(export_dir)
    apart = [neo._read(TX_ID)[0]["transactionId"] for _ in range(2)]
    assert apart[0] != apart[1]
    together = neo.in_one_read(lambda: [neo._read(TX_ID)[0]["transactionId"],
                                        neo.in_one_read(lambda: neo._read(TX_ID)[0]["transactionId"])])
    assert together[0] == together[1]  # nested units join the outer transaction
    # a question's own primitives run inside it: the unit is left when the question returns or fails
    assert queries.duties_of(neo, "商务部")["leads"] == 3
    with pytest.raises(queries.NotFound):
        queries.duties_of(neo, "没有这个部")
    assert neo._local.tx is None


@pytest.mark.neo4j
def test_threads_sharing_a_store_get_their_own_transactions(neo, export_dir):
    """Streamlit shares one cached store between its sessions' threads."""
    from concurrent.futures import ThreadPoolExecutor
    neo.load_export(export_dir)
    expected = queries.duties_of(neo, "商务部")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: queries.duties_of(neo, "商务部"), range(16)))
    assert all(a == expected for a in answers)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", ["node_create_query", "node_merge_query"])
def test_a_failing_batch_raises_and_names_the_batch(neo, tmp_path, monkeypatch, query):
    # sorted as the extractor writes it, so into the empty database the load CREATEs
    export_dir = write_export(tmp_path / "export", sorted(NODES, key=lambda n: n["id"]),
                              sorted(EDGES, key=lambda e: (e["source"], e["type"], e["target"])))
    if query == "node_merge_query":  # a database holding something: the load MERGEs
        neo.load(graph.from_records([{"id": "x:other", "label": "Sector", "name": "其他"}], []))
    monkeypatch.setattr(Neo4jStore, query,
                        staticmethod(lambda label: "UNWIND $rows AS row MERGE (n:Node {id: row.id}) "
                                                   "SET n = row.nosuch.props RETURN count(n) AS n"))
    with pytest.raises(graph.LoadError, match=r"loading nodes:Agency rows 1-8 of 8 into Neo4j failed"):
        neo.load_export(export_dir)


@pytest.mark.neo4j
def test_a_failed_reingest_changes_nothing(neo, export_dir, monkeypatch):
    """Delete and reload of a document are one transaction: a failure leaves the old subgraph."""
    neo.load_export(export_dir)
    before = neo.counts()
    new = graph.from_records([{"id": "doc:opinion", "label": "Document", "title": "新版"},
                              {"id": "m:opinion:9", "label": "Measure", "text": "新任务"}],
                             [{"source": "m:opinion:9", "target": "doc:opinion", "type": "PART_OF"}])
    monkeypatch.setattr(Neo4jStore, "edge_merge_query",
                        staticmethod(lambda t: "UNWIND $rows AS row RETURN count(row.nosuch.x) AS n"))
    with pytest.raises(graph.LoadError, match="nothing was changed"):
        neo.replace_documents(["doc:opinion"], new)
    assert neo.counts() == before
    assert "m:opinion:1" in neo.get_nodes(["m:opinion:1"]) and "m:opinion:9" not in neo.get_nodes(["m:opinion:9"])
    monkeypatch.undo()
    neo.replace_documents(["doc:opinion"], new)
    assert neo.get_nodes(["doc:opinion"])["doc:opinion"]["title"] == "新版"
    assert "m:opinion:1" not in neo.get_nodes(["m:opinion:1"])


@pytest.mark.neo4j
def test_a_node_loaded_under_a_new_label_has_only_that_label(neo):
    neo.load(graph.from_records([{"id": "x:1", "label": "RegulatedParty", "name": "海关"}], []))
    neo.load(graph.from_records([{"id": "x:1", "label": "Agency", "name": "海关总署"}], []))
    assert sorted(neo.run_cypher("MATCH (n {id: 'x:1'}) RETURN labels(n) AS l")[0]["l"]) == ["Agency", "Node"]
    assert neo.get_nodes(["x:1"])["x:1"]["label"] == "Agency"


@pytest.mark.neo4j
def test_edges_whose_endpoints_are_missing_fail_the_load(neo):
    partial = graph.from_records([{"id": "agency:a", "label": "Agency", "name": "甲"}],
                                 [{"source": "agency:a", "target": "m:gone", "type": "LEADS"}],
                                 check_edges=False)
    with pytest.raises(graph.LoadError, match="only 0 of 1 edges"):
        neo.load(partial)


@pytest.mark.neo4j
def test_small_batches_give_the_same_graph(neo, export_dir):
    neo.batch_size = 3
    neo.load_export(export_dir)
    from conftest_graph import EXPECTED_COUNTS
    assert neo.counts() == EXPECTED_COUNTS


def test_unreachable_neo4j_is_one_clear_error():
    with pytest.raises(graph.StoreUnavailable) as info:
        graph.open_store("neo4j", uri=DEAD, password="whatever1")
    message = str(info.value)
    assert DEAD in message and "policykg neo4j start" in message
    assert "\n" not in message


def test_missing_uri_says_what_to_set(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(graph.StoreUnavailable, match="NEO4J_URI is not set"):
        graph.open_store("neo4j")


@pytest.mark.neo4j
def test_wrong_password_is_reported_as_such(neo):
    if not os.environ.get("NEO4J_PASSWORD"):
        pytest.skip("the test server runs without auth")
    with pytest.raises(graph.StoreUnavailable, match="refused the credentials"):
        graph.open_store("neo4j", uri=neo4j_uri(), password="not-the-password")


@pytest.mark.neo4j
def test_a_rate_limited_login_is_reported_as_such(neo):
    """After too many wrong passwords the server refuses logins for a while (5 s by default):
    that is said, not "cannot reach Neo4j"."""
    import time
    if not os.environ.get("NEO4J_PASSWORD"):
        pytest.skip("the test server runs without auth")
    messages = []
    for _ in range(6):
        with pytest.raises(graph.StoreUnavailable) as caught:
            graph.open_store("neo4j", uri=neo4j_uri(), password="not-the-password")
        messages.append(str(caught.value))
    assert any("rate-limited" in m and "too many wrong passwords" in m for m in messages), messages
    assert not any("cannot reach" in m for m in messages), messages
    time.sleep(6)  # let the lock pass for the tests after this one


@pytest.mark.neo4j
def test_queries_on_unknown_property_keys_print_no_warnings(neo, caplog, recwarn):
    """A first load into an empty database reads property keys that do not exist yet; the server's
    notifications about them are not shown (driver notifications off)."""
    import logging
    caplog.set_level(logging.DEBUG, logger="neo4j")
    neo.run_cypher("MATCH (n:Node) WHERE n.a_key_never_written_xyz = 1 RETURN n.another_unknown_key_xyz AS k")
    shown = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert shown == [] and len(recwarn) == 0, (shown, [str(w.message) for w in recwarn])


def test_cli_load_into_an_unreachable_neo4j_exits_non_zero_with_one_line(export_dir):
    env = {**os.environ, "NEO4J_URI": DEAD, "NEO4J_PASSWORD": "whatever1"}
    proc = subprocess.run([sys.executable, "-m", "policykg.cli_graph", "load", str(export_dir), "--store", "neo4j"],
                          capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach Neo4j at bolt://127.0.0.1:9")


def test_cli_load_into_the_embedded_store(export_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "data"))
    assert cli_graph.main(["load", str(export_dir), "--quiet"]) == 0
    assert "loaded 27 nodes and 35 edges into the embedded store" in capsys.readouterr().out
    assert (tmp_path / "data" / "graph.lbdb").is_file()
    assert cli_graph.main(["load", str(tmp_path / "nope")]) == 1
    assert "nodes.jsonl not found" in capsys.readouterr().err


def test_main_cli_has_the_graph_commands(export_dir, tmp_path, monkeypatch, capsys):
    from policykg import cli
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "data"))
    assert cli.main(["load", str(export_dir), "--store", "embedded", "-q"]) == 0
    help_text = cli.build_parser().format_help()
    assert "load" in help_text and "neo4j" in help_text


# -- the local server helper ----------------------------------------------------------------------
def test_server_status_when_nothing_runs(tmp_path):
    info = neo4j_server.status(tmp_path)
    assert not info.running and info.home == str(tmp_path / "neo4j")
    assert neo4j_server.stop(tmp_path).running is False


def test_server_refuses_a_port_in_use(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(neo4j_server.ServerError, match=f"port {port} .* already in use"):
            neo4j_server.start(port=port, data_dir=tmp_path)


def test_server_env_lines():
    info = neo4j_server.ServerInfo(running=True, uri="bolt://127.0.0.1:7687", password="s3cret-pw")
    assert info.shell_exports().splitlines() == [
        "export NEO4J_URI=bolt://127.0.0.1:7687", "export NEO4J_USERNAME=neo4j", "export NEO4J_PASSWORD=s3cret-pw"]
    assert "s3cret" not in str(info.as_dict())


def test_the_server_inherits_no_credential_from_its_parent(monkeypatch):
    """Whatever the user exported, the environment handed to the local server holds no password
    (it goes over stdin; /proc/<pid>/environ of a running server is checked in test_console_hostile)."""
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-password")
    monkeypatch.setenv("NEO4J_AUTH", "neo4j/s3cret-password")
    monkeypatch.setenv("SOME_TOOL_URL", "bolt://neo4j:s3cret-password@host")
    monkeypatch.setenv("HARMLESS", "value")
    env = neo4j_server.server_environment("s3cret-password")
    assert not any("s3cret-password" in v for v in env.values())
    assert "NEO4J_PASSWORD" not in env and "NEO4J_AUTH" not in env and env["HARMLESS"] == "value"


def _fulltext_state(neo):
    found = neo.run_cypher("SHOW FULLTEXT INDEXES YIELD name, state WHERE name = $n RETURN state",
                           {"n": graph.model.FULLTEXT_INDEX})
    return found[0]["state"] if found else None


@pytest.mark.neo4j
def test_a_load_into_an_empty_database_builds_the_fulltext_index_after_the_nodes(neo, export_dir):
    """Into an empty database the full-text index is dropped, and created once the nodes are in;
    the load returns with it online, and a search finds what the load wrote."""
    neo.ensure_schema()
    assert neo.is_empty() and _fulltext_state(neo) == "ONLINE"
    seen = []
    neo.load_export(export_dir, progress=lambda stage, done, total: seen.append((stage, _fulltext_state(neo))))
    assert ("nodes:Agency", None) in seen  # no index while the nodes were written
    assert _fulltext_state(neo) == "ONLINE"
    assert "agency:samr" in [h["id"] for h in neo.text_matches("市场监管", 10, ["Agency"])]
    again = []  # a database that holds something keeps its index through a load
    neo.load_export(export_dir, progress=lambda stage, done, total: again.append(_fulltext_state(neo)))
    assert again and set(again) == {"ONLINE"}
