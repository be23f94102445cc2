"""HTML produced by the app: everything from the graph or a document is escaped here."""
from __future__ import annotations

import html
from typing import Iterable, Optional
from urllib.parse import quote, urlencode


def esc(value: object) -> str:
    """Escape text for HTML element content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def href(page: str, **params: str) -> str:
    """A same-app link: `./page?k=v` (values URL-encoded, then escaped for the attribute)."""
    query = urlencode({k: v for k, v in params.items() if v is not None}, quote_via=quote)
    return esc(f"./{page}" + (f"?{query}" if query else ""))


def link(text: object, page: str, css: str = "", title: Optional[str] = None, **params: str) -> str:
    cls = f' class="{esc(css)}"' if css else ""
    tip = f' title="{esc(title)}"' if title else ""
    return f'<a href="{href(page, **params)}" target="_self"{cls}{tip}>{esc(text)}</a>'


def mark_spans(text: str, terms: Iterable[tuple[str, str]]) -> list[tuple[str, Optional[str]]]:
    """Split `text` into pieces, each (piece, key or None): occurrences of the terms (term, key),
    longest first, leftmost, non-overlapping. Keys are the caller's (e.g. node ids)."""
    ordered = sorted({t for t in terms if t[0]}, key=lambda t: (-len(t[0]), t[0]))
    taken: list[tuple[int, int, str]] = []
    for term, key in ordered:
        start = 0
        while True:
            i = text.find(term, start)
            if i < 0:
                break
            j = i + len(term)
            if all(j <= a or i >= b for a, b, _ in taken):
                taken.append((i, j, key))
            start = i + 1
    taken.sort()
    out: list[tuple[str, Optional[str]]] = []
    pos = 0
    for a, b, key in taken:
        if a > pos:
            out.append((text[pos:a], None))
        out.append((text[a:b], key))
        pos = b
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def mark_lines(lines: list[str], terms: Iterable[tuple[str, str]]) -> list[list[tuple[str, Optional[str]]]]:
    """`mark_spans` over consecutive lines read as one text, so a name the printer broke across
    two lines (生态环境\\n部) is found; each line gets its own pieces (such a name in two, same key)."""
    joined = "".join(lines)
    bounds, pos = [], 0
    for line in lines:
        bounds.append((pos, pos + len(line)))
        pos += len(line)
    out: list[list[tuple[str, Optional[str]]]] = [[] for _ in lines]
    at, row = 0, 0
    for piece, key in mark_spans(joined, terms):
        end = at + len(piece)
        while at < end:
            while row < len(lines) - 1 and at >= bounds[row][1]:
                row += 1
            cut = min(end, bounds[row][1]) if bounds[row][1] > at else end
            out[row].append((joined[at:cut], key))
            at = cut
    return out
