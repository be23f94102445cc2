"""The embedded store's schema: a node table per label, a relationship table per type, typed columns.

Tables and columns come from the catalogue (`model.NODE_LABELS[…].key_properties`,
`model.REL_TYPES[…].properties`, typed by `model.PROPERTY_TYPES`, STRING otherwise). A relationship
table holds every endpoint pair the catalogue allows (`FROM Agency TO Measure, …`). The format
welcomes extras, so the data may bring more: a label or type outside the catalogue gets its own
table, a pair outside it is added to the type's table, and a property outside it gets a column typed
after its values when they agree. What still has no column — a value of another type than its
column's, a name that cannot be a column — is kept as JSON in the row's `_rest_json` column, so
every stored property reads back as it was written.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from . import model

#: the column holding, as one JSON object, the properties that have no typed column
REST = "_rest_json"
PRIMARY_KEY = "id"

_ARROW_SCALARS = {"STRING": "string", "BOOL": "bool_", "INT64": "int64", "DOUBLE": "float64"}


def value_type(value: Any) -> Optional[str]:
    """The column type a stored value needs (None: no column fits it, e.g. a mixed list)."""
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64" if -2**63 <= value < 2**63 else None
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list) and value:
        kinds = {value_type(v) for v in value}
        kind = kinds.pop() if len(kinds) == 1 else None
        return f"{kind}[]" if kind in _ARROW_SCALARS else None
    return None


_EXACT = {"STRING": str, "DOUBLE": float, "BOOL": bool}


def fits(value: Any, column_type: str) -> bool:
    """Whether `value` can be stored in a column of this type and read back unchanged."""
    if type(value) is _EXACT.get(column_type):  # the common cases, quickly (every value of a load)
        return True
    if type(value) is list and column_type.endswith("[]") and all(type(v) is _EXACT.get(column_type[:-2])
                                                                   for v in value):
        return True
    if isinstance(value, list) and not value:
        return column_type.endswith("[]")
    return value_type(value) == column_type


def arrow_type(column_type: str):
    import pyarrow as pa
    if column_type.endswith("[]"):
        return pa.list_(arrow_type(column_type[:-2]))
    return getattr(pa, _ARROW_SCALARS[column_type])()


def quote(name: str) -> str:
    """A table or column name inside Cypher (names are checked identifiers; backticks keep words
    such as `text` or `date` from reading as keywords)."""
    assert model.is_identifier(name), name
    return f"`{name}`"


def _columnable(name: str) -> bool:
    return model.is_identifier(name) and not name.startswith("_")


def _declared(properties: Iterable[str]) -> dict[str, str]:
    return {p: model.PROPERTY_TYPES.get(p, "STRING") for p in properties if p != PRIMARY_KEY}


@dataclass
class Schema:
    """What the database holds: columns of every table (in table order), endpoint pairs per type."""
    node_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    rel_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    pairs: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def columns(self, table: str) -> dict[str, str]:
        return self.node_columns.get(table) or self.rel_columns.get(table) or {}

    def plan(self, nodes: Mapping[str, Mapping[str, set]],
             edges: Mapping[tuple[str, str, str], Mapping[str, set]]) -> list[str]:
        """The DDL statements that make room for rows summarised by `add_kinds` (label → kinds of
        its rows' properties, (type, source label, target label) → kinds), catalogue tables
        included; updates `self`."""
        statements: list[str] = []
        for label in sorted(set(model.NODE_LABELS) | set(nodes)):
            declared = _declared(model.NODE_LABELS[label].key_properties) if label in model.NODE_LABELS else {}
            statements += self._node_table(label, declared)
            statements += self._new_columns(label, self.node_columns[label], nodes.get(label, {}))
        wanted: dict[str, set[tuple[str, str]]] = {
            t.name: {(s, o) for s in t.sources for o in t.targets} for t in model.REL_TYPES.values()}
        for (rel_type, source, target) in edges:
            wanted.setdefault(rel_type, set()).add((source, target))
        for rel_type in sorted(wanted):
            declared = _declared(model.REL_TYPES[rel_type].properties) if rel_type in model.REL_TYPES else {}
            statements += self._rel_table(rel_type, declared, wanted[rel_type])
            kinds: dict[str, set] = {}
            for (t, _, _), pair_kinds in edges.items():
                for key, seen in pair_kinds.items() if t == rel_type else ():
                    kinds.setdefault(key, set()).update(seen)
            statements += self._new_columns(rel_type, self.rel_columns[rel_type], kinds)
        return statements

    def _node_table(self, label: str, declared: dict[str, str]) -> list[str]:
        if label in self.node_columns:
            return []
        self.node_columns[label] = {PRIMARY_KEY: "STRING", **declared, REST: "STRING"}
        columns = ", ".join(f"{quote(c)} {t}" for c, t in self.node_columns[label].items() if c != PRIMARY_KEY)
        return [f"CREATE NODE TABLE {quote(label)}({PRIMARY_KEY} STRING PRIMARY KEY, {columns})"]

    def _rel_table(self, rel_type: str, declared: dict[str, str], pairs: set[tuple[str, str]]) -> list[str]:
        have = self.pairs.setdefault(rel_type, set())
        if rel_type not in self.rel_columns:
            self.rel_columns[rel_type] = {**declared, REST: "STRING"}
            have.update(pairs)
            ends = ", ".join(f"FROM {quote(s)} TO {quote(o)}" for s, o in sorted(pairs))
            columns = ", ".join(f"{quote(c)} {t}" for c, t in self.rel_columns[rel_type].items())
            return [f"CREATE REL TABLE {quote(rel_type)}({ends}, {columns})"]
        missing = sorted(pairs - have)
        have.update(missing)
        return [f"ALTER TABLE {quote(rel_type)} ADD FROM {quote(s)} TO {quote(o)}" for s, o in missing]

    @staticmethod
    def _new_columns(table: str, columns: dict[str, str], kinds: Mapping[str, set]) -> list[str]:
        """A column for each property that has none yet, when all its values agree on a type (an
        empty list counts as a list of strings only if nothing says otherwise)."""
        taken = {c.lower() for c in columns}
        statements = []
        for key, seen in sorted(kinds.items()):
            if key in columns or not _columnable(key) or key.lower() in taken:
                continue
            typed = seen - {"[]"}
            if not typed:
                column_type = "STRING[]"
            elif len(typed) == 1 and None not in typed and ("[]" not in seen or next(iter(typed)).endswith("[]")):
                column_type = typed.pop()
            else:
                continue  # mixed types: the values stay in _rest_json
            columns[key] = column_type
            taken.add(key.lower())
            statements.append(f"ALTER TABLE {quote(table)} ADD {quote(key)} {column_type}")
        return statements


def add_kinds(kinds: dict[str, set], columns: Mapping[str, str], props: Mapping[str, Any]) -> None:
    """Note in `kinds` (property → the column types its values need, "[]" for an empty list) the
    properties of one row that have no column among `columns` yet: what `Schema.plan` decides
    new columns from, gathered row by row so that no row need be held."""
    for key, value in props.items():
        if key not in columns:
            kinds.setdefault(key, set()).add(value_type(value) if value != [] else "[]")


def encode(columns: Mapping[str, str], props: Mapping[str, Any]) -> list[Any]:
    """One stored record → its row in table order: each value in its column when it fits, the rest
    as JSON (sorted keys) in `_rest_json`."""
    row, rest = [], {}
    for key, value in props.items():
        if key not in columns or key == REST or not fits(value, columns[key]):
            rest[key] = value
    for column, column_type in columns.items():
        if column == REST:
            row.append(json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else None)
        else:
            value = props.get(column)
            row.append(value if column not in rest and value is not None else None)
    return row


def decode(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A node or relationship as the database returns it → its stored properties (no nulls, no
    internal `_ID`/`_LABEL`/`_SRC`/`_DST`, the `_rest_json` ones merged back)."""
    return decode_row(raw.keys(), raw.values())


def decode_row(names: Iterable[str], values: Iterable[Any]) -> dict[str, Any]:
    """`decode` of a row read column by column (`names` as returned, `values` in their order),
    without building the row's dict first."""
    out, rest = {}, None
    for k, v in zip(names, values):
        if k == REST:
            rest = v
        elif v is not None and not k.startswith("_"):
            out[k] = v
    if rest:
        out.update(json.loads(rest))
    return out
