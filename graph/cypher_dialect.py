"""Neo4j's Cypher on the embedded store (LadybugDB): what runs as written, what is translated, what
is refused with the spelling to use instead — and what a read may never do there.

The query is cut into tokens once, left to right (strings, quoted names and comments are tokens of
their own, so a `//` inside a string or a keyword inside a comment is just text). Then:

- refused (`UnsupportedQuery`, naming the construct): file and network access and settings —
  `LOAD FROM`/`LOAD EXTENSION`, `COPY`, `INSTALL`, `ATTACH`/`DETACH`/`USE` of databases, `EXPORT`/
  `IMPORT DATABASE`, `CALL` of anything but a few catalogue functions, transaction statements and
  several statements in one; in Neo4j `(n:A:B)` means both labels, here either, so it is refused;
- translated: `[x IN l WHERE t | e]` → `list_transform(list_filter(l, x -> t), x -> e)`,
  `type(r)` → `label(r)`, `labels(n)` → `[label(n)]`, `relationships(p)` → `rels(p)`,
  `toLower`/`toUpper`, `head(l)`, aliases quoted (`AS none` — LadybugDB reserves more words), `shortestPath(…[*..k]…)` → `…[* SHORTEST ..k]…` (and
  `allShortestPaths` → `ALL SHORTEST`), variable-length `[*a..b]` → `[* TRAIL a..b]` (Neo4j never
  repeats a relationship in a path; LadybugDB's default walks may), `EXISTS { (…) }` / `COUNT { (…) }`
  → `EXISTS { MATCH (…) }`, the label `:Node` every Neo4j node carries is dropped, `[:A|:B]` →
  `[:A|B]`, a label test `WHERE n:A` → `label(n) = 'A'`;
- result columns are named as Neo4j names them (the RETURN item as written, or its alias).

Writes are not looked for here: reads run in a read-only transaction (and the app opens the database
read-only), so the database itself refuses them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from . import cypher_text, model
from .ladybug_schema import decode
from .store import StoreError, UnsupportedQuery

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<name>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$\w+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<op><>|<=|>=|->|<-|\.\.|=~|\+=|.)
""", re.X | re.S)

#: catalogue functions a read may CALL (they list tables and columns, nothing else)
ALLOWED_CALLS = {"show_tables", "table_info", "show_connection", "show_functions"}
#: statement words a read never needs: each reaches files, the network, settings or transactions
_REFUSED = {
    "LOAD": "LOAD FROM / LOAD EXTENSION (reading files or extensions)",
    "COPY": "COPY (reading or writing files)",
    "INSTALL": "INSTALL (downloading extensions)",
    "ATTACH": "ATTACH (opening other databases)",
    "USE": "USE (switching databases)",
    "EXPORT": "EXPORT DATABASE (writing files)",
    "IMPORT": "IMPORT DATABASE (reading files)",
    "BEGIN": "transaction statements", "COMMIT": "transaction statements",
    "ROLLBACK": "transaction statements", "CHECKPOINT": "CHECKPOINT",
}
_RENAMED_FUNCTIONS = {"type": "label", "relationships": "rels", "tolower": "lower", "toupper": "upper"}
_PATH_MODES = {"SHORTEST", "ALL", "TRAIL", "ACYCLIC", "WALK"}
#: words LadybugDB's grammar will not take as a variable (Neo4j will): quoted where used so
_RESERVED = {"CREATE", "ORDER", "NONE", "WHERE", "WITH", "UNWIND", "OPTIONAL", "UNION", "ALL", "AND", "OR", "NOT",
             "XOR", "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END", "NULL", "TRUE", "FALSE", "ASC", "ASCENDING",
             "DESC", "DESCENDING", "SKIP", "EXISTS", "IN", "STARTS", "ENDS", "ON", "DEFAULT", "PRIMARY", "SHORTEST",
             "TRAIL", "ACYCLIC", "WALK", "ANY", "SINGLE", "GLOB", "COLUMN", "TABLE", "GROUP", "MACRO", "FOREACH",
             "REMOVE", "DELETE", "MERGE", "MATCH", "RETURN", "LIMIT", "CALL", "FROM", "TO", "IS", "BY", "COUNT",
             "SET", "USE", "COPY", "LOAD", "START", "DETACH", "STAR", "INSTALL"}
#: LadybugDB's `CAST(x AS TYPE)` names a type after AS, not an alias
_TYPE_NAMES = {"STRING", "INT64", "INT32", "INT16", "INT8", "INT", "INT128", "UINT64", "UINT32", "DOUBLE", "FLOAT",
               "BOOL", "BOOLEAN", "DATE", "TIMESTAMP", "INTERVAL", "BLOB", "UUID", "SERIAL", "DECIMAL"}
BASE_LABEL = model.BASE_LABEL  # every Neo4j node carries it; the embedded store has no such label
#: the names given to anonymous relationships so that they can be kept apart (never shown)
NAMED_RELATIONSHIP = "policykg_r"


@dataclass
class Token:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokens(query: str) -> list[Token]:
    return [Token(m.lastgroup, m.group()) for m in _TOKEN.finditer(query)]


def check(query: str) -> None:
    """Refuse what a read on the embedded store may not do, naming it and saying what to do.
    Keywords are told from names (`RETURN d.id AS use`, a variable `load`) as the console tells them
    (graph.cypher_text.is_clause), so the two stores read a query's words alike."""
    try:
        toks = [t for t in cypher_text.tokens(query) if t.kind != "comment"]
    except cypher_text.CypherTextError as exc:
        raise UnsupportedQuery(str(exc)) from None
    for i, tok in enumerate(toks):
        if tok.kind == "symbol" and tok.text == ";" and any(t.text != ";" for t in toks[i + 1:]):
            raise UnsupportedQuery("one statement at a time: remove the `;` and run the queries one by one")
        if tok.kind != "word" or not cypher_text.is_clause(toks, i):
            continue
        word = tok.upper
        if word in _REFUSED:
            raise UnsupportedQuery(f"the embedded store's queries only read the graph: {_REFUSED[word]} "
                                   "is not allowed")
        if word == "DETACH" and (i + 1 == len(toks) or toks[i + 1].upper != "DELETE"):
            raise UnsupportedQuery("the embedded store's queries only read the graph: DETACH (of "
                                   "databases) is not allowed")
        if word == "CALL":
            target = cypher_text.procedure_name(toks, i) or ""
            called = i + 1 + 2 * target.count(".") + 1  # the token after the procedure's name
            if (target.lower() not in ALLOWED_CALLS or toks[i + 1].kind != "word"  # as written, unquoted
                    or called >= len(toks) or toks[called].text != "("):
                raise UnsupportedQuery(
                    f"the embedded store's queries may CALL only {', '.join(sorted(ALLOWED_CALLS))} "
                    f"(e.g. CALL show_tables() RETURN *); `CALL {target}` is not allowed")


def _close(toks: list[Token], i: int) -> int:
    """Index of the bracket closing the one opened at `i`."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text in pairs:
            depth += 1
        elif toks[j].text in pairs.values():
            depth -= 1
            if depth == 0:
                return j
    raise UnsupportedQuery("unbalanced brackets in the query")


def translate(query: str, read_only: bool = True) -> str:
    """The LadybugDB spelling of a Neo4j query (see the module docstring); `check` first when reading."""
    query = query.strip().rstrip(";").strip()
    if not query:
        raise StoreError("empty query")
    if read_only:
        check(query)
    toks = [t if t.kind != "comment" else Token("space", " ") for t in tokens(query)]
    toks = _quote_aliases(_shortest_paths(toks))
    return "".join(t.text for t in _distinct_relationships(_translate_all(toks)))


def _quote_aliases(toks: list[Token]) -> list[Token]:
    """Aliases (`AS none`, `UNWIND … AS x`), pattern variables (`(create:Agency)`) and their uses
    in backticks: LadybugDB reserves words Neo4j allows as names."""
    sig = [t for t in toks if t.kind != "space"]
    aliases = {t.text for k, t in enumerate(sig[1:], 1)
               if t.kind == "word" and sig[k - 1].upper == "AS" and t.upper not in _TYPE_NAMES}
    # and pattern variables that LadybugDB reads as keywords: `(create:Agency)`, `[order]`
    aliases |= {t.text for k, t in enumerate(sig[1:-1], 1)
                if t.kind == "word" and t.upper in _RESERVED and sig[k - 1].text in ("(", "[")
                and sig[k + 1].text in (":", ")", "]", "{", "*")}
    out = []
    for k, t in enumerate(toks):
        if t.kind == "word" and t.text in aliases:
            before = _prev(toks[:k])
            j = _next(toks, k)
            after = toks[j].text if j < len(toks) else ""
            sig_before = [x for x in toks[:k] if x.kind != "space"][-3:]
            map_value = len(sig_before) == 3 and sig_before[2].text == ":" and sig_before[0].text in ("{", ",")
            map_key = after == ":" and before is not None and before.text in ("{", ",")
            if (before is None or before.text not in (".", ":", "$") or map_value) and after != "(" and not map_key:
                t = Token("name", f"`{t.text}`")
        out.append(t)
    return out


def _translate_all(toks: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(toks):
        i = _translate_at(toks, i, out)
    return out


def _comprehension(toks: list[Token], i: int, out: list[Token]) -> Optional[int]:
    """`[x IN list WHERE test | expr]` → `list_transform(list_filter(list, x -> test), x -> expr)`
    (LadybugDB has the lambdas, not the syntax); None when `[` at `i` opens no comprehension."""
    sig = [k for k in range(i + 1, len(toks)) if toks[k].kind != "space"][:2]
    if len(sig) < 2 or toks[sig[0]].kind != "word" or toks[sig[1]].upper != "IN":
        return None
    end = _close(toks, i)
    var = toks[sig[0]].text
    parts: dict[str, list[Token]] = {"list": [], "WHERE": [], "|": []}
    part, depth = "list", 0
    for t in toks[sig[1] + 1:end]:
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
        if depth == 0 and (t.upper == "WHERE" or t.text == "|") and part != "|":
            part = "WHERE" if t.upper == "WHERE" else "|"
            continue
        parts[part].append(t)
    text = "".join(t.text for t in _translate_all(parts["list"])).strip()
    if parts["WHERE"]:
        text = f"list_filter({text}, {var} -> {''.join(t.text for t in _translate_all(parts['WHERE'])).strip()})"
    if parts["|"]:
        text = f"list_transform({text}, {var} -> {''.join(t.text for t in _translate_all(parts['|'])).strip()})"
    out.append(Token("word", text))
    return end + 1


def _next(toks: list[Token], i: int) -> int:
    """Index of the next significant token after `i` (len(toks) if none)."""
    j = i + 1
    while j < len(toks) and toks[j].kind == "space":
        j += 1
    return j


def _prev(out: list[Token]) -> Optional[Token]:
    for t in reversed(out):
        if t.kind != "space":
            return t
    return None


def _translate_at(toks: list[Token], i: int, out: list[Token]) -> int:
    """Append the translation of the token(s) at `i` to `out`; return the next index."""
    tok = toks[i]
    nxt = _next(toks, i)
    after = toks[nxt].text if nxt < len(toks) else ""
    prev = _prev(out)
    if tok.kind == "word" and after == "(" and (prev is None or prev.text != "."):
        low = tok.text.lower()
        if low in _RENAMED_FUNCTIONS:
            out.append(Token("word", _RENAMED_FUNCTIONS[low]))
            return i + 1
        if low in ("labels", "head"):
            end = _close(toks, nxt)
            inner = "".join(t.text for t in toks[nxt + 1:end])
            text = f"[label({inner})]" if low == "labels" else f"list_extract({inner}, 1)"
            out.append(Token("word", text))
            return end + 1
        if low == "substring":
            raise UnsupportedQuery("substring() counts from 0 in Neo4j and from 1 on the embedded store: "
                                   "write substr(text, start + 1, length)")
    if tok.upper in ("EXISTS", "COUNT") and after == "{":
        out.append(tok)
        out.extend(toks[i + 1:nxt + 1])
        first = toks[_next(toks, nxt)].text if _next(toks, nxt) < len(toks) else ""
        if first == "(":
            out.extend([Token("space", " "), Token("word", "MATCH")])
        return nxt + 1
    if tok.text == "*" and _in_relationship(out):
        out.append(tok)
        mode = toks[nxt].upper if nxt < len(toks) else ""
        if mode not in _PATH_MODES:
            out.extend([Token("space", " "), Token("word", "TRAIL"), Token("space", " ")])
        return i + 1
    if tok.text == "(":
        return _node_pattern(toks, i, out)
    if tok.text == "[" and (prev is None or prev.text not in ("-", "<-")):
        end = _comprehension(toks, i, out)
        if end is not None:
            return end
    if tok.text == "|" and after == ":" and _in_relationship(out):
        out.append(tok)
        return nxt + 1  # [:A|:B] → [:A|B]
    if tok.kind in ("word", "name") and prev is not None and prev.upper in ("WHERE", "AND", "OR", "NOT", "XOR") and after == ":":
        return _label_test(toks, i, nxt, out)
    out.append(tok)
    return i + 1


def _in_relationship(out: list[Token]) -> bool:
    """Whether the tokens written so far leave us inside `[ … ]` of a relationship pattern."""
    depth = 0
    for k in range(len(out) - 1, -1, -1):
        if out[k].text == "]":
            depth += 1
        elif out[k].text == "[":
            if depth == 0:
                before = _prev(out[:k])
                return before is not None and before.text in ("-", "<-")
            depth -= 1
    return False


def _labels_after(toks: list[Token], j: int) -> tuple[list[tuple[str, str]], int]:
    """Labels of a node pattern from `j` (at a `:`): [(separator, name)], and the index after them."""
    labels = []
    while j < len(toks) and toks[j].text in (":", "|"):
        sep = toks[j].text
        k = _next(toks, j) if j + 1 < len(toks) and toks[j + 1].kind == "space" else j + 1
        if k >= len(toks) or toks[k].kind not in ("word", "name"):
            break
        labels.append((sep, toks[k].text.strip("`")))
        j = k + 1
    return labels, j


def _node_pattern(toks: list[Token], i: int, out: list[Token]) -> int:
    """`(n:Node:Agency …)` → `(n:Agency …)`; `(n:A:B)` (both labels in Neo4j) is refused."""
    out.append(toks[i])
    j = _next(toks, i)
    if j < len(toks) and toks[j].kind in ("word", "name") and _next(toks, j) < len(toks) and toks[_next(toks, j)].text == ":":
        out.extend(toks[i + 1:j + 1])
        j = _next(toks, j)
    elif j >= len(toks) or toks[j].text != ":":
        return i + 1
    labels, end = _labels_after(toks, j)
    if not labels:
        return j if j > i + 1 else i + 1
    kept = [(sep, name) for sep, name in labels if name != BASE_LABEL]
    if sum(1 for sep, _ in kept if sep == ":") > 1:
        names = [name for _, name in kept]
        raise UnsupportedQuery(
            f"(n:{':'.join(names)}) asks for nodes with all of these labels in Neo4j, but every node here has "
            f"one label (and LadybugDB reads the pattern as either): write (n:{'|'.join(names)}) for "
            f"either, or one label")
    if kept:
        out.append(Token("op", ":" + "|".join(f"`{name}`" for _, name in kept)))
    return end


def _label_test(toks: list[Token], i: int, colon: int, out: list[Token]) -> int:
    """`WHERE n:A` → `label(n) = 'A'`; `n:A|B` → `label(n) IN ['A', 'B']`."""
    labels, end = _labels_after(toks, colon)
    names = [name for _, name in labels if name != BASE_LABEL]
    if not labels:
        out.append(toks[i])
        return i + 1
    var = toks[i].text
    if not names:
        out.append(Token("word", "true"))
    elif len(names) == 1:
        out.append(Token("word", f"label({var}) = '{names[0]}'"))
    elif all(sep == "|" for sep, _ in labels[1:]):
        out.append(Token("word", f"label({var}) IN [{', '.join(repr(n) for n in names)}]"))
    else:
        out.append(Token("word", "false"))  # a node has one label: it never has two
    return end


def _shortest_paths(toks: list[Token]) -> list[Token]:
    """`shortestPath(PATTERN)` → PATTERN with `* SHORTEST` in its relationship (`allShortestPaths`: ALL)."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        low = tok.text.lower() if tok.kind == "word" else ""
        nxt = _next(toks, i)
        if low in ("shortestpath", "allshortestpaths") and nxt < len(toks) and toks[nxt].text == "(":
            end = _close(toks, nxt)
            inner = toks[nxt + 1:end]
            stars = [k for k, t in enumerate(inner) if t.text == "*"]
            if len(stars) != 1:
                raise UnsupportedQuery(f"{tok.text}() needs one variable-length relationship, e.g. "
                                       "shortestPath((a)-[*..4]-(b))")
            mode = ["SHORTEST"] if low == "shortestpath" else ["ALL", "SHORTEST"]
            words = [w for m in mode for w in (Token("space", " "), Token("word", m))] + [Token("space", " ")]
            k = stars[0]
            out.extend(inner[:k + 1] + words + inner[k + 1:])
            i = end + 1
            continue
        out.append(tok)
        i += 1
    return out


_CLAUSES = {"WHERE", "RETURN", "WITH", "MATCH", "OPTIONAL", "UNWIND", "ORDER", "SKIP", "LIMIT", "UNION", "CALL"}


def _clause_end(toks: list[Token], start: int, stop_at: set[str]) -> int:
    """Index where the clause starting at `start` ends: the next of `stop_at` at its bracket depth,
    a bracket closing around it, or the end."""
    depth = 0
    for j in range(start + 1, len(toks)):
        t = toks[j]
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
            if depth < 0:
                return j
        elif depth == 0 and t.upper in stop_at:
            return j
    return len(toks)


def _distinct_relationships(toks: list[Token]) -> list[Token]:
    """Neo4j never binds one relationship twice in a MATCH (`(a)-[]->(m)<-[]-(b)` cannot come back
    along the edge it went out on); LadybugDB may. Each MATCH with several fixed-length
    relationships gets `WHERE id(r1) <> id(r2) …` (anonymous ones are named for it)."""
    toks = list(toks)
    k, named = 0, 0
    while k < len(toks):
        if toks[k].upper != "MATCH":
            k += 1
            continue
        end = _clause_end(toks, k, _CLAUSES)
        names, j = [], k + 1
        while j < end:
            if toks[j].text == "[" and (_prev(toks[:j]) or Token("op", "")).text in ("-", "<-"):
                close = _close(toks, j)
                inner = [t for t in toks[j + 1:close] if t.kind != "space"]
                if not any(t.text == "*" for t in inner):
                    if inner and inner[0].kind in ("word", "name") and (len(inner) == 1 or inner[1].text in (":", "{")):
                        names.append(inner[0].text)
                    else:
                        named += 1
                        names.append(f"{NAMED_RELATIONSHIP}{named}")
                        toks.insert(j + 1, Token("word", names[-1]))
                        end += 1
                        close += 1
                j = close
            j += 1
        if len(set(names)) >= 2:
            cond = " AND ".join(f"id({a}) <> id({b})" for x, a in enumerate(names) for b in names[x + 1:])
            if end < len(toks) and toks[end].upper == "WHERE":
                where_end = _clause_end(toks, end, _CLAUSES - {"WHERE"})
                toks[where_end:where_end] = [Token("op", ")"), Token("space", " ")]
                toks[end + 1:end + 1] = [Token("space", " "), Token("word", f"{cond} AND ("), Token("space", " ")]
            else:
                toks[end:end] = [Token("space", " "), Token("word", f"WHERE {cond}"), Token("space", " ")]
        k += 1
    return toks


# --- result columns -----------------------------------------------------------------------------------
def column_names(query: str) -> Optional[list[str]]:
    """Neo4j's names of the result columns: the items of the last RETURN as written, or their
    aliases (None for `RETURN *` or when there is no RETURN)."""
    toks = [t for t in tokens(query) if t.kind != "comment"]
    depth, start = 0, None
    for k, t in enumerate(toks):
        if t.text in "([{" and t.kind == "op":
            depth += 1
        elif t.text in ")]}" and t.kind == "op":
            depth -= 1
        elif depth == 0 and t.upper == "RETURN":
            start = k + 1
    if start is None:
        return None
    items, current, depth = [], [], 0
    for t in toks[start:]:
        if depth == 0 and t.upper in ("ORDER", "SKIP", "LIMIT", "UNION"):
            break
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
        if depth == 0 and t.text == ",":
            items.append(current)
            current = []
        else:
            current.append(t)
    items.append(current)
    names = []
    for item in items:
        sig = [t for t in item if t.kind != "space"]
        if sig and sig[0].upper == "DISTINCT" and not names:
            item = item[item.index(sig[0]) + 1:]
            sig = sig[1:]
        if not sig or sig[0].text == "*":
            return None
        if len(sig) >= 2 and sig[-2].upper == "AS":
            names.append(sig[-1].text.strip("`"))
        else:
            names.append("".join(t.text for t in item).strip())
    return names


# --- running --------------------------------------------------------------------------------------

def run(store: Any, conn: Any, original: str, query: str, params: Mapping[str, Any], *, read_only: bool,
        limit: int, timeout_s: Optional[float], in_transaction: bool = False) -> list[dict[str, Any]]:
    """Execute a translated query on `conn` (in a read-only transaction for reads, unless already
    `in_transaction`), at most `limit` rows, interrupted after `timeout_s`; values as plain dicts
    (nodes with `label`, relationships with `type`/`source`/`target`, paths as their nodes and
    relationships)."""
    if timeout_s:
        conn.set_query_timeout(max(1, int(timeout_s * 1000)))
    try:
        for _ in range(20):
            try:
                names, raw = _execute(conn, query, params, limit, read_only and not in_transaction)
                break
            except RuntimeError as exc:
                # Neo4j reads a property no node has as null; LadybugDB refuses a column no table has
                missing = re.search(r"Cannot find property (\w+) for (\w+)\.", str(exc))
                unknown = missing and re.compile(
                    rf"(?<![\w`])`?{missing.group(2)}`?\s*\.\s*`?{missing.group(1)}`?(?!\w)")
                if not unknown or not unknown.search(query):
                    raise _error(exc, timeout_s, store) from None
                query = unknown.sub("NULL", query)
        else:
            raise StoreError("the embedded store cannot run this query: too many unknown properties")
    finally:
        if timeout_s:
            conn.set_query_timeout(0)
    wanted = column_names(original)
    if wanted is None or len(wanted) != len(names) or len(set(wanted)) != len(wanted):
        wanted = names
    shown = [k for k, name in enumerate(wanted) if not name.startswith(NAMED_RELATIONSHIP)]  # RETURN *
    if len(shown) != len(wanted):
        wanted = [wanted[k] for k in shown]
        raw = [[row[k] for k in shown] for row in raw]
    ids: dict[tuple, str] = {}
    for row in raw:
        _collect_ids(row, ids)
    return [dict(zip(wanted, (_plain(v, ids) for v in row))) for row in raw]


def _execute(conn: Any, query: str, params: Mapping[str, Any], limit: int, own_read: bool
             ) -> tuple[list[str], list[list[Any]]]:
    if own_read:
        conn.execute("BEGIN TRANSACTION READ ONLY")
    try:
        result = conn.execute(query, dict(params))
        raw = []
        while len(raw) < limit and result.has_next():
            raw.append(result.get_next())
        return result.get_column_names(), raw
    finally:
        if own_read:
            try:
                conn.execute("COMMIT")
            except RuntimeError:
                pass


def _error(exc: RuntimeError, timeout_s: Optional[float], store: Any) -> StoreError:
    text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    low = text.lower()
    if "interrupt" in low or "timeout" in low:
        return StoreError(f"the query ran longer than {timeout_s:g} s and was stopped" if timeout_s
                          else f"the query was interrupted: {first}")
    if "read-only" in low or "read only" in low:
        return UnsupportedQuery(f"the console is read-only: the database refused a write ({first})")
    if "buffer" in low and ("memory" in low or "pool" in low):
        return StoreError(f"the query needed more memory than the embedded store allows "
                          f"({store.buffer_pool_mb} MB): narrow it (labels, LIMIT, fewer MATCHes)")
    missing = re.search(r"Table (\w+) does not exist", text)
    if missing:
        schema = store.schema()
        return UnsupportedQuery(f"the graph has no label or relationship type {missing.group(1)}: labels are "
                                f"{', '.join(sorted(schema.node_columns))}; types are "
                                f"{', '.join(sorted(schema.rel_columns))}")
    return StoreError(f"the embedded store cannot run this query: {first}")


def _collect_ids(value: Any, ids: dict[tuple, str]) -> None:
    if isinstance(value, dict):
        if "_ID" in value and "_SRC" not in value and isinstance(value.get("id"), str):
            ids[_internal(value["_ID"])] = value["id"]
        for v in value.values():
            _collect_ids(v, ids)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect_ids(v, ids)


def _internal(ref: Any) -> tuple:
    return (ref.get("table"), ref.get("offset")) if isinstance(ref, dict) else (ref,)


def _plain(value: Any, ids: dict[tuple, str]) -> Any:
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            return {"nodes": [_plain(n, ids) for n in value["_NODES"]],
                    "relationships": [_plain(r, ids) for r in value["_RELS"]]}
        if "_SRC" in value and "_LABEL" in value:
            return {"type": value["_LABEL"], "source": ids.get(_internal(value["_SRC"])),
                    "target": ids.get(_internal(value["_DST"])), **decode(value)}
        if "_LABEL" in value and "_ID" in value:
            return {**decode(value), "label": value["_LABEL"]}
        return {k: _plain(v, ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, ids) for v in value]
    return value
