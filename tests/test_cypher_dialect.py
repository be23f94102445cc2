"""Neo4j Cypher → the embedded store's dialect: translations, refusals with what to write instead,
and Neo4j's column names. No database needed (tests/test_ladybug_store.py runs them)."""
import pytest

from graph import UnsupportedQuery
from graph.cypher_dialect import check, column_names, translate


@pytest.mark.parametrize("neo4j, embedded", [
    ("MATCH (n:Document)-[r:SUPERSEDES|AMENDS]->(o) RETURN type(r), r.kind",
     "MATCH (n:`Document`)-[r:SUPERSEDES|AMENDS]->(o) RETURN label(r), r.kind"),
    ("MATCH p=shortestPath((a:Agency {short_name:'财政部'})-[*..4]-(b:Agency)) RETURN p",
     "MATCH p=(a:`Agency` {short_name:'财政部'})-[* SHORTEST ..4]-(b:`Agency`) RETURN p"),
    ("MATCH p=allShortestPaths((a)-[:CITES*]->(b)) RETURN p",
     "MATCH p=(a)-[:CITES* ALL SHORTEST ]->(b) RETURN p"),
    ("MATCH (a)-[:SUPERSEDES*1..3]->(b) RETURN b.id", "MATCH (a)-[:SUPERSEDES* TRAIL 1..3]->(b) RETURN b.id"),
    ("MATCH (a:Agency)-[:LEADS]->(m) WHERE NOT EXISTS { (o:Agency)-[:LEADS]->(m) WHERE o <> a } RETURN m",
     "MATCH (a:`Agency`)-[policykg_r1:LEADS]->(m) WHERE NOT EXISTS { MATCH (o:`Agency`)-[policykg_r2:LEADS]->(m) "
     "WHERE o <> a } RETURN m"),
    ("MATCH (a:Agency) RETURN COUNT { (a)-[:LEADS]->() } AS n",
     "MATCH (a:`Agency`) RETURN COUNT { MATCH (a)-[policykg_r1:LEADS]->() } AS `n`"),
    ("UNWIND ['a'] AS none MATCH (d {id: none}) RETURN none.x, none AS start, CAST(d.x AS STRING) ORDER BY start",
     "UNWIND ['a'] AS `none` MATCH (d {id: `none`}) RETURN `none`.x, `none` AS `start`, CAST(d.x AS STRING) "
     "ORDER BY `start`"),
    ("MATCH (n:Node:Agency) RETURN labels(n), toLower(n.name), head(n.aliases)",
     "MATCH (n:`Agency`) RETURN [label(n)], lower(n.name), list_extract(n.aliases, 1)"),
    ("MATCH (n) WHERE n:Agency|Sector RETURN n.id", "MATCH (n) WHERE label(n) IN ['Agency', 'Sector'] RETURN n.id"),
    ("MATCH (n) WHERE n.id = 'x' AND n:Agency RETURN n.id",
     "MATCH (n) WHERE n.id = 'x' AND label(n) = 'Agency' RETURN n.id"),
    ("MATCH (d)-[r:SUPERSEDES|:AMENDS]->(o) RETURN r", "MATCH (d)-[r:SUPERSEDES|AMENDS]->(o) RETURN r"),
    ("MATCH p=(a)-[:CITES*]->(b) RETURN [n IN nodes(p) | n.title], [x IN [1, 2, 3] WHERE x > 1 | type(x)], "
     "[x IN a.aliases WHERE x CONTAINS 'a']",
     "MATCH p=(a)-[:CITES* TRAIL ]->(b) RETURN list_transform(nodes(p), n -> n.title), "
     "list_transform(list_filter([1, 2, 3], x -> x > 1), x -> label(x)), list_filter(a.aliases, x -> x CONTAINS 'a')"),
    # two relationships of one MATCH are never the same one in Neo4j
    ("MATCH (a)-[:LEADS]->(m)<-[:LEADS]-(b) WHERE a.name = '商务部' OR b.name = '商务部' RETURN b",
     "MATCH (a)-[policykg_r1:LEADS]->(m)<-[policykg_r2:LEADS]-(b) WHERE id(policykg_r1) <> id(policykg_r2) AND ( "
     " a.name = '商务部' OR b.name = '商务部' ) RETURN b"),
    # what already agrees is left alone, strings and comments included
    ("MATCH (d:Document) WHERE d.title CONTAINS 'type(r) // [*1..2]' RETURN d.title // shortestPath(x)",
     "MATCH (d:`Document`) WHERE d.title CONTAINS 'type(r) // [*1..2]' RETURN d.title  "),
    ("MATCH (m:Measure) WHERE m.deadline IS NOT NULL RETURN size(m.generic_parties)",
     "MATCH (m:`Measure`) WHERE m.deadline IS NOT NULL RETURN size(m.generic_parties)"),
])
def test_translations(neo4j, embedded):
    assert translate(neo4j) == embedded


@pytest.mark.parametrize("query, message", [
    ("MATCH (n:Agency:Document) RETURN n", r"write \(n:Agency\|Document\) for either"),
    ("MATCH (d:Document) RETURN substring(d.title, 0, 2)", r"substr\(text, start \+ 1, length\)"),
    ("MATCH p=shortestPath((a)-[:X]-(b)) RETURN p", "one variable-length relationship"),
])
def test_what_cannot_be_translated_says_what_to_write(query, message):
    with pytest.raises(UnsupportedQuery, match=message):
        translate(query)


@pytest.mark.parametrize("query, construct", [
    ("LOAD FROM '/etc/passwd' (header=false) RETURN *", "LOAD FROM"),
    ("WITH '//' AS x LOAD FROM 'file:///etc/passwd' RETURN * LIMIT 1", "LOAD FROM"),
    ("MATCH (n) /* */ load   from 'http://127.0.0.1:7474/' RETURN *", "LOAD FROM"),
    ("LOAD EXTENSION httpfs", "LOAD FROM / LOAD EXTENSION"),
    ("INSTALL httpfs", "INSTALL"),
    ("COPY (MATCH (n) RETURN n.id) TO '/tmp/out.csv'", "COPY"),
    ("COPY Agency FROM '/tmp/x.csv'", "COPY"),
    ("ATTACH '/tmp/other.lbdb' AS other (dbtype lbug)", "ATTACH"),
    ("DETACH other", "DETACH"),
    ("USE other MATCH (n) RETURN n", "USE"),
    ("EXPORT DATABASE '/tmp/dump'", "EXPORT"),
    ("IMPORT DATABASE '/tmp/dump'", "IMPORT"),
    ("BEGIN TRANSACTION", "transaction"),
    ("MATCH (n) RETURN n; MATCH (m) RETURN m", "one statement at a time"),
    ("CALL threads = 64", "may CALL only"),
    ("CALL current_setting('home_directory') RETURN *", "may CALL only"),
    ("CALL { MATCH (n) RETURN n } RETURN 1", "may CALL only"),
    ("CALL `table_info`('Agency') RETURN *", "may CALL only"),
])
def test_reads_may_not_reach_files_the_network_or_settings(query, construct):
    with pytest.raises(UnsupportedQuery, match=construct):
        check(query)


@pytest.mark.parametrize("query", [
    "MATCH (load:Agency) RETURN load.name AS copy",
    "MATCH (d:Document) RETURN d.use, d.install AS attach",
    "MATCH (d:Document) WHERE d.title = 'LOAD FROM /etc/passwd; COPY' RETURN d.title",
    "MATCH (d:Document) // LOAD FROM 'x'\nRETURN d.title",
    "MATCH (start:Document) RETURN start.title AS begin",
    "MATCH (n {commit: 'x', export: 1}) RETURN n",
    "CALL show_tables() RETURN *",
    "CALL table_info('Agency') RETURN *",
])
def test_reads_using_those_words_as_names_pass(query):
    check(query)


def test_columns_are_named_as_neo4j_names_them():
    assert column_names("MATCH (a)-[r]->(m) RETURN a.name, count(m) AS n, type(r) ORDER BY n") == \
        ["a.name", "n", "type(r)"]
    assert column_names("UNWIND [1, 2] AS x WITH x AS y RETURN DISTINCT y, [y, 1] AS `pair list`") == \
        ["y", "pair list"]
    assert column_names("MATCH (n) RETURN *") is None
