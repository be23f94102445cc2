"""The dated event lines under a regulation's title: promulgation, revisions, effective date.

The national database of laws and regulations (国家法律法规数据库) prints a regulation as its
title, then one line per event of its history, then the articles:

    互联网上网服务营业场所管理条例
    2002年9月29日 中华人民共和国国务院令第363号公布
    2011年1月8日 《国务院关于废止和修改部分行政法规的决定》第一次修订
    2022年3月29日 《国务院关于修改和废止部分行政法规的决定》第四次修订
    第一章 总则

Other forms of the same lines are read too: `…发布`, `…国务院批准 …发布`, `…第…次会议通过`,
`自…起施行`, an amendment by a 令 (`根据2012年9月12日公安部令第124号修正`), a whole text
promulgated again by a new 令 (`2020年12月28日国务院令第734号修订`), several events on one line,
and the same sequence printed in one bracketed 题注 line. `find_events` returns one `HeaderEvent`
per event (a revision by a State Council omnibus decision also gets that decision's 令, from
extract/data/state_council_decisions.json); `header_facts` turns them into the document's 文号
(the 令 that promulgated the text printed, 中华人民共和国 dropped), date (that 公布/发布 date),
issuer, type (国务院令 → 行政法规, another body's 令 → 部门规章, 主席令 or a 全国人大 vote → 法律) and
the date of the version printed (its latest revision). Pure functions; the writer turns revisions
into AMENDS edges.

Known limits: what each 决定 changed is not read; a 部令 `…令第N号修订` without 根据 or a 决定's
title is taken for a new text rather than an amendment.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.numerals import chinese_int

DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")

#: one event: a date, what happened and by what (a 令 number, a 决定's title, a meeting), the verb
_EVENT = re.compile(
    r"(?:根据|自)?" + DATE.pattern +
    r"(?P<body>[^。；]{0,80}?)"
    r"(?P<verb>第(?P<ord>[一二三四五六七八九十]+)次(?:修订|修正)|(?:修订|修正)通过|修订|修正|公布|发布|通过|批准|起施行)")
_LING = re.compile(r"(?:中华人民共和国)?(?P<decree>(?P<issuer>[\u4e00-\u9fff]{1,20}?)令(?:[〔\[]\d{4}[〕\]]|\d{4}年)?第\d{1,4}号)")
_TITLE = re.compile(r"《(?P<title>[^《》]+)》")
_LEGISLATURE = re.compile(r"全国人民代表大会|全国人大")
#: a whole line made of events (spaces and brackets aside)
_EVENT_LINE = re.compile(r"^[（(]?(?:(?:根据|自)?" + DATE.pattern + r"[^。；]{0,80}?"
                         r"(?:第[一二三四五六七八九十]+次(?:修订|修正)|(?:修订|修正)通过|修订|修正|公布|发布|通过|批准|"
                         r"起施行))+[）)]?$")
DECISIONS_PATH = Path(__file__).with_name("data") / "state_council_decisions.json"
#: the 令 of the head of state promulgates laws
_HEAD_OF_STATE = "主席"


@dataclass(frozen=True)
class HeaderEvent:
    """One dated event of a text's history, as printed."""

    date: str  # ISO
    kind: str  # promulgated | repromulgated | revised | adopted | approved | effective
    line: int  # index of the line it is printed on (into the line list given to `find_events`)
    text: str  # the event as printed
    decree: str | None = None  # 国务院令第363号 (中华人民共和国 dropped)
    issuer: str | None = None  # the body whose 令 it is (国务院, 公安部), or that 发布 it
    by_title: str | None = None  # the amending 决定 of a revision
    ordinal: int | None = None  # 第N次修订 → N


def is_event_line(text: str) -> bool:
    """Whether a (space-free) line consists of dated history events only."""
    return bool(_EVENT_LINE.match(text))


def find_events(lines: list[str], start: int = 0) -> list[HeaderEvent]:
    """Events of the run of event lines beginning at `lines[start]` (stops at the first other line)."""
    out: list[HeaderEvent] = []
    k = start
    while k < len(lines) and is_event_line(lines[k]):
        out.extend(_events_of(lines[k], k))
        k += 1
    return out


def _events_of(text: str, line: int) -> list[HeaderEvent]:
    out = []
    for m in _EVENT.finditer(text):
        iso = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
        body, verb = m["body"], m["verb"]
        ling = _LING.search(body)
        title = _TITLE.search(body)
        decree = ling["decree"].replace("[", "〔").replace("]", "〕") if ling else None
        if decree is None and title:
            decree = omnibus_decision(iso, title["title"])
        issuer = ling["issuer"] if ling else _issuer_of(body)
        if ling and not title and "修订" in verb and not m.group(0).startswith("根据"):
            kind = "repromulgated"  # 2020年12月28日国务院令第734号修订: the whole text again, under a new 令
        elif m["ord"] or verb.startswith(("修订", "修正")) and not verb.endswith("通过"):
            kind = "revised"
        elif verb in ("公布", "发布"):
            kind = "promulgated"
        elif verb == "起施行":
            kind = "effective"
        elif verb == "批准":
            kind = "approved"
        else:
            kind = "revised" if verb.endswith("通过") and verb != "通过" else "adopted"
        out.append(HeaderEvent(iso, kind, line, m.group(0), decree=decree, issuer=issuer,
                               by_title=title["title"] if title else None,
                               ordinal=chinese_int(m["ord"]) if m["ord"] else None))
    return out


@lru_cache(maxsize=1)
def _omnibus() -> dict[tuple[str, str], str]:
    with open(DECISIONS_PATH, encoding="utf-8") as fh:
        return {(d["date"], d["title"]): d["doc_number"] for d in json.load(fh)["decisions"]}


def omnibus_decision(date: str, title: str) -> str | None:
    """The 令 of a State Council omnibus revision decision (extract/data/state_council_decisions.json):
    several share one title (国务院关于修改部分行政法规的决定), the date tells which."""
    return _omnibus().get((date, title))


def _issuer_of(body: str) -> str | None:
    """The body named before 发布 without a 令 (`原国家工商行政管理局`), 原 dropped."""
    name = re.sub(r"^(?:原|由)", "", body.strip())
    return name if 2 <= len(name) <= 20 and re.fullmatch(r"[\u4e00-\u9fff]+", name) else None


@dataclass(frozen=True)
class HeaderFacts:
    doc_number: str | None
    date: str | None
    issuer: str | None
    doc_type: str | None
    version_date: str | None  # the latest revision printed, None when never revised
    effective_date: str | None
    own: HeaderEvent | None = None  # the event that promulgated the text printed
    previous: HeaderEvent | None = None  # the one that promulgated the text it replaced (a 修订 by 令)


def header_facts(events: list[HeaderEvent]) -> HeaderFacts:
    """What a text's events say about it: its own 令, date, issuer, type and version. The text is
    the one promulgated last: a comprehensive revision promulgated by a new 令 (国务院令第734号修订)
    makes a new text, which replaces the one first promulgated (its previous version)."""
    promulgated = [e for e in events if e.kind in ("promulgated", "repromulgated")]
    adopted = [e for e in events if e.kind == "adopted"]
    first = promulgated[-1] if promulgated else None
    previous = promulgated[-2] if len(promulgated) > 1 else None
    revisions = [e for e in events if e.kind in ("revised", "repromulgated")]
    effective = [e for e in events if e.kind == "effective"]
    doc_type = None
    if first is not None and first.decree:
        issuer = first.decree.split("令")[0]
        doc_type = "法律" if issuer.endswith(_HEAD_OF_STATE) else "行政法规" if issuer == "国务院" else "部门规章"
    elif adopted and any(_LEGISLATURE.search(e.text) for e in adopted):
        doc_type = "法律"
    date = first.date if first is not None else (adopted[0].date if adopted else None)
    return HeaderFacts(
        doc_number=first.decree if first is not None else None,
        date=date,
        # a law's 主席令 names the head of state, not the legislature that adopted it
        issuer=first.issuer if first is not None and first.issuer != _HEAD_OF_STATE else None,
        doc_type=doc_type,
        version_date=max(e.date for e in revisions) if revisions else None,
        effective_date=effective[0].date if effective else None,
        own=first,
        previous=previous,
    )
