"""Prev / Next over a paged answer: the page number lives in the address (ui.selection), so a page
can be shared and Back returns to the previous one. The search, impact and timeline pages use it."""
from __future__ import annotations

import math
from typing import Any, Callable

import streamlit as st

from ui import selection
from ui.common import tr


#: rows of a page of a long table (the timeline's documents in force and those it cannot place)
TABLE_ROWS = 100
#: documents a picker lists at once (a 100× corpus holds 8,700: the newest, and a filter for the rest)
PICKER_ROWS = 200


def page_number(param: str, total: int, size: int) -> tuple[int, int]:
    """(the page asked for in the address under `param`, kept within 1 … pages; how many pages)."""
    pages = max(1, math.ceil(total / size))
    try:
        return min(max(1, int(selection.get(param) or 1)), pages), pages
    except ValueError:
        return 1, pages


def fetch_page(param: str, size: int, fetch: Callable[[int], dict[str, Any]]) -> tuple[dict[str, Any], int, int]:
    """The page the address asks for under `param` of an answer paged by the database: `fetch(offset)`
    gives {"total", "offset", "rows"}; a page past the end (the answer shrank) is asked again as the
    last one. Returns (the answer, its page number, how many pages)."""
    try:
        number = max(1, int(selection.get(param) or 1))
    except ValueError:
        number = 1
    got = fetch((number - 1) * size)
    pages = max(1, math.ceil(got["total"] / size))
    if number > pages:
        number = pages
        got = fetch((number - 1) * size)
    return got, number, pages


def buttons(param: str, number: int, pages: int) -> None:
    """Previous / "page p of n" / Next, when there is more than one page."""
    if pages <= 1:
        return
    c1, c2, c3 = st.columns([1, 2, 1])
    if c1.button(tr("search_prev"), key=f"{param}_prev", disabled=number <= 1):
        selection.put(**{param: str(number - 1)})
        st.rerun()
    c2.caption(tr("search_page_n", p=number, n=pages))
    if c3.button(tr("search_next"), key=f"{param}_next", disabled=number >= pages):
        selection.put(**{param: str(number + 1)})
        st.rerun()
