"""Split a cleaned file into documents and read each document's header.

Compilations print documents one after another with no separator. A document starts at a
title (1–3 lines ending in a genre word: 通知/意见/方案/…) that is confirmed by what follows
or precedes it: its own 文号 line, a 主送 line, a dated issuance line, a 【政策解读】 label, a
Xinhua news wrapper (`中共中央 国务院印发《…》` + dateline), a 国务院令 header, or the end
of the previous document (date line, `（此件公开发布）`). Enclosures printed after a cover
notice (`现将《X》印发给你们` … `X`) are part of the cover notice, not new documents.

Pure functions over `extract.clean.Line` lists; no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.clean import Line, ends_paragraph
from extract.events import DATE, is_event_line
from extract.numerals import chinese_int

GENRE = (r"(?:通知|意见|方案|规划|纲要|办法|规定|条例|细则|指南|指引|公告|通告|批复|函|措施|清单|解读|"
         r"答记者问|决定|计划|要点|规则|目录|导读|纲要（\d{4}[－\-—–]\d{4}年）|规划（\d{4}[－\-—–]\d{4}年）)")
TITLE_END = re.compile(GENRE + r"(?:[（(]\d{4}[－\-—–]\d{4}年?[）)])?(?:[（(](?:试行|暂行|草案|修订|征求意见稿|\d{4}年(?:版|修订)?)[）)])?[》”]?$")
POST = re.compile(r"(?:副?(?:局长|部长|主任|主席|行长|秘书长|司长|总理|书记|会长|署长))")
DOCNO = re.compile(
    r"^[（(]?(?P<no>[^\s，。；：:、“”《》]{1,16}?[〔\[](?:19|20)\d{2}[〕\]]第?\d{1,4}号)(?:[（(](?P<title>[^）)]+)[）)])?[）)]?$")
GONGGAO_NO = re.compile(r"^(?P<no>[^\s，。；：:]{2,24}?公告(?:19|20)\d{2}年第\d{1,4}号)$")
LING_NO = re.compile(r"^第(\d{1,4})号$")
LING_HEADER = re.compile(r"^(?:中华人民共和国)?(?P<issuer>[^\s，。《（]{1,20}?)令(?:[（(《](?P<title>[^）)》]+)[）)》])?$")
DATE_LINE = re.compile(r"^(?P<pre>[^，。；：:《》“”]{0,60}?)" + DATE.pattern + r"$")
PAREN_DATE = re.compile(r"^[（(]" + DATE.pattern + r"(?P<post>[^）)]*)[）)]$")
WEB_DATE = re.compile(r"(?:发布日期[:：]|^|来源[:：][^\d\s]{0,12})(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
CN_DATE = re.compile(r"^(?P<y>[二〇○零一三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$")
LABEL = re.compile(r"^【政策解读】")
WRAPPER = re.compile(
    r"^(?P<iss>(?:中共中央办公厅|国务院办公厅|中共中央|国务院|全国人大常委会|[^《》，。]{2,30}?)"
    r"(?:、|和)?(?:中共中央办公厅|国务院办公厅|中共中央|国务院)?)(?:联合)?(?:印发|发布)(?:了)?《(?P<inner>.+)》$")
NEWS_LINE = re.compile(r"^(?:新华社|发文机关|\d{4}-\d{2}-\d{2}|近日|日前|人民网|中国政府网|来源)")
END_MARKER = re.compile(r"^[（(](?:此件|本文有删减|联系|代章)|^特此(?:公告|通知|通告)。?$|\d日印发$")
MARKER_LINE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第.{1,4}[条章节])")
SEPARATOR = re.compile(r"^[-—_=－]{6,}$|^原文及相关解读$")
MAIN_SEND = re.compile(r"[：:]$")
FILE_NAME = re.compile(r"\.(?:docx?|xlsx?|wps|pdf|et|zip)$", re.I)
ENCLOSURE_HINT = re.compile(r"^附件\s*\d*[:：]?$")
ISSUER_SPLIT = re.compile(r"关于|印发|转发|联合印发")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}


@dataclass
class DocHeader:
    """What segmentation learns about one document; indices are into the cleaned line list."""

    start: int  # first line (title or header)
    end: int  # exclusive
    title: str
    title_lines: tuple[int, int]  # [first, last] indices of the title lines
    kind: str  # "document" | "interpretation" | "wrapper" | "decree" | "digest"
    doc_number: str | None = None
    date: str | None = None
    date_kind: str | None = None  # signing | issued | web
    doc_type: str | None = None
    issuers_text: str = ""
    signature_text: str = ""  # the signature block above the signing date
    effective_date: str | None = None
    version_date: str | None = None  # the latest revision printed in the header (a revised text)
    events: list = field(default_factory=list)  # extract.events.HeaderEvent: dated history lines
    notes: list[str] = field(default_factory=list)


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _cn_number(s: str) -> int:
    """二〇二一 → 2021 (a year is read digit by digit), 十二 → 12."""
    if len(s) == 4 and all(c in _CN_DIGIT for c in s):
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    return chinese_int(s)


def parse_date_line(text: str) -> str | None:
    """ISO date of a standalone date line (signature may precede it on the same line)."""
    m = DATE_LINE.match(text)
    if m:
        return _iso(m["y"], m["m"], m["d"])
    m = CN_DATE.match(text)
    if m:
        try:
            return _iso(str(_cn_number(m["y"])), str(_cn_number(m["m"])), str(_cn_number(m["d"])))
        except (KeyError, ValueError):
            return None
    return None


def docno_of(text: str) -> str | None:
    """The 文号 if the whole line is one (`国发〔2021〕4号`, `（人社部发〔2020〕90号）`, 公告 numbers)."""
    m = DOCNO.match(text)
    if m and not re.search(r"[，。；]", m["no"]):
        return m["no"].replace("[", "〔").replace("]", "〕")
    m = GONGGAO_NO.match(text)
    if m:
        return m["no"]
    return None


def looks_like_main_send(text: str) -> bool:
    """主送 line: addressees ending with a colon (各省、自治区、直辖市人民政府，…：)."""
    if not MAIN_SEND.search(text) or "。" in text or len(text) > 120:
        return False
    return bool(re.search(r"^各|人民政府|部门|厅|局|委|单位|银行|公司|机构|总部|：$", text)) and not re.search(
        r"(如下|通知|意见|公告|要求|措施|包括|是|为|指出|明确|强调|提出|规定|问)[:：]$", text)


def _title_candidates(lines: list[Line], i: int, width: int):
    """Joined title texts starting at line i: (last index, text) for 1–3 lines."""
    text = ""
    for j in range(i, min(i + 4, len(lines))):
        t = lines[j].text
        if j > i and (DOCNO.match(t) or LABEL.match(t) or NEWS_LINE.match(t) or looks_like_main_send(t)
                      or parse_date_line(t) or END_MARKER.search(t) or FILE_NAME.search(t)
                      or PAREN_DATE.match(t)):
            break
        if j > i and lines[j].raw[:1] in (" ", "\u3000") and len(lines[j - 1].text) < width * 0.8:
            break  # a leading space after a short line starts a new title
        text += t
        if len(text) > 150 or "。" in text:
            break
        yield j, text
        if t.endswith(("。", "；", "：", ":")):
            break


def _balanced(title: str) -> bool:
    """A title closes every 《 it opens and never closes one it did not open."""
    depth = 0
    for ch in title:
        depth += ch == "《"
        depth -= ch == "》"
        if depth < 0:
            return False
    return depth == 0


def main_send_follows(lines: list[Line], j: int) -> bool:
    """Lines after j form a 主送 block (possibly over several lines) ending with a colon."""
    text = ""
    for k in range(j + 1, min(j + 7, len(lines))):
        text += lines[k].text
        if "。" in text or len(text) > 200:
            return False
        if MAIN_SEND.search(text):
            return looks_like_main_send(text)
        colon = re.search(r"[：:]", text)
        if colon and k > j + 1:  # 主送 glued to the first body sentence: "…住房和城乡建设局：近期，我"
            return looks_like_main_send(text[:colon.end()])
    return False


def _norm_title(s: str) -> str:
    return re.sub(r"[《》〈〉<>﹤﹥“”\"'‘’\s]", "", s)


def _recent_quoted_titles(lines: list[Line], upto: int, start: int) -> set[str]:
    """Titles quoted with 《》 in the current document's text before line `upto`."""
    lo = max(start, upto - 60)
    text = "".join(l.text for l in lines[lo:upto])
    if not re.search(r"印发|转发|制定|发布|公布", text):
        return set()
    return {_norm_title(t) for t in re.findall(r"《([^《》]{4,80})》", text)}


def _is_enclosure(title: str, lines: list[Line], i: int, cur_start: int | None) -> bool:
    if cur_start is None:
        return False
    if i > 0 and ENCLOSURE_HINT.match(lines[i - 1].text):
        return True
    t = _norm_title(title)
    quoted = _recent_quoted_titles(lines, i, cur_start)
    return any(t == q or (len(q) >= 8 and t.endswith(q)) for q in quoted)


def _prev_is_end(lines: list[Line], i: int) -> bool:
    if i == 0:
        return True
    p = lines[i - 1].text
    return bool(parse_date_line(p) or END_MARKER.search(p) or LABEL.match(p) or SEPARATOR.match(p)
                or WEB_DATE.match(p))


def find_document_starts(lines: list[Line], width: int = 30) -> list[DocHeader]:
    """Document starts in order, each with its title and header kind (end filled later)."""
    starts: list[DocHeader] = []
    i = 0
    n = len(lines)
    in_digest = False
    # can a title end on line k? (joined with the previous line's tail: orphans like 通 / 知)
    ends_title = [bool(TITLE_END.search((lines[k - 1].text[-12:] if k else "") + l.text)) or l.text.endswith("》")
                  for k, l in enumerate(lines)]
    while i < n:
        t = lines[i].text
        if SEPARATOR.match(t):
            in_digest = False
            i += 1
            continue
        if in_digest:
            i += 1
            continue
        if t in ("导读", "导 读"):
            starts.append(DocHeader(i, n, "导读", (i, i), "digest", doc_type="导读"))
            in_digest = True
            i += 1
            continue
        if not (ends_title[i] or ends_title[i + 1:i + 4].count(True)) and not _HEADER_START.match(t):
            i += 1  # no title can end within reach: skip the costly candidate search
            continue
        header = _match_start(lines, i, width, starts[-1].start if starts else None)
        if header is not None:
            starts.append(header)
            i = header.title_lines[1] + 1
            continue
        i += 1
    lead = starts[0].start if starts else n
    if lead > 0 and sum(len(l.text) for l in lines[:lead]) >= 40:
        starts.insert(0, _leading_document(lines, lead, width))
    for k, h in enumerate(starts):
        h.end = starts[k + 1].start if k + 1 < len(starts) else n
    return starts


_HEADER_START = re.compile(r"^(?:【政策解读】|(?:中华人民共和国)?[^\s，。《（]{1,20}?令)")


def _leading_document(lines: list[Line], end: int, width: int) -> DocHeader:
    """Text before the first recognised start is a document too (a single-document file whose
    header has no 文号/主送, or an extract): titled by its first line when that line reads as a
    title, else left untitled for the caller to name."""
    first = lines[0].text
    title_like = len(first) <= 60 and not re.search(r"[。；]", first) and not MARKER_LINE.match(first)
    return DocHeader(0, end, first if title_like else "", (0, 0 if title_like else -1), "document")


def _label_or_decree(lines: list[Line], i: int) -> DocHeader | None:
    """A start announced by its first line: a 【政策解读】 label (alone or glued to the title) or a
    令 header (国务院令 / 中国人民银行令〔2021〕第4号（…）)."""
    t = lines[i].text
    if LABEL.match(t):
        rest = LABEL.sub("", t)
        first = i if rest else i + 1
        if first >= len(lines):
            return None
        last, title = _interpretation_title(lines, first, rest if rest else None)
        return DocHeader(first, len(lines), title, (first, last), "interpretation", doc_type="解读")
    m = LING_HEADER.match(t)
    if m and (i + 1 < len(lines) and LING_NO.match(lines[i + 1].text)):
        return DocHeader(i, len(lines), m["title"] or "", (i, i), "decree")
    m = DOCNO.match(t)
    if m and "令" in m["no"] and m["title"]:
        return DocHeader(i, len(lines), m["title"], (i, i), "decree", doc_number=m["no"])
    return None


def _title_score(lines: list[Line], i: int, j: int, title: str, width: int) -> int:
    """How surely lines i..j are a document title, by what follows them (0: not a title).
    5: a 文号; 4: a bracketed date or a 主送 line; 3: a news dateline or 第一章/第一条; 2: a 关于
    title after the previous document's end, or a 解读 title. A line continuing the previous
    paragraph needs a 文号."""
    nxt = lines[j + 1].text if j + 1 < len(lines) else ""
    continuation = (i > 0 and not ends_paragraph(lines[i - 1].text, width)
                    and not SEPARATOR.match(lines[i - 1].text))
    score = 0
    if docno_of(nxt):
        score = 5
    elif PAREN_DATE.match(nxt) or looks_like_main_send(nxt) or main_send_follows(lines, j) or is_event_line(nxt):
        score = 4  # (an event line: the national-database layout, `2002年9月29日 国务院令第363号公布`)
    elif NEWS_LINE.match(nxt) and re.search(r"答记者问|解读|负责人|印发", title):
        score = 3
    elif re.match(r"^第一[章条]", nxt) and not continuation:
        score = 3  # a regulation's title right above its first chapter or article
    elif _prev_is_end(lines, i) and (re.search(r"关于|答记者问|解读|负责人", title)):
        score = 2
    elif re.search(r"(?:答记者问|解读)$", title) and not continuation and len(title) <= 60:
        score = 2
    return 0 if continuation and score < 5 else score


def _match_start(lines: list[Line], i: int, width: int, cur_start: int | None) -> DocHeader | None:
    t = lines[i].text
    announced = _label_or_decree(lines, i)
    if announced is not None or LABEL.match(t):
        return announced
    if (DOCNO.match(t) or looks_like_main_send(t) or parse_date_line(t) or END_MARKER.search(t)
            or FILE_NAME.search(t) or t.endswith(("。", "；", "）", ")")) and not TITLE_END.search(t)):
        return None
    best = None
    for j, title in _title_candidates(lines, i, width):
        nxt = lines[j + 1].text if j + 1 < len(lines) else ""
        # news wrapper: 中共中央办公厅 国务院办公厅印发《…》 + dateline
        w = WRAPPER.match(title)
        standalone = lines[i].raw[:1] in (" ", "\u3000") and (i == 0 or ends_paragraph(lines[i - 1].text, width))
        if w and (NEWS_LINE.match(nxt) or _prev_is_end(lines, i) or standalone):
            kind = "wrapper" if _has_full_text_marker(lines, j + 1, w["inner"]) else "interpretation"
            return DocHeader(i, len(lines), w["inner"] if kind == "wrapper" else title, (i, j), kind,
                             issuers_text=w["iss"], doc_type=None if kind == "wrapper" else "解读")
        if re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．]|第.{1,4}[条章节]|附件|附[:：]|问[:：]|答[:：])",
                    title):
            return None
        if re.match(r"^\d+《", title) or (re.match(r"^《[^《》]+》$", title) and not re.match(r"^第一[章条]", nxt)):
            return None  # a cited title standing alone (table cell, list item), unless the text follows
        if POST.search(title):
            return None
        if not TITLE_END.search(title) or not _balanced(title):
            continue
        if len(lines[i].text) > width * 1.3 and not lines[i].raw.startswith(" "):
            continue
        score = _title_score(lines, i, j, title, width)
        if score == 0:
            continue
        if score < 5 and _is_enclosure(title, lines, i, cur_start):
            return None
        if best is None or score >= best[0]:
            best = (score, j, title)
    if best is None:
        return None
    _, j, title = best
    kind = "interpretation" if re.search(r"答记者问|解读|负责人[就谈]|联合印发《", title) else "document"
    return DocHeader(i, len(lines), title, (i, j), kind, doc_type="解读" if kind == "interpretation" else None)


def _has_full_text_marker(lines: list[Line], j: int, inner: str = "") -> bool:
    """A news wrapper that prints the text it announces: 全文如下 / 主要内容如下, or the announced
    title printed again as a heading (web news with the text as 附件)."""
    text = "".join(l.text for l in lines[j:j + 8])
    if re.search(r"全文如下|主要内容如下|如下。", text):
        return True
    inner = _norm_title(inner)
    for l in lines[j:j + 60]:
        if docno_of(l.text) or looks_like_main_send(l.text):
            return False  # the next document's header came first
        if inner and _norm_title(l.text) == inner:
            return True
    return False


def _interpretation_title(lines: list[Line], first: int, glued: str | None) -> tuple[int, str]:
    """An interpretation's title runs until a dateline, body sentence or Q&A starts."""
    text = glued if glued is not None else lines[first].text
    last = first
    j = first + 1
    while j < len(lines) and j < first + 3:
        t = lines[j].text
        if NEWS_LINE.match(t) or t.startswith(("问：", "答：")) or "。" in text[-1:] or len(text) > 90:
            break
        if TITLE_END.search(text) or text.endswith(("问", "答记者问")):
            break
        if len(t) > 8 and ("。" in t[:-1] or "，" in t[:6]):
            break
        text += t
        last = j
        j += 1
    return last, text
