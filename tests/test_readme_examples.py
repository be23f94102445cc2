"""The README's query table stays true: every CLI question exists, every Cypher example runs."""
import re
from pathlib import Path

import pytest

from conftest_graph import open_neo4j, wipe_neo4j
from policykg.cli_query import QUESTIONS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_cli_questions_in_the_readme_exist():
    asked = set(re.findall(r"`policykg query ([a-z-]+) ", README))
    assert asked and asked <= set(QUESTIONS), asked - set(QUESTIONS)


@pytest.mark.neo4j
def test_cypher_examples_run_on_the_seed_graph(corpus_export):
    queries = [q.replace("\\|", "|") for q in re.findall(r"\| `(MATCH[^`]+)` \|", README)]
    assert len(queries) >= 8
    store = open_neo4j()
    try:
        wipe_neo4j(store)
        store.load_export(corpus_export[0])
        for q in queries:
            assert store.run_cypher(q, limit=5), q
    finally:
        store.close()
