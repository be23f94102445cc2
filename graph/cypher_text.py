"""Reading the text of a Cypher query the way the server does: tokens, and what its clauses ask for.

The console's fast first look at a query (graph.console) — and the embedded store's check of its
Cypher subset — need to know which words are *clauses* (CREATE, SET, LOAD CSV, SHOW, USE …) and which
are names (a variable `start`, a property `d.set`, an alias `AS use`, a string 'DROP'). Patterns over
the raw text cannot tell: a `//` inside a string is not a comment, a quote inside a comment opens no
string, a backticked `dbms` is the name dbms, and Neo4j decodes `\\uXXXX` escapes everywhere before it
parses (`\\u0027` is a quote to the server). So the text is tokenised once, in one left-to-right pass
that applies those rules in the server's order, and the questions are asked of the tokens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

#: `\\uXXXX` (Java allows several u's) not itself escaped by a backslash: Neo4j's parser reads the
#: query through a Java unicode-escape stream, so these are decoded before anything else.
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u+([0-9a-fA-F]{4})")
_WORD = re.compile(r"[^\W\d]\w*|\d[\w.]*", re.UNICODE)
_SYMBOLS = ("<>", "<=", ">=", "=~", "+=", "->", "<-", "..", "::")


class CypherTextError(ValueError):
    """The query text cannot be tokenised (an unterminated string, name or comment)."""


@dataclass(frozen=True)
class Token:
    kind: str     # "word" (keyword or plain name), "name" (`backticked`), "string", "number", "param",
                  # "symbol", "comment"
    text: str     # the word as written, the name/string without its quotes, the symbol
    start: int    # offset in the decoded query
    end: int      # offset just past it

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def decode_unicode_escapes(query: str) -> str:
    return _UNICODE_ESCAPE.sub(lambda m: m.group(1) + chr(int(m.group(2), 16)), query)


def _quoted_end(text: str, start: int, quote: str) -> int:
    """Offset just past the quoted run opening at `start`; strings escape with a backslash, backticked
    names by doubling the backtick."""
    i = start + 1
    while i < len(text):
        char = text[i]
        if quote != "`" and char == "\\":
            i += 2
            continue
        if char == quote:
            if quote == "`" and text.startswith("``", i):
                i += 2
                continue
            return i + 1
        i += 1
    kind = "name" if quote == "`" else "string"
    raise CypherTextError(f"unterminated {kind} starting at character {start + 1}")


def tokens(query: str) -> list[Token]:
    """The query's tokens, comments dropped, after decoding unicode escapes as the server does."""
    return [t for t in _scan(decode_unicode_escapes(query)) if t.kind != "comment"]


def without_comments(query: str) -> str:
    """The query (unicode escapes decoded) with each comment replaced by a space."""
    text = decode_unicode_escapes(query)
    pieces, last = [], 0
    for token in _scan(text):
        if token.kind == "comment":
            pieces.append(text[last:token.start] + " ")
            last = token.end
    return "".join(pieces) + text[last:]


def _scan(text: str) -> Iterator[Token]:
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end + 1
            yield Token("comment", text[i:end], i, end)
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise CypherTextError(f"unterminated comment starting at character {i + 1}")
            yield Token("comment", text[i:end + 2], i, end + 2)
            i = end + 2
        elif char in "'\"`":
            end = _quoted_end(text, i, char)
            body = text[i + 1:end - 1]
            yield Token("name", body.replace("``", "`"), i, end) if char == "`" else Token("string", body, i, end)
            i = end
        elif char == "$":
            match = _WORD.match(text, i + 1)
            end = match.end() if match else i + 1
            yield Token("param", text[i + 1:end], i, end)
            i = end
        elif (match := _WORD.match(text, i)) is not None:
            kind = "number" if match.group(0)[0].isdigit() else "word"
            yield Token(kind, match.group(0), i, match.end())
            i = match.end()
        else:
            symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), char)
            yield Token("symbol", symbol, i, i + len(symbol))
            i += len(symbol)


# --- what the clauses ask for -----------------------------------------------------------------------
#: Clause keywords that write, administer, switch database or read outside the graph (files, URLs,
#: extensions of an embedded engine), with the phrase the refusal uses.
CLAUSES_REFUSED: dict[str, str] = {
    "CREATE": "CREATE (writes)", "MERGE": "MERGE (writes)", "SET": "SET (writes)",
    "DELETE": "DELETE (writes)", "DETACH": "DETACH DELETE (writes)", "REMOVE": "REMOVE (writes)",
    "FOREACH": "FOREACH (writes)", "DROP": "DROP (schema and administration)",
    "ALTER": "ALTER (administration)", "GRANT": "GRANT (administration)", "DENY": "DENY (administration)",
    "REVOKE": "REVOKE (administration)", "START": "START DATABASE (administration)",
    "STOP": "STOP DATABASE (administration)", "TERMINATE": "TERMINATE (administration)",
    "SHOW": "SHOW (settings, users, transactions …)", "USE": "USE (switching databases)",
    "LOAD": "LOAD CSV / LOAD FROM (reading files and URLs)", "COPY": "COPY (reading and writing files)",
    "INSTALL": "INSTALL (extensions)", "ATTACH": "ATTACH (other databases)",
    "EXPORT": "EXPORT (writing files)", "IMPORT": "IMPORT (reading files)",
    "EXPLAIN": "EXPLAIN / PROFILE (the console runs queries; a plan is not a result)",
    "PROFILE": "EXPLAIN / PROFILE (the console runs queries; a plan is not a result)",
}
#: After these a word is a name (property, label, alias, parameter), never a clause.
_NAME_AFTER = {".", ":", "$", "|"}
#: Before these a word is a name or ends an expression: `start.title`, `(stop)`, `use, x`, `set = 1`.
_NAME_BEFORE_SYMBOLS = {".", ":", ",", ")", "]", "}", "=", "<>", "<", ">", "<=", ">=", "=~", "+", "-", "*",
                        "/", "%", "^", "|", "..", "::", ";"}
#: Words that follow an expression (so the word before them was a name): `RETURN start AS x`,
#: `WHERE use IS NULL`, `RETURN set ORDER BY set`.
_EXPRESSION_FOLLOWERS = {"AS", "IS", "IN", "STARTS", "ENDS", "CONTAINS", "AND", "OR", "XOR", "ORDER", "SKIP",
                         "LIMIT", "RETURN", "WITH", "WHERE", "UNION", "MATCH", "OPTIONAL", "UNWIND", "THEN",
                         "ELSE", "END", "WHEN", "ASC", "DESC", "ASCENDING", "DESCENDING", "CALL", "YIELD"}


def is_clause(tokens_: list[Token], index: int) -> bool:
    """Whether the word at `index` stands where a clause keyword stands — not as a name."""
    before = tokens_[index - 1] if index else None
    after = tokens_[index + 1] if index + 1 < len(tokens_) else None
    if before is not None and (before.text in _NAME_AFTER and before.kind == "symbol" or before.upper == "AS"):
        return False
    if after is None:
        return index == 0  # a lone last word is a name being returned, unless it is all there is
    if after.kind == "symbol":
        return after.text in {"(", "{", "["} and not (before is not None and before.kind == "symbol"
                                                     and before.text in {"(", "[", ","})
    return after.upper not in _EXPRESSION_FOLLOWERS


def procedure_name(tokens_: list[Token], index: int) -> Optional[str]:
    """`db.index.fulltext.queryNodes` for the CALL at `index` (backticked parts unquoted); None for a
    `CALL { … }` / `CALL (x) { … }` subquery."""
    parts: list[str] = []
    i = index + 1
    while i < len(tokens_) and tokens_[i].kind in ("word", "name"):
        parts.append(tokens_[i].text)
        if i + 1 < len(tokens_) and tokens_[i + 1].text == "." and tokens_[i + 1].kind == "symbol":
            i += 2
        else:
            break
    return ".".join(parts) if parts else None


def first_refused_clause(query_tokens: list[Token], allowed_procedures: frozenset[str]) -> Optional[str]:
    """The phrase naming the first clause a read-only console refuses — the clause as written in
    Cypher, then why in brackets: `DETACH DELETE (writes)` — or None. Procedures are compared
    case-insensitively with `allowed_procedures` (lower case)."""
    for index, token in enumerate(query_tokens):
        if token.kind == "symbol" and token.text == ";":
            if any(t.kind != "symbol" or t.text != ";" for t in query_tokens[index + 1:]):
                return "; (more than one statement: one query at a time)"
        if token.kind != "word":
            continue
        word = token.upper
        if word == "CALL" and is_clause(query_tokens, index):
            name = procedure_name(query_tokens, index)
            if name is not None and name.lower() not in allowed_procedures:
                return f"CALL {name} (only {', '.join(sorted(allowed_procedures))} may be called)"
        elif word in ("EXPLAIN", "PROFILE"):
            if _in_prefix(query_tokens, index):  # only ever a prefix of the statement
                return CLAUSES_REFUSED[word]
        elif word in CLAUSES_REFUSED and is_clause(query_tokens, index):
            if word == "LOAD" and not _next_is(query_tokens, index, {"CSV", "FROM"}):
                continue
            return CLAUSES_REFUSED[word]
    return None


def _in_prefix(tokens_: list[Token], index: int) -> bool:
    """Whether the token at `index` is in the statement's prefix: first, or after `CYPHER` options
    (`CYPHER runtime=slotted EXPLAIN …`) and before any clause."""
    if index == 0:
        return True
    options = tokens_[1:index]
    return (tokens_[0].upper == "CYPHER"
            and all(t.kind in ("word", "number") or t.text == "=" for t in options)
            and not any(t.upper in _EXPRESSION_FOLLOWERS for t in options))


def _next_is(tokens_: list[Token], index: int, words: set[str]) -> bool:
    return index + 1 < len(tokens_) and tokens_[index + 1].upper in words
