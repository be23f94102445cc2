"""How graph records are stored, indexed and shown; labels and types come from `kgcatalogue`.

Everything in `graph/` (stores, queries, analysis) says `model.DOCUMENT` etc.: the names are
re-exported from the one catalogue (`kgcatalogue/`), which `extract/` imports too.

Stored form. Neo4j properties must be scalars or homogeneous lists of scalars, so records from the
export are converted by `to_stored` before they reach any store (both stores hold the same form, so
both answer the same):
- `source` ({"file", "line_start", "line_end"}) is flattened to `source_file`, `line_start`,
  `line_end` — these are what people filter on, so they stay first-class, indexable properties;
- any other nested value (a dict, e.g. `sources`, or a list holding dicts / mixed types) becomes a JSON
  string under `<key>_json`; lists of strings (aliases, generic_parties) and of numbers stay lists;
- `None` is dropped (Neo4j cannot store null; a missing key reads back as null).
`from_stored` reverses it.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

from kgcatalogue import (  # noqa: F401  (re-exported: graph code says model.DOCUMENT)
    AGENCY, AMENDS, BASE_LABEL, BINDS, CITES, CONCERNS, DOCUMENT, ISSUED_BY, LEADS, MEASURE, NODE_LABELS,
    OBLIGATION, OWNED_LABELS, PART_OF, REGULATED_PARTY, REL_TYPES, SECTOR, SHARED_LABELS, SUPERSEDES,
    SUCCEEDED_BY, SUPPORTS, NodeLabel, RelType)

#: Lookup properties that get an index in Neo4j (besides the unique `Node.id`).
INDEXED_PROPERTIES: tuple[tuple[str, str], ...] = (
    (DOCUMENT, "doc_number"),
    (DOCUMENT, "source_file"),
    (MEASURE, "source_file"),
    (OBLIGATION, "source_file"),
    (AGENCY, "name"),
    (AGENCY, "short_name"),
)

#: One full-text index over every label's text properties (titles, measure text, agency names and
#: aliases, …), with Lucene's CJK analyzer (bigrams of Han characters), so a Chinese phrase finds
#: the nodes containing it.
FULLTEXT_INDEX = "policykg_text"
FULLTEXT_ANALYZER = "cjk"
FULLTEXT_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (label.name, prop) for label in NODE_LABELS.values() for prop in label.text_properties)

#: Stored properties whose values are not strings: the embedded store gives them typed columns
#: (every other catalogue property is a STRING column; a property outside the catalogue gets the
#: type of its values when it first appears, see graph/ladybug_schema.py).
PROPERTY_TYPES: dict[str, str] = {
    "in_corpus": "BOOL", "verified": "BOOL", "penalty": "BOOL", "partial": "BOOL",
    "line_start": "INT64", "line_end": "INT64", "paragraph": "INT64",
    "score": "DOUBLE",
    "aliases": "STRING[]", "issuers": "STRING[]", "generic_parties": "STRING[]", "keywords": "STRING[]",
}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_identifier(name: str) -> bool:
    """Labels and types are spliced into Cypher (they cannot be parameters), so they must be plain."""
    return isinstance(name, str) and bool(_IDENTIFIER.match(name))


#: properties a listed node shows besides its display name (graph.queries answers carry them)
BRIEF_PROPERTIES = ("doc_number", "date", "measure_no", "short_name")
#: every property a node's brief reads (`display_name` and BRIEF_PROPERTIES): what a list of
#: names asks `get_nodes` for
BRIEF_READS = tuple(dict.fromkeys([*(label.display for label in NODE_LABELS.values()), "name", "title",
                                   *BRIEF_PROPERTIES]))


def display_name(props: Mapping[str, Any]) -> str:
    label = NODE_LABELS.get(props.get("label", ""))
    value = props.get(label.display) if label else None
    return str(value or props.get("name") or props.get("title") or props.get("id"))


# --- stored form ---------------------------------------------------------------------------------
_SCALARS = (str, int, float, bool)
SOURCE_KEYS = ("source_file", "line_start", "line_end")
JSON_SUFFIX = "_json"


def _is_plain_list(value: list) -> bool:
    if not value:
        return True
    kinds = {type(v) for v in value}
    return len(kinds) == 1 and next(iter(kinds)) in _SCALARS


#: the exact types a value of which is stored as it is (the common case, told by one set look-up)
_SCALAR_TYPES = frozenset(_SCALARS)
#: one encoder for the `_json` values (json.dumps with options builds a new encoder on every call);
#: its text is json.dumps(value, ensure_ascii=False, sort_keys=True)'s
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _same_scalars(values: list) -> bool:
    """Whether every value is of one exact scalar type (`_is_plain_list` of a non-empty list)."""
    first = type(values[0])
    return first in _SCALAR_TYPES and all(type(v) is first for v in values)


def to_stored(props: Mapping[str, Any], *, flatten_source: bool = True,
              skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Export properties → properties every store can hold (see the module docstring); the keys
    in `skip` are left out."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        cls = type(value)
        if cls in _SCALAR_TYPES:
            if key not in skip:
                out[key] = value
            continue
        if value is None or key in skip:
            continue
        if cls is list and (not value or _same_scalars(value)):
            out[key] = list(value)
            continue
        if key == "source" and flatten_source and isinstance(value, Mapping):
            if value.get("file") is not None:
                out["source_file"] = value["file"]
            for k in ("line_start", "line_end"):
                if value.get(k) is not None:
                    out[k] = value[k]
        elif isinstance(value, _SCALARS):
            out[key] = value
        elif isinstance(value, (list, tuple)) and _is_plain_list(list(value)):
            out[key] = list(value)
        else:
            out[key + JSON_SUFFIX] = _JSON_ENCODER.encode(value)
    return out


def from_stored(props: Mapping[str, Any]) -> dict[str, Any]:
    """Stored properties → the export's shape (`source` dict, decoded JSON values)."""
    out: dict[str, Any] = {}
    source: dict[str, Any] = {}
    for key, value in props.items():
        if key == "source_file":
            source["file"] = value
        elif key in ("line_start", "line_end"):
            source[key] = value
        elif key.endswith(JSON_SUFFIX) and isinstance(value, str):
            try:
                out[key[: -len(JSON_SUFFIX)]] = json.loads(value)
            except ValueError:
                out[key] = value
        else:
            out[key] = value
    if source:
        out["source"] = source
    return out


def node_row(record: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """An export node record → (id, label, stored properties including id)."""
    return str(record["id"]), str(record["label"]), to_stored(record, skip=("label",))


def edge_row(record: Mapping[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    """An export edge record → (source id, type, target id, stored properties).

    On an edge, `source`/`target` are the endpoints; provenance, if any, is in other keys
    (e.g. `evidence`), which are stored like node properties."""
    return (str(record["source"]), str(record["type"]), str(record["target"]),
            to_stored(record, skip=("source", "target", "type")))


def unknown_names(labels: Iterable[str], types: Iterable[str]) -> tuple[set[str], set[str]]:
    """Labels and types not in the catalogue (allowed — the format welcomes extras — but reported)."""
    return set(labels) - set(NODE_LABELS), set(types) - set(REL_TYPES)
