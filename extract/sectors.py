"""Which sectors a measure or document concerns: a curated taxonomy with keyword lexicons.

The taxonomy (`extract/data/sectors.json`) has the 20 门类 (sections A–T) of 国民经济行业分类
GB/T 4754-2017, named as in the standard, plus policy domains this corpus is about (中小企业,
营商环境, 外贸, 知识产权, 信息通信, 绿色低碳, 就业, 财税, 标准化与质量, 市场监管与竞争).

How the lexicons were built: by hand, from the 门类 descriptions of the standard (the typical
activities of each section) and from frequent content words of the 2021 seed corpus (titles,
measure headings) that clearly belong to one sector or domain. A keyword may sit in an industry
and a domain at once (5G: 信息传输 and 信息通信) — both are reported.

Scoring: each keyword counts at most 3 times; a keyword's weight grows with its length (longer
terms are more specific: 集成电路 > 工业); a sector's score is the sum over its keywords divided
by a length norm, so short measures and long documents are comparable. Sectors below
`min_score` or with fewer than `min_keywords` distinct keywords are dropped.

What it misses: plain-string matching has no word segmentation, so a short keyword can match
inside a longer word (能源 in 新能源 is intended; 卫生 in 卫生间 is not); no synonyms beyond the
list, no negation (不再支持煤电), no 小类/大类 granularity below the 门类, and sectors named
only through examples (e.g. 冷链 for logistics) are found only when the example is listed.
Abbreviations (发改, 工信) and agency names are deliberately not keywords: an agency acting is not
a sector concerned.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from extract.agencies import trie_pattern

DATA = Path(__file__).with_name("data") / "sectors.json"


@dataclass(frozen=True)
class Sector:
    id: str
    name: str
    kind: str  # industry | domain
    keywords: tuple[str, ...]


@lru_cache(maxsize=1)
def load_sectors(path: str | None = None) -> tuple[Sector, ...]:
    data = json.loads(Path(path or DATA).read_text(encoding="utf-8"))
    return tuple(Sector(s["id"], s["name"], s["kind"], tuple(s["keywords"])) for s in data["sectors"])


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, dict[str, list[Sector]]]:
    by_kw: dict[str, list[Sector]] = {}
    for s in load_sectors():
        for k in s.keywords:
            by_kw.setdefault(k, []).append(s)
    pattern = re.compile(trie_pattern(by_kw))  # longest-first alternation factored as a trie (fast)
    return pattern, by_kw


def blank_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with every (start, end) span replaced by □ of the same length, overlaps included.

    Built in one pass from the pieces between spans: linear in the text, however many mentions
    (rebuilding the whole text per mention was quadratic — 14.7 s at 8 MB, see bench/sectors.py)."""
    pieces: list[str] = []
    done = 0  # text[:done] is in `pieces`
    for start, end in sorted(spans):
        start = max(start, done)
        if end <= start:
            continue
        pieces += [text[done:start], "□" * (end - start)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def classify_sectors(text: str, min_score: float = 0.5, min_keywords: int = 1,
                     top: int | None = None, gaz=None) -> list[tuple[str, float, list[str]]]:
    """(sector id, score, matched keywords) for `text`, best first.

    Keywords are matched longest-first without overlap (低碳 inside 绿色低碳 counts once, for
    绿色低碳). With a gazetteer, agency names are blanked first: 市场监管总局 acting is not the
    sector 市场监管, 农业农村部 is not agriculture."""
    pattern, by_kw = _matcher()
    counts: dict[str, int] = {}
    text = re.sub(r"\s+", "", text)
    if gaz is not None:
        text = blank_spans(text, [(mention.start, mention.end) for mention in gaz.find(text)])
    for m in pattern.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    if not counts:
        return []
    norm = 1.0 + math.log10(1 + len(text) / 200)
    scores: dict[str, float] = {}
    kws: dict[str, list[str]] = {}
    for kw, n in counts.items():
        w = min(n, 3) * (0.5 + 0.25 * min(len(kw), 4))
        for s in by_kw[kw]:
            scores[s.id] = scores.get(s.id, 0.0) + w
            kws.setdefault(s.id, []).append(kw)
    out = []
    for sid, sc in scores.items():
        sc = round(sc / norm, 3)
        if sc >= min_score and len(kws[sid]) >= min_keywords:
            out.append((sid, sc, sorted(kws[sid], key=lambda k: (-counts[k], k))))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out[:top] if top else out


@dataclass(frozen=True)
class SectorHit:
    """A sector a measure (`measure` = its index) or the whole document (`measure` None) concerns;
    offsets of the measure or of the document text."""

    sector_id: str
    score: float
    keywords: tuple[str, ...]
    measure: int | None
    start: int
    end: int


def find_sectors(text: str, measures: Sequence, gaz=None) -> list[SectorHit]:
    """Top 3 sectors per measure (score ≥ 1), then the document's top 5 (score ≥ 3, ≥ 2 keywords)."""
    hits = [SectorHit(sid, score, tuple(kws), k, m.start, m.end)
            for k, m in enumerate(measures)
            for sid, score, kws in classify_sectors(m.text or "", min_score=1.0, top=3, gaz=gaz)]
    hits += [SectorHit(sid, score, tuple(kws[:10]), None, 0, len(text))
             for sid, score, kws in classify_sectors(text, min_score=3.0, min_keywords=2, top=5, gaz=gaz)]
    return hits
