"""Time limits of measures: `2025年底前` → 2025-12-31, `到2022年` → 2022, `长期坚持` → (None, 长期坚持).

`find_deadline(text)` returns `(deadline, deadline_text)`: `deadline` is an ISO date
(YYYY-MM-DD) when a day can be derived (年底/年末 → 12-31, M月底 → last day of M, 上半年 → 06-30,
第N季度 → end of quarter, M月D日前 → that day, M月前 → the day before M begins), a year
(YYYY) for `到/至/在YYYY年`, `YYYY年前`, `“十四五”期间/末` (→ 2025) — and None for open-ended
terms (`长期坚持`, `持续推进`, `常态化`), which still give `deadline_text`. The first time limit in
the text wins (a measure's own deadline usually comes first; later ones are milestones).

Not handled: relative terms without a year (`年内`, `3个月内`, `今年底前` — no reference date
is known here; they are returned as deadline_text with deadline None), ranges (`2021—2023年` →
the end year only when introduced by 到/至), Chinese-numeral months.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Sequence

_CN_DIGIT = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
             "七": "7", "八": "8", "九": "9"}
_FIVE_YEAR = {"十三五": 2020, "十四五": 2025, "十五五": 2030}

_Y = r"(?P<y>(?:19|20)\d{2})\s*年"
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("day", re.compile(_Y + r"\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?:以?前|之前|止)")),
    ("month_end", re.compile(_Y + r"\s*(?P<m>\d{1,2})\s*月(?:底|末)(?:以?前|之前)?")),
    ("month_before", re.compile(_Y + r"\s*(?P<m>\d{1,2})\s*月(?:以?前|之前)")),
    ("half", re.compile(_Y + r"\s*(?P<h>上|下)半年(?:以?前|之前|底前)?")),
    ("quarter", re.compile(_Y + r"\s*(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:以?前|之前)?")),
    ("year_end", re.compile(_Y + r"\s*(?:年)?(?:底|末)(?:以?前|之前)?")),
    ("year_before", re.compile(_Y + r"(?:以?前|之前)")),
    ("year_goal", re.compile(r"(?:到|至|在|截至)\s*" + _Y)),
    ("five_year", re.compile(r"“?(?P<p>十[三四五]五)”?(?:时期|期间|末|期末)")),
]
_OPEN = re.compile(r"长期坚持|长期推进|长期实施|持续推进|持续实施|持续开展|常态化|长期")
_RELATIVE = re.compile(r"(?:年内|今年底前|今年年底前|年底前|\d+\s*个月内|\d+\s*个?工作日内|\d+\s*日内)")


def _cn_year(text: str) -> str:
    """二〇二五年 → 2025年 (so the patterns see Arabic digits)."""
    return re.sub(r"[二〇○零一三四五六七八九]{4}(?=年)",
                  lambda m: "".join(_CN_DIGIT.get(c, c) for c in m.group(0)), text)


def find_deadline(text: str) -> tuple[str | None, str | None]:
    """The first time limit of `text` as (ISO date or year, the words printed)."""
    if not text:
        return None, None
    t = _cn_year(text)
    best = None
    for rank, (kind, rx) in enumerate(_PATTERNS):
        m = rx.search(t)
        if not m:
            continue
        # position of the year itself (到2025年底: 年底 is more specific than 到…年), then specificity
        key = (m.start("y") if "y" in rx.groupindex else m.start(), rank)
        if best is None or key < best[0]:
            best = (key, kind, m)
    if best is not None:
        _, kind, m = best
        return _value(kind, m), re.sub(r"\s+", "", text[m.start():m.end()])  # same length as t
    m = _OPEN.search(t)
    if m:
        return None, m.group(0)
    m = _RELATIVE.search(t)
    if m:
        return None, re.sub(r"\s+", "", m.group(0))
    return None, None


def _value(kind: str, m: re.Match) -> str | None:
    if kind == "five_year":
        return str(_FIVE_YEAR[m.group("p")])
    y = int(m.group("y"))
    if kind == "day":
        return _safe_date(y, int(m.group("m")), int(m.group("d")))
    if kind == "month_end":
        mo = int(m.group("m"))
        return _safe_date(y, mo, calendar.monthrange(y, mo)[1]) if 1 <= mo <= 12 else str(y)
    if kind == "month_before":
        mo = int(m.group("m"))
        if not 1 <= mo <= 12:
            return str(y)
        return (_dt.date(y, mo, 1) - _dt.timedelta(days=1)).isoformat()
    if kind == "half":
        return f"{y}-06-30" if m.group("h") == "上" else f"{y}-12-31"
    if kind == "quarter":
        q = "一二三四".find(m.group("q")) + 1 if m.group("q") in "一二三四" else int(m.group("q"))
        mo = q * 3
        return _safe_date(y, mo, calendar.monthrange(y, mo)[1])
    if kind == "year_end":
        return f"{y}-12-31"
    return str(y)


def _safe_date(y: int, mo: int, d: int) -> str | None:
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        return str(y)


@dataclass(frozen=True)
class DeadlineHit:
    """The time limit of `measures[measure]` (both None when none is printed); offsets of the measure."""

    measure: int
    deadline: str | None
    deadline_text: str | None
    start: int
    end: int


def find_deadlines(measures: Sequence) -> list[DeadlineHit]:
    """One hit per measure (`extract.measures.MeasureSpan`), in order."""
    return [DeadlineHit(k, *find_deadline(m.text or ""), m.start, m.end) for k, m in enumerate(measures)]
