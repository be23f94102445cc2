"""Read a document's metadata: title, 文号, dates, type, issuers.

Conventions (shared/eval/README.md): `date` is the signing date (成文日期), falling back to a
dated issuance line and then to a web 发布日期; `doc_type` maps genre words (公告→通告,
指南→指引, 纲要→规划) and types 国务院令 texts as 行政法规, other 令 as 部门规章,
interpretations/news items as 解读, and a heading that names an enclosure over only the cover
letter handing it over as 通知. Only the 文号 printed right under the title (or in the
令/公告 header) is the document's own; numbers cited in the body are citations.
"""
from __future__ import annotations

import re
from dataclasses import replace

from extract.clean import Line, ends_paragraph
from extract.events import find_events, header_facts
from extract.segment import (DATE, DocHeader, LING_HEADER, LING_NO, PAREN_DATE, WEB_DATE, docno_of,
                             parse_date_line)

_GENRE_TYPE = [
    (r"(?:答记者问|解读|问答)$", "解读"),
    (r"导读$", "导读"),
    (r"通知$", "通知"),
    (r"(?:指导)?意见$", "意见"),
    (r"(?:规划|纲要)(?:[（(]\d{4}[－\-—–]\d{4}年?[）)])?$", "规划"),
    (r"(?:方案|计划)(?:[（(]\d{4}[－\-—–]\d{4}年?[）)])?$", "方案"),
    (r"办法$", "办法"),
    (r"细则$", "细则"),
    (r"(?:指南|指引)$", "指引"),
    (r"清单$", "清单"),
    (r"批复$", "批复"),
    (r"决定$", "决定"),
    (r"(?:公告|通告)$", "通告"),
    (r"函$", "函"),
    (r"条例$", "行政法规"),
    (r"规定$", "部门规章"),
    (r"法$", "法律"),
]
_EFFECTIVE = re.compile(r"自" + DATE.pattern + r"起(?:施行|实施|执行|生效)")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:发布|印发|公布|发文)之日起(?:施行|实施|执行|生效)")
_ISSUER_PREFIX = re.compile(r"^(?P<iss>.+?)(?:关于|印发|转发|联合印发)")
#: the sentence of a cover letter that hands an enclosure over (现将《…》印发给你们 / 现印发你们 / 现予印发)
_COVER_SENTENCE = re.compile(r"(?:现将.{0,80}?|现)印发(?:给)?你(?:们|单位)|现予印发")
#: at most this many lines after that sentence (closing request, signature, date) when only the
#: cover letter is printed
_COVER_TAIL = 8


def doc_type_of(title: str) -> str:
    """Genre of a title by its last genre word (after dropping a closing 》 or quote)."""
    t = re.sub(r"[》”\s]+$", "", title)
    t = re.sub(r"[（(](?:试行|暂行|草案|修订|征求意见稿|\d{4}年(?:版|修订)?)[）)]$", "", t)
    for pattern, typ in _GENRE_TYPE:
        if re.search(pattern, t):
            return typ
    return "其他"


def format_title(lines: list[Line]) -> str:
    """Title as printed, line breaks removed; spaces kept only between CJK words of 2+ chars."""
    raw = "".join(l.raw.strip() for l in lines)
    raw = re.sub(r"^【政策解读】\s*", "", raw)
    raw = re.sub(r"^《([^《》]+)》$", r"\1", raw.strip())  # a reprinted regulation titled in 《》
    raw = re.sub(r"[ \u3000]+", " ", raw)
    raw = re.sub(r"(?<=[\d\w（(《“”）)》])\s+(?=\d)|(?<=\d)\s+", "", raw)
    # letter-spaced words ("交 通 运 输 部"): drop spaces between single CJK characters
    raw = re.sub(r"(?:(?<=\s)|^)(?:[\u4e00-\u9fff] ){2,}[\u4e00-\u9fff](?=\s|$)",
                 lambda m: m.group(0).replace(" ", ""), raw)
    return raw.strip()


def _date_lines(lines: list[Line], width: int) -> list[tuple[int, str]]:
    """Standalone date lines (signature may precede the date on the same line)."""
    out = []
    for k, l in enumerate(lines):
        iso = parse_date_line(l.text)
        if not iso:
            continue
        prefix = DATE.split(l.text)[0] if DATE.search(l.text) else ""
        prev_ends = k == 0 or ends_paragraph(lines[k - 1].text, width)
        if prefix and (len(prefix) > 40 or not prev_ends):
            continue
        out.append((k, iso))
    return out


def describe(lines: list[Line], h: DocHeader, width: int) -> DocHeader:
    """Fill number, date, type, issuers and effective date of header `h` from its lines."""
    doc = lines[h.start:h.end]
    title_lines = lines[h.title_lines[0]:h.title_lines[1] + 1]
    after = lines[h.title_lines[1] + 1:h.end]
    if h.kind == "decree":
        _describe_decree(lines, h, width)
    elif h.kind in ("document",):
        if not h.title or h.title == "".join(l.text for l in title_lines):
            h.title = format_title(title_lines)
        for l in after[:3]:
            no = docno_of(l.text)
            if no:
                h.doc_number = no
                break
        h.doc_type = h.doc_type or doc_type_of(h.title)
        if h.doc_type != "通知" and _only_cover_letter(after, width):
            h.doc_type = "通知"
        _read_events(h, after)
    elif h.kind == "wrapper":
        h.doc_type = doc_type_of(h.title)
    elif h.kind == "interpretation":
        h.title = format_title(title_lines) if h.title == "".join(l.text for l in title_lines) else h.title
        h.doc_type = "解读"
    elif h.kind == "digest":
        h.doc_type = "导读"
    if h.kind in ("document", "wrapper", "decree") and not h.date:
        h.date, h.date_kind = _find_date(doc, after, h, width)
    if h.kind == "document":
        h.signature_text = _signature_text(doc, width)
    if h.kind in ("document", "decree"):
        h.issuers_text = h.issuers_text or _issuer_text(h.title)
    h.effective_date = h.effective_date or _effective_date(doc, h.date)
    return h


def _read_events(h: DocHeader, after: list[Line]) -> None:
    """The national-database layout: dated event lines right under the title (extract.events)
    give the 文号, date, issuer and type; a header without them keeps what the title says."""
    events = find_events([l.text for l in after[:12]])
    if not events:
        return
    offset = h.title_lines[1] + 1
    h.events = [replace(e, line=e.line + offset) for e in events]
    facts = header_facts(events)
    h.doc_number = h.doc_number or facts.doc_number
    h.date, h.date_kind = (facts.date, "issued") if facts.date else (h.date, h.date_kind)
    h.issuers_text = h.issuers_text or facts.issuer or ""
    h.doc_type = facts.doc_type or h.doc_type
    h.version_date = facts.version_date
    h.effective_date = facts.effective_date


def _only_cover_letter(body: list[Line], width: int) -> bool:
    """A heading that names the enclosure (社会资本投资农业农村指引) over a printed text that is only
    the cover letter handing it over, the enclosure itself not printed: the document is that
    letter, a 通知 (shared/eval convention). True when a cover sentence is followed by no more
    than a closing request, the signature and the date."""
    texts = [l.text.strip() for l in body if l.text.strip()]
    for k in range(len(texts)):
        # the sentence may break across two lines (印发给你 / 们)
        if _COVER_SENTENCE.search(texts[k] + (texts[k + 1] if k + 1 < len(texts) else "")):
            return len(texts) - (k + 1) <= _COVER_TAIL
    return False


def _describe_decree(lines: list[Line], h: DocHeader, width: int) -> None:
    head = lines[h.start:min(h.end, h.start + 12)]
    m = LING_HEADER.match(head[0].text)
    if not h.doc_number and m and len(head) > 1 and LING_NO.match(head[1].text):
        h.doc_number = f"{m['issuer']}令{head[1].text}"
    if not h.title:
        text = "".join(l.text for l in head[1:6])
        q = re.search(r"《([^《》]+)》", text)
        h.title = q.group(1) if q else ""
    issuer = h.doc_number.split("令")[0] if h.doc_number else ""
    h.issuers_text = issuer
    h.doc_type = "行政法规" if issuer in ("国务院", "") else "部门规章"
    for l in head[1:]:
        iso = parse_date_line(l.text)
        if iso:
            h.date, h.date_kind = iso, "signing"
            break


def _find_date(doc: list[Line], after: list[Line], h: DocHeader, width: int) -> tuple[str | None, str | None]:
    for l in after[:4]:
        m = PAREN_DATE.match(l.text)
        if m:
            return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}", "issued"
    if h.kind != "wrapper":
        found = _date_lines(doc, width)
        if found:
            return found[0][1], "signing"
    for l in doc[:8]:
        m = WEB_DATE.search(l.text)
        if m:
            return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}", "web"
    return None, None


def _signature_text(doc: list[Line], width: int) -> str:
    """Short lines right above the first signing date (and before it on the date line)."""
    found = _date_lines(doc, width)
    if not found:
        return ""
    k = found[0][0]
    parts = [DATE.split(doc[k].text)[0]] if DATE.search(doc[k].text) else []
    j = k - 1
    while j > 0 and len(parts) < 25 and len(doc[j].text) <= 30 and not doc[j].text.endswith(("。", "：", "；")):
        parts.insert(0, doc[j].text)
        j -= 1
    return "".join(parts)


def _issuer_text(title: str) -> str:
    m = _ISSUER_PREFIX.match(re.sub(r"\s", "", title))
    return m.group("iss") if m else ""


def _effective_date(doc: list[Line], date: str | None) -> str | None:
    text = "".join(l.text for l in doc)
    m = _EFFECTIVE.search(text)
    if m:
        return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    if _EFFECTIVE_ON_ISSUE.search(text):
        return date
    return None


def resolve_nested(lines: list[Line], headers: list[DocHeader], width: int) -> None:
    """Give back a parent its signature when an attachment printed a whole document inside it.

    Pattern (e.g. a 2021 notice whose 附件3 reprints a 2017 notice in full): the parent has no
    date of its own, it lists attachments, and the nested document ends with a second
    signature/date block — the parent's. That date is the parent's, and the nested document
    ends before that block.
    """
    for a, b in zip(headers, headers[1:]):
        if a.date or a.kind != "document" or b.kind != "document":
            continue
        if not any(l.text.startswith("附件") for l in lines[a.start:a.end]):
            continue
        dates = _date_lines(lines[b.start:b.end], width)
        if len(dates) < 2:
            continue
        k, iso = dates[-1]
        if k < (b.end - b.start) - 3:
            continue
        a.date, a.date_kind = iso, "signing"
        sig = b.start + k
        while sig - 1 > b.start and len(lines[sig - 1].text) <= 20 and not lines[sig - 1].text.endswith("。"):
            sig -= 1
        b.end = sig
        a.notes.append(f"signature and date after the nested document at line {lines[b.start].no}")


#: a date in an info table: 2025年01月08日, 2025-01-08, 2025/01/08
_TABLE_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})[年\-/.](?P<m>\d{1,2})[月\-/.](?P<d>\d{1,2})")


def apply_page_metadata(headers: list[DocHeader], meta: dict[str, str]) -> None:
    """A web page's info table (extract.webpage: 标题, 发文机关, 发文字号, 成文日期, 公文种类) is the
    metadata of the page's document — the one of that title, else the first document. The table's
    title, 文号 and 成文日期 win over what segmentation read from the body (a body may print the
    title over several lines or not at all); 发文机关 names every issuer (a title says 等9部门);
    the type comes from the title, 公文种类 only when the title names no genre; 发布日期 stands in
    for a missing 成文日期."""
    docs = [h for h in headers if h.kind == "document"]
    if not meta or not docs:
        return
    title = re.sub(r"\s+", "", meta.get("标题", ""))
    h = next((d for d in docs if title and re.sub(r"\s+", "", d.title) == title), docs[0])
    if title:
        h.title = meta["标题"].strip()
        if h.doc_type in (None, "其他"):  # a type read from the body (a cover letter's 通知) stands
            h.doc_type = doc_type_of(h.title)
    number = re.sub(r"\s+", "", meta.get("发文字号", ""))
    if docno_of(number):
        h.doc_number = docno_of(number)
    for label, kind in (("成文日期", "signing"), ("发布日期", "web")):
        m = _TABLE_DATE.search(re.sub(r"\s+", "", meta.get(label, "")))
        if m:
            h.date, h.date_kind = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}", kind
            break
    if meta.get("发文机关"):
        h.issuers_text = meta["发文机关"]
    if h.doc_type in (None, "其他") and meta.get("公文种类"):
        h.doc_type = doc_type_of(meta["公文种类"].strip())
