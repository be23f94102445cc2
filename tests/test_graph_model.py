"""The catalogue in graph/model.py, docs/data-model.md and the code agree; the stored form round-trips."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from graph import model

ROOT = Path(__file__).resolve().parents[1]


def _table(markdown: str, heading: str) -> list[list[str]]:
    section = markdown.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _names(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(",") if x.strip())


def test_doc_lists_the_labels_of_model():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    rows = _table(doc, "Node labels")
    assert {r[0] for r in rows} == set(model.NODE_LABELS)
    for label, props, description in rows:
        assert _names(props) == model.NODE_LABELS[label].key_properties, label
        assert description == model.NODE_LABELS[label].description, label


def test_doc_lists_the_relationship_types_of_model():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    rows = _table(doc, "Relationship types")
    assert {r[0] for r in rows} == set(model.REL_TYPES)
    for rel, src, dst, props, description in rows:
        spec = model.REL_TYPES[rel]
        assert _names(src) == spec.sources, rel
        assert _names(dst) == spec.targets, rel
        assert _names(props) == spec.properties, rel
        assert description == spec.description, rel


def test_every_endpoint_and_index_names_a_catalogued_label():
    for spec in model.REL_TYPES.values():
        assert set(spec.sources) | set(spec.targets) <= set(model.NODE_LABELS)
    for label, prop in model.INDEXED_PROPERTIES + model.FULLTEXT_FIELDS:
        assert prop in model.NODE_LABELS[label].key_properties
    assert set(model.OWNED_LABELS) | set(model.SHARED_LABELS) == set(model.NODE_LABELS)


def test_stored_form_is_neo4j_compatible_and_round_trips():
    record = {"id": "d1", "title": "意见", "date": None, "in_corpus": True, "aliases": ["a", "b"],
              "source": {"file": "x.txt", "line_start": 3, "line_end": 9},
              "sources": [{"file": "x.txt", "line_start": 3, "line_end": 9}], "mixed": [1, "a"],
              "empty": []}
    stored = model.to_stored(record)
    assert stored == {"id": "d1", "title": "意见", "in_corpus": True, "aliases": ["a", "b"],
                      "source_file": "x.txt", "line_start": 3, "line_end": 9,
                      "sources_json": '[{"file": "x.txt", "line_end": 9, "line_start": 3}]',
                      "mixed_json": '[1, "a"]', "empty": []}
    for value in stored.values():
        assert isinstance(value, (str, int, float, bool)) or (
            isinstance(value, list) and len({type(v) for v in value}) <= 1)
    back = model.from_stored(stored)
    assert back == {k: v for k, v in record.items() if v is not None}


def test_labels_and_types_are_plain_identifiers():
    assert all(model.is_identifier(n) for n in list(model.NODE_LABELS) + list(model.REL_TYPES))
    assert not model.is_identifier("Agency`) DETACH DELETE (n")


# -- conventions ------------------------------------------------------------------------------------
def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_graph_layer_talks_to_a_database():
    """No driver handle outside graph/ (and the local server's own health check)."""
    allowed = {ROOT / "policykg" / "neo4j_server.py"}
    offenders = []
    for path in list(ROOT.glob("*.py")) + list(ROOT.glob("policykg/*.py")) + list(ROOT.glob("extract/**/*.py")) \
            + list(ROOT.glob("pages/*.py")):
        if path in allowed:
            continue
        if _imports(path) & {"neo4j", "ladybug"}:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_queries_name_relationships_only_through_the_model():
    for name in ("queries.py", "analysis.py"):
        source = (ROOT / "graph" / name).read_text(encoding="utf-8")
        literals = set(re.findall(r"[\"']([A-Z][A-Z_]+)[\"']", source))
        assert not literals & set(model.REL_TYPES), (name, literals & set(model.REL_TYPES))


def test_doc_lists_the_fulltext_properties():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    rows = _table(doc.replace("| Label | Full-text properties |", "## Full-text\n| Label | Full-text properties |"),
                  "Full-text")
    assert {r[0]: _names(r[1]) for r in rows} == {
        label.name: label.text_properties for label in model.NODE_LABELS.values()}
