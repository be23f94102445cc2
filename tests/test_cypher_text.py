"""The Cypher tokeniser behind the console's lexical look: it reads strings, comments, backticks and
unicode escapes the way Neo4j does, and tells clause keywords from names."""
from __future__ import annotations

import pytest

from graph.console import ALLOWED_PROCEDURES
from graph.cypher_text import CypherTextError, first_refused_clause, tokens, without_comments


def kinds(query):
    return [(t.kind, t.text) for t in tokens(query)]


def refused(query):
    return first_refused_clause(tokens(query), ALLOWED_PROCEDURES)


def test_a_comment_marker_inside_a_string_is_string():
    assert kinds("WITH '//' AS x LOAD CSV") == [("word", "WITH"), ("string", "//"), ("word", "AS"), ("word", "x"),
                                                ("word", "LOAD"), ("word", "CSV")]
    assert kinds('RETURN "/* not a comment */"') == [("word", "RETURN"), ("string", "/* not a comment */")]


def test_a_quote_inside_a_comment_opens_no_string():
    assert kinds("MATCH (n) // it's\nRETURN n /* ' */") == [
        ("word", "MATCH"), ("symbol", "("), ("word", "n"), ("symbol", ")"), ("word", "RETURN"), ("word", "n")]
    assert without_comments("MATCH (n) /* x */ RETURN n // y") == "MATCH (n)   RETURN n  "


def test_escapes_in_strings_and_doubled_backticks():
    assert kinds(r"RETURN 'it\'s' AS `a``b`") == [("word", "RETURN"), ("string", r"it\'s"), ("word", "AS"),
                                                   ("name", "a`b")]


def test_unicode_escapes_are_decoded_first_as_the_server_does():
    assert kinds("RETURN \\u0027a\\u0027") == [("word", "RETURN"), ("string", "a")]
    assert refused("MATCH (n) \\u0053ET n.x = 1") == "SET (writes)"
    assert kinds("RETURN '\\\\u0041'") == [("word", "RETURN"), ("string", "\\\\u0041")]  # an escaped backslash


def test_unterminated_text_is_an_error():
    for query in ("RETURN 'abc", "RETURN `abc", "MATCH (n) /* never closed"):
        with pytest.raises(CypherTextError, match="unterminated"):
            tokens(query)


@pytest.mark.parametrize("query", [
    "MATCH (start:Document) RETURN start.title", "RETURN 1 AS use", "MATCH (d) RETURN d.set",
    "MATCH (d) RETURN d AS drop", "MATCH (a) RETURN a.remove", "WITH 1 AS start, 2 AS stop RETURN start + stop",
    "MATCH (d) WHERE d.title STARTS WITH 'x' RETURN d", "MATCH (n) RETURN n ORDER BY n.create DESC",
    "RETURN [set IN [1, 2] WHERE set > 1 | set] AS show", "MATCH (n {set: 1}) RETURN n",
    "CALL db.labels() YIELD label RETURN label", "CALL `db`.`labels`()", "CYPHER runtime=slotted MATCH (n) RETURN n AS explain",
    "MATCH (n:Create)-[:DELETE]->(m) RETURN m", "MATCH (n) RETURN count(start) AS c"])
def test_names_are_never_clauses(query):
    assert refused(query) is None


@pytest.mark.parametrize("query,phrase", [
    ("MATCH (n) SET n.x = 1", "SET"), ("MATCH (n) DETACH DELETE n", "DETACH DELETE"),
    ("CALL `dbms`.listConfig()", "dbms.listConfig"), ("SHOW SETTINGS", "SHOW"), ("USE system MATCH (n) RETURN n", "USE"),
    ("LOAD CSV FROM 'x' AS r RETURN r", "LOAD CSV"), ("CALL { CREATE (n) } RETURN 1", "CREATE"),
    ("PROFILE MATCH (n) RETURN n", "PROFILE"), ("RETURN 1; RETURN 2", "more than one statement")])
def test_clauses_are_named(query, phrase):
    assert phrase in (refused(query) or "")
