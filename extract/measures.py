"""Measures: numbered task items of a policy document, with who leads and supports them.

A measure is a numbered item (（十六） or 3．) of a policy text. When one item holds several
sentences each closed by its own assignment parenthetical, each sentence group is its own
measure (the convention of shared/eval/README.md), so the span of a measure runs from the
item start (or the end of the previous parenthetical) to the end of its parenthetical.
Articles of regulations (第X条) and the enumerations inside them are provisions, not
measures; they are the obligations detector's input.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extract.agencies import Gazetteer
from extract.outline import Item, first_sentence, parse_outline
from extract.responsibility import Assignment, find_assignments

MEASURE_KINDS = {"cn", "paren_cn", "arabic", "paren_arabic"}


@dataclass
class MeasureSpan:
    """A measure found in a joined text: offsets, its outline item and its assignment."""

    start: int
    end: int
    item_index: int  # index into the outline items
    measure_no: str
    heading: str
    text: str
    assignment: Assignment | None
    part: int = 1  # 1-based index when one item is split by several parentheticals
    parent_item: int | None = None
    children: list[int] = field(default_factory=list)


def _under_article(items: list[Item], k: int) -> bool:
    p = items[k].parent
    while p is not None:
        if items[p].kind == "article":
            return True
        p = items[p].parent
    return False


def find_measures(text: str, gaz: Gazetteer) -> tuple[list[Item], list[MeasureSpan]]:
    """Outline items of `text` and the measures they hold (one per assignment)."""
    items = parse_outline(text)
    measures: list[MeasureSpan] = []
    for k, item in enumerate(items):
        if item.kind not in MEASURE_KINDS or _under_article(items, k):
            continue
        body = text[item.start:item.end]
        assignments = find_assignments(body, gaz)
        if not assignments:
            t = body.strip("\n")
            measures.append(MeasureSpan(item.start, item.start + len(t), k, item.marker,
                                        first_sentence(text[item.body_start:item.start + len(t)]), t, None,
                                        parent_item=item.parent))
            continue
        seg_start = item.start
        for n, a in enumerate(assignments, start=1):
            seg_end = item.start + a.end
            seg_text = text[seg_start:seg_end].strip("\n")
            body_from = item.body_start if n == 1 else seg_start
            heading = first_sentence(text[body_from:seg_end].lstrip("\n"))
            if heading.startswith("（") and heading == a.raw:
                heading = ""
            measures.append(MeasureSpan(seg_start, seg_end, k, item.marker, heading, seg_text, a, part=n,
                                        parent_item=item.parent))
            seg_start = seg_end
            while seg_start < item.end and text[seg_start] in "\n。；":
                seg_start += 1
    return items, measures
