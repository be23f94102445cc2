"""The console only reads the graph: hostile queries are refused with a clear message and change
nothing; legitimate reads that use words like start, use, set, drop as names are all answered.

Both stores (the `store` fixture of tests/conftest_graph.py: the embedded store, and real Neo4j marked
`neo4j`). Expectations are about outcomes — refused (a StoreError with a one-line message) and the
graph identical before and after (counts and a checksum of every node, edge and property), or
answered with the right rows — not about one engine's wording. On Neo4j the database's own plan
check is also tested alone, without the lexical look in front of it.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from graph import console
from graph.store import StoreError

from conftest_graph import export_dir, loaded, store  # noqa: F401

U = "\\u"  # a backslash-u: Cypher unicode escapes written into the queries below

#: Read files or fetch URLs
FILES_AND_URLS = [
    "WITH '//' AS x LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row LIMIT 1",
    'WITH "//" AS x LOAD CSV FROM \'file:///proc/self/environ\' AS row RETURN row',
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "load csv from 'http://127.0.0.1:7687/' as row return row",
    "LOAD   CSV\tWITH HEADERS FROM 'https://example.com/x.csv' AS row RETURN row",
    "WITH '/*' AS x LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row, '*/' AS y",
    "/* ' */ LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r // '",
    "MATCH (d:Document) WITH d LIMIT 1 LOAD CSV FROM 'file:///' + d.title AS row RETURN row",
    "WITH 'file:///etc/pass' + 'wd' AS u LOAD CSV FROM u AS row RETURN row",
    f"{U}004cOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    f"LOAD {U}0043SV FROM 'file:///etc/passwd' AS row RETURN row",
    f"RETURN {U}0027x{U}0027 AS x LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "CALL { LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row } RETURN row",
    "WITH 1 AS x CALL (x) { LOAD CSV FROM 'file:///proc/self/environ' AS row RETURN row } RETURN row",
    "LOAD FROM 'file:///etc/passwd' RETURN *",
    "COPY Document FROM '/etc/passwd'",
    "INSTALL httpfs",
    "ATTACH '/tmp/other.db' AS other",
    "EXPORT DATABASE '/tmp/policykg-out'",
    "IMPORT DATABASE '/tmp/policykg-out'",
    "CALL apoc.load.json('file:///etc/passwd')",
]
#: Administration, settings, users, other sessions, other databases
ADMIN = [
    "CALL `dbms`.listConfig()",
    "CALL dbms.listConfig()",
    "call DBMS.LISTCONFIG()",
    "CALL `dbms.listConfig`()",
    "CALL `dbms`.`listConfig`() YIELD name, value RETURN name, value",
    "CALL dbms.showCurrentUser()",
    "CALL dbms.components()",
    "CALL dbms.security.createUser('eve', 'password123', false)",
    "CALL db.createLabel('Evil')",
    "CALL db.createProperty('evil')",
    "CALL db.clearQueryCaches()",
    "CALL tx.getMetaData()",
    "SHOW SETTINGS",
    "show settings yield name, value",
    "SHOW USERS",
    "SHOW TRANSACTIONS",
    "SHOW DATABASES",
    "SHOW PROCEDURES",
    "  \n SHOW\tCURRENT USER",
    "/* hello */ SHOW SETTINGS",
    "USE system SHOW USERS",
    "USE system MATCH (n) RETURN n",
    "use `system` show users",
    "CALL { USE system SHOW USERS YIELD user RETURN user } RETURN user",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "STOP DATABASE neo4j",
    "START DATABASE neo4j",
    "CREATE USER eve SET PASSWORD 'password123'",
    "ALTER USER neo4j SET PASSWORD 'password123'",
    "GRANT ROLE admin TO eve",
    "DROP INDEX node_id",
    "CREATE INDEX evil FOR (n:Document) ON (n.evil)",
    "CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.id IS UNIQUE",
]
#: Writes, however spelled
WRITES = [
    "EXPLAIN CREATE (n:Evil) RETURN n",
    "PROFILE CREATE (n:Evil) RETURN n",
    "PROFILE MATCH (n) DETACH DELETE n",
    "explain MATCH (n) SET n.evil = 1",
    "CYPHER runtime=slotted CREATE (n:Evil)",
    "CREATE (n:Evil) RETURN n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) DELETE n",
    "MERGE (a:Agency {id: 'evil'}) RETURN a",
    "MATCH (n) SET n.name = 'evil'",
    "MATCH (a:Agency) REMOVE a.name",
    "MATCH (n) WITH n SET n:Evil",
    "MATCH (n) FOREACH (x IN [1] | SET n.evil = x)",
    "MATCH (n) CALL { CREATE (:Evil) } RETURN n",
    "MATCH (n) CALL (n) { SET n.evil = 1 } RETURN n",
    "CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS",
    "UNWIND range(1, 3) AS i CREATE (:Evil {i: i})",
    "MATCH (a:Agency) WITH a LIMIT 1 MERGE (a)-[:EVIL]->(a)",
    "CALL db.index.fulltext.queryNodes('policykg_text', '商务部') YIELD node SET node.evil = 1",
    "mAtCh (n)\n\tdEtAcH\n\tdElEtE n",
    "MATCH (n)/*x*/SET/*y*/n.evil=1",
    f"MATCH (n) {U}0053ET n.evil = 1",
    f"MATCH (n) D{U}0045LETE n",
    f"{U}0043REATE (n:Evil)",
    "MATCH (n) WHERE n.name = '/*' SET n.evil = 1 RETURN '*/'",
    "MATCH (n) WHERE n.name = '//' DETACH DELETE n",
    "MATCH (n) // it's fine\nDETACH DELETE n",
    "MATCH (n) /* ' */ SET n.evil = 1 /* ' */",
    "MATCH (n) WHERE n.name = 'it\\'s' DELETE n",
    'MATCH (n) WHERE n.name = "a\\"" DELETE n',
    "MATCH (`a``b`) WITH `a``b` AS x MATCH (n) DETACH DELETE n",
    "MATCH (n) RETURN n; MATCH (n) DETACH DELETE n",
    "RETURN 1; CREATE (n:Evil)",
]
HOSTILE = FILES_AND_URLS + ADMIN + WRITES

#: (query, expected rows) on the graph of tests/conftest_graph.py
LEGITIMATE = [
    ("MATCH (start:Document) WHERE start.doc_type = '法律' RETURN start.title",
     [{"start.title": "中华人民共和国公司法"}]),
    ("MATCH (start:Document) WHERE start.id = 'doc:plan' RETURN start.title AS title",
     [{"title": "全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案"}]),
    ("MATCH (d:Document) WHERE d.title STARTS WITH '企业' RETURN d.id AS use ORDER BY use",
     [{"use": "doc:names"}, {"use": "doc:names-1991"}]),
    ("MATCH (d:Document) WHERE d.id = 'doc:opinion' RETURN d.set AS drop", [{"drop": None}]),
    ("MATCH (a:Agency) WHERE a.name = '商务部' RETURN a.remove AS start, a.name AS stop",
     [{"start": None, "stop": "商务部"}]),
    ("MATCH (set:Measure)-[:PART_OF]->(drop:Document) WHERE drop.id = 'doc:plan' "
     "RETURN set.id AS create ORDER BY create", [{"create": "m:plan:1"}, {"create": "m:plan:2"}]),
    ("MATCH (a:Agency) WHERE a.name = 'CREATE (n) SET x DELETE y // LOAD CSV' RETURN a.name", []),
    ("MATCH (a:Agency) WHERE a.name = 'SHOW USERS; USE system' RETURN a.name AS name", []),
    ("MATCH (d:Document) WHERE d.title CONTAINS '外贸' RETURN count(d) AS show", [{"show": 3}]),
    ("MATCH (load:Agency)-[:LEADS]->(m:Measure) RETURN load.name AS call, count(m) AS merge "
     "ORDER BY merge DESC LIMIT 1", [{"call": "商务部", "merge": 3}]),
    ("MATCH (use:Agency) WHERE use.name = '财政部' RETURN use.id AS id", [{"id": "agency:mof"}]),
    ("MATCH (stop:Sector) RETURN stop.name AS start", [{"start": "对外贸易"}]),
    ("MATCH (remove:RegulatedParty) RETURN remove.name AS delete", [{"delete": "企业"}]),
    ("MATCH (create:Obligation) WHERE create.modality = 'prohibition' RETURN create.article AS set",
     [{"set": "第十一条"}]),
    ("MATCH (drop:Document)-[:SUPERSEDES]->(show:Document) WHERE drop.id = 'doc:notice-2023' "
     "RETURN show.id AS use", [{"use": "doc:notice-2019"}]),
    ("MATCH (d:Document) WHERE d.id = 'doc:opinion' RETURN d.start AS s, d.use AS u, d.set AS t",
     [{"s": None, "u": None, "t": None}]),
    ("MATCH (o:Obligation) WHERE o.action = 'DROP TABLE' RETURN o.id", []),
    ("MATCH (a:Agency) WHERE a.name = 'LOAD CSV FROM \"file:///etc/passwd\"' RETURN a.id", []),
    ("MATCH (a:Agency) WHERE a.name = 'CALL dbms.listConfig()' RETURN a.id", []),
    ("MATCH (a:Agency) WHERE a.name = '/* SET */' RETURN a.id", []),
    ("MATCH (a:Agency) // SHOW USERS\nWHERE a.name = '海关总署' RETURN a.id AS terminate",
     [{"terminate": "agency:customs"}]),
    ("MATCH (a:Agency) /* DETACH DELETE a */ WHERE a.name = '国家税务总局' RETURN a.id AS detach",
     [{"detach": "agency:sta"}]),
    ("MATCH (a:Agency)-[:LEADS]->(m:Measure) WHERE m.id = 'm:plan:2' RETURN a.name AS grant",
     [{"grant": "国家发展和改革委员会"}]),
    ("MATCH (start:Document)-[:CITES]->(stop:Document) WHERE start.id = 'doc:opinion' "
     "RETURN stop.id AS stop", [{"stop": "doc:plan"}]),
    ("MATCH (d:Document) WHERE d.title ENDS WITH '规定' RETURN count(d) AS drop", [{"drop": 2}]),
    ("MATCH (a:Agency) WHERE a.name STARTS WITH '国务院' RETURN a.name AS alter ORDER BY alter",
     [{"alter": "国务院"}, {"alter": "国务院办公厅"}]),
    ("MATCH (m:Measure) WHERE m.heading = 'CREATE' RETURN m.id", []),
    ("MATCH (a:Agency) WHERE a.name = 'it\\'s' RETURN a.id", []),
    ("MATCH (d:Document) WHERE d.id = 'doc:names' RETURN d.doc_number AS foreach",
     [{"foreach": "国务院令第734号"}]),
    ("MATCH (d:Document) WHERE d.id = 'doc:names' RETURN d.date AS revoke, d.doc_type AS deny",
     [{"revoke": "2020-12-28", "deny": "行政法规"}]),
    ("MATCH (a:Agency)-[:LEADS]->(m:Measure)<-[:LEADS]-(b:Agency) WHERE a.name = '商务部' "
     "RETURN b.name AS copy", [{"copy": "财政部"}]),
    ("match (start:Document) where start.in_corpus = false return count(start) as stop", [{"stop": 4}]),
]


def graph_state(store) -> tuple[dict, str]:
    """Counts and a checksum of every node, edge and property of the store."""
    projected = store.projection()
    nodes = sorted(json.dumps([n, a], sort_keys=True, ensure_ascii=False, default=str)
                   for n, a in projected.nodes(data=True))
    edges = sorted(json.dumps([u, v, k, a], sort_keys=True, ensure_ascii=False, default=str)
                   for u, v, k, a in projected.edges(keys=True, data=True))
    return store.counts(), hashlib.sha256("\n".join(nodes + ["--"] + edges).encode()).hexdigest()


def secrets_in(message: str) -> list[str]:
    """What of the machine's secrets or files a message would leak."""
    found = [marker for marker in ("root:x:", "root:*:", "/bin/bash", "PATH=") if marker in message]
    password = os.environ.get("NEO4J_PASSWORD")
    if password and password in message:
        found.append("the Neo4j password")
    return found


def assert_refused(run, query: str) -> None:
    with pytest.raises(StoreError) as caught:
        run(query)
    message = str(caught.value)
    assert message and "Traceback" not in message and len(message) < 800, message
    assert not secrets_in(message), message


def test_the_suites_are_as_large_as_promised():
    assert len(HOSTILE) >= 60 and len(set(HOSTILE)) == len(HOSTILE)
    assert len(LEGITIMATE) >= 30


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_is_refused_and_changes_nothing(loaded, query):
    before = graph_state(loaded)
    assert_refused(lambda q: console.run_read_only(loaded, q, timeout_s=5), query)
    assert graph_state(loaded) == before


@pytest.mark.parametrize("query,rows", LEGITIMATE)
def test_legitimate_read_is_answered(loaded, query, rows):
    result = console.run_read_only(loaded, query, timeout_s=10)
    assert result.rows == rows


@pytest.mark.neo4j
@pytest.mark.parametrize("query", HOSTILE)
def test_neo4j_plan_check_alone_refuses(export_dir, query):
    """Without the lexical look, the server's plan and the READ transaction refuse every hostile query."""
    from conftest_graph import open_neo4j, wipe_neo4j
    server = open_neo4j()
    try:
        wipe_neo4j(server)
        server.load_export(export_dir)
        before = graph_state(server)
        assert_refused(lambda q: console.run_planned(server, q, limit=5, timeout_s=5), query)
        assert graph_state(server) == before
    finally:
        server.close()


@pytest.mark.neo4j
def test_neo4j_server_cannot_read_files_or_fetch_urls(export_dir):
    """Even a LOAD CSV that reached the server in a write session fails: file URLs are off and every
    address is blocklisted (policykg/neo4j_server.py)."""
    from conftest_graph import open_neo4j
    server = open_neo4j()
    try:
        for url in ("file:///etc/passwd", "http://127.0.0.1:9/", "https://[::1]:9/"):
            with pytest.raises(StoreError) as caught:
                server.run_cypher(f"LOAD CSV FROM '{url}' AS row RETURN row LIMIT 1", read_only=False)
            assert not secrets_in(str(caught.value))
            assert "allow_csv_import_from_file_urls" in str(caught.value) or "blocked" in str(caught.value)
    finally:
        server.close()


@pytest.mark.neo4j
def test_neo4j_local_server_has_no_password_in_environ_or_cmdline(tmp_path):
    """The launcher hands the password over stdin: /proc/<pid>/environ and cmdline hold none."""
    from policykg import neo4j_server
    # the server `policykg neo4j start` runs (.ci/run starts it in $POLICYKG_DATA)
    data_dir = os.environ.get("POLICYKG_TEST_NEO4J_DATA") or os.environ.get("POLICYKG_DATA")
    info = neo4j_server.status(data_dir, check_bolt=False)
    if not info.running:
        if os.environ.get("CI"):
            pytest.fail(f"CI: no local Neo4j from `policykg neo4j start` runs in {data_dir or 'data'}")
        pytest.skip("no local server from `policykg neo4j start` (set POLICYKG_TEST_NEO4J_DATA to its data dir)")
    assert info.password and len(info.password) >= 8
    for part in ("environ", "cmdline"):
        raw = Path(f"/proc/{info.pid}/{part}").read_bytes()
        assert info.password.encode() not in raw, part
        assert b"NEO4J_PASSWORD" not in raw and b"NEO4J_LAUNCH_PASSWORD" not in raw, part


#: Reads beyond the embedded subset (WITH, CALL subqueries, procedures, OPTIONAL MATCH, UNWIND,
#: EXISTS/COUNT subqueries, shortest paths, SKIP): the plan check's operator and procedure lists
#: must let them through on Neo4j.
NEO4J_READS = [
    ("CYPHER runtime=slotted MATCH (n:Agency) RETURN count(n) AS n", [{"n": 8}]),
    ("MATCH (n:Agency) WHERE n.name = '商务部' CALL (n) { MATCH (n)-[:LEADS]->(m) RETURN count(m) AS c } "
     "RETURN c", [{"c": 3}]),
    ("CALL db.labels() YIELD label WHERE label = 'Agency' RETURN label", [{"label": "Agency"}]),
    ("CALL db.relationshipTypes() YIELD relationshipType WHERE relationshipType = 'LEADS' "
     "RETURN relationshipType AS type", [{"type": "LEADS"}]),
    ("MATCH p = shortestPath((a:Agency {id: 'agency:mofcom'})-[*..4]-(b:Document {id: 'doc:opinion'})) "
     "RETURN length(p) AS hops", [{"hops": 2}]),
    ("OPTIONAL MATCH (n:Agency {id: 'nope'}) RETURN n", [{"n": None}]),
    ("UNWIND [1, 2, 3] AS x RETURN sum(x) AS s", [{"s": 6}]),
    ("MATCH (a:Agency) WHERE EXISTS { MATCH (a)-[:LEADS]->() } RETURN count(a) AS c", [{"c": 5}]),
    ("MATCH (a:Agency {id: 'agency:mofcom'}) RETURN COUNT { (a)-[:LEADS]->() } AS leads", [{"leads": 3}]),
    ("MATCH (d:Document) WITH d.doc_type AS type, count(*) AS n WHERE n > 1 RETURN type, n", [{"type": "通知", "n": 3}]),
    ("MATCH (a:Agency)-[:LEADS]->(m) WITH a, collect(m.id) AS ms RETURN a.name AS name, size(ms) AS n "
     "ORDER BY n DESC, name LIMIT 1", [{"name": "商务部", "n": 3}]),
    ("MATCH (d:Document) RETURN d.id AS id ORDER BY id SKIP 1 LIMIT 1", [{"id": "doc:names"}]),
    ("MATCH (start:Document)-[:CITES*1..3]->(stop:Document) WHERE start.id = 'doc:opinion' "
     "RETURN count(DISTINCT stop) AS reached", [{"reached": 3}]),
]


@pytest.mark.neo4j
@pytest.mark.parametrize("query,rows", NEO4J_READS)
def test_neo4j_reads_beyond_the_embedded_subset_are_answered(export_dir, query, rows):
    from conftest_graph import open_neo4j, wipe_neo4j
    server = open_neo4j()
    try:
        wipe_neo4j(server)
        server.load_export(export_dir)
        assert console.run_read_only(server, query, timeout_s=10).rows == rows
    finally:
        server.close()
