"""The numbering hierarchy of a document: 第X章 / 第X条 / 一、 / （一） / 1. / （1）.

Items are found on paragraph starts of the line-joined text (see `extract.clean.join_lines`)
and nested with a stack by a fixed rank of marker kinds, which is how Chinese official
documents number their parts (GB/T 9704 practice). An item's text runs to the next item of
any level, so a parent's own text stops where its first child starts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "一二三四五六七八九十百零〇"
MARKERS: list[tuple[str, int, re.Pattern]] = [
    ("chapter", 0, re.compile(rf"^第[{_CN}]+章")),
    ("section", 1, re.compile(rf"^第[{_CN}]+节")),
    ("article", 2, re.compile(rf"^第[{_CN}]+条")),
    ("cn", 3, re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    ("paren_cn", 4, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")),
    ("arabic", 5, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("paren_arabic", 6, re.compile(r"^[（(]\d{1,2}[）)]")),
]


@dataclass
class Item:
    """A numbered item: `start`/`end` are offsets into the text it was parsed from."""

    kind: str
    rank: int
    marker: str  # as printed, normalised: （一） / 1. / 第三条
    start: int
    end: int
    parent: int | None  # index into the item list
    body_start: int  # offset just after the marker

    def text(self, source: str) -> str:
        return source[self.start:self.end].strip("\n")


def normalize_marker(marker: str) -> str:
    m = marker.replace("(", "（").replace(")", "）").replace("．", ".")
    return m[:-1] + "." if m.endswith("、") and m[:-1].isdigit() else m


def parse_outline(text: str) -> list[Item]:
    """Numbered items of a line-joined text, in order, with parent links."""
    items: list[Item] = []
    stack: list[int] = []
    pos = 0
    starts: list[tuple[int, str, int, str]] = []
    for para in text.split("\n"):
        for kind, rank, rx in MARKERS:
            m = rx.match(para)
            if m:
                starts.append((pos, kind, rank, m.group(0)))
                break
        pos += len(para) + 1
    for k, (start, kind, rank, marker) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(text)
        while stack and items[stack[-1]].rank >= rank:
            stack.pop()
        parent = stack[-1] if stack else None
        items.append(Item(kind, rank, normalize_marker(marker), start, max(start, end), parent,
                          start + len(marker)))
        stack.append(len(items) - 1)
    return items


def first_sentence(text: str) -> str:
    """A measure's heading: its first sentence, without the marker — or its first paragraph when that
    ends sooner (a heading printed as its own paragraph: `（二）加强金融服务` then the task text)."""
    m = re.search(r"[。；！？\n]", text)
    return (text[:m.start()] if m else text).strip()
