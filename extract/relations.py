"""Relations between documents: supersession/amendment statements and citations.

`find_supersessions(text)` reads the line-joined text of one document (spaces removed, see
`extract.clean.join_lines`) and returns one `Supersession` per older text that the document
says is repealed, partly repealed, replaced or amended:

* repeals: `《X》（文号）…同时废止`, `…废止`, `予以废止`, `停止执行`, `不再执行` with the older texts
  printed before the trigger (or right after it: `同时废止《X》`); a statement naming five texts
  gives five records. `《X》（文号）第一条同时废止` / `…中…的规定废止` → partially_repeals with
  the part.
* replaces: `本办法代替/替代/取代《X》`, and precedence clauses naming a specific older text
  (`《X》第二十四条等规定与本通知不一致的，以本通知为准` → partially_repeals, part 第二十四条等规定).
* amends: the 令 header `《X》已经…修订通过` / `修正通过` (the previous version of X; its 文号
  comes from the 题注 `（1991年…令第7号发布…）`), the 题注 `根据…《Y决定》第一次修订` (new text
  is Y, not this document), cover notes `修订了《X》` / `对《X》（文号）进行了修订`, and amending
  decisions `将《X》第五条修改为…` / `对《X》作如下修改` / `删去《X》第三条`-style statements.

Not supersession: generic precedence clauses without a named text (`此前有关规定与本通知不一致的，
以本通知为准`), tasks (`及时废止或者修改完善`, `应当及时停止执行`), plans (`加快修订《X》`),
temporary adjustments (`暂时调整实施/适用《X》`), `继续执行《X》`. Statements inside 解读/导读
texts restate another document and are skipped by the caller (`add_relations` is only run on
documents).

`find_citations(text)` returns every 《title》 and 文号 mention (a 文号 printed in brackets right
after a title belongs to that title). The resolver (`DocIndex`, `resolve_references`) maps a
printed title/文号 to an in-corpus Document node by normalised 文号, by normalised title, by
title without issuer prefix (国务院办公厅关于… ≡ 关于…), by the enclosed name of a cover notice
(关于印发《X》的通知 ≡ X) and with/without 中华人民共和国; otherwise the reference stays an
`in_corpus: false` Document node carrying what was printed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.docnumber import norm_docno

# --- 文号 and titles ------------------------------------------------------------------------------
_CN_NUM = "一二三四五六七八九十百零〇"
DOCNO = re.compile(
    r"(?:[\u4e00-\u9fffA-Za-z]{1,14}[〔\[]\s*\d{4}\s*[〕\]]\s*第?\s*\d{1,4}\s*号"  # 国发〔2021〕7号, 中国人民银行令〔2019〕第4号
    r"|\d{4}\s*年[\u4e00-\u9fff]{1,10}第\s*\d{1,4}\s*号令"  # 2000年审计署第1号令
    r"|[\u4e00-\u9fff]{2,20}公告\s*\d{4}\s*年第\s*\d{1,4}\s*号"  # 财政部公告2021年第8号
    r"|[\u4e00-\u9fff]{0,20}令第\s*\d{1,4}\s*号)"  # 国务院令第734号, 中华人民共和国国家工商行政管理局令第7号
)
_DOCNO_ANCHOR = re.compile(r"[〔\[]\s*\d{4}\s*[〕\]]|令第|公告\s*\d{4}|第\s*\d{1,4}\s*号令")


def _find_docnos(text: str) -> list[tuple[int, int, str]]:
    """DOCNO matches, searched only around cheap anchors (〔2021〕, 令第, 公告2021, 号令)."""
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for a in _DOCNO_ANCHOR.finditer(text):
        lo = max(last_end, a.start() - 24, 0)
        for m in DOCNO.finditer(text, lo, min(len(text), a.end() + 16)):
            if m.start() <= a.start() < m.end() and m.start() >= last_end:
                out.append((m.start(), m.end(), m.group(0)))
                last_end = m.end()
                break
    return out


# 《title》 with nested 《》/〈〉/<>/﹤﹥ inside
TITLE = re.compile(r"《((?:[^《》\n]|《[^《》\n]*》){2,120}?)》")
_NO_PAREN = re.compile(r"^[（(]([^（）()]{4,40}?)(?:发布|公布|印发)?[）)]")
_PART = re.compile(rf"^((?:第[{_CN_NUM}]+[条款项章节](?:第[{_CN_NUM}]+[款项])?"
                   rf"(?:[、和及至](?:第[{_CN_NUM}]+[条款项]))*"
                   r"|(?:中|附件\d*)[^，。；《》]{1,40}?(?:的规定|规定|条款|内容|部分))(?:等规定)?)")
_GENRE_END = re.compile(r"(?:法|条例|规定|办法|细则|规则|决定|通知|意见|方案|规划|纲要|指南|指引|公告|通告|批复|"
                        r"函|清单|目录|标准|计划|措施|规范|制度|章程|协定|公约|守则|准则|要点|名录|解释|令)"
                        r"(?:[（(][^（）()]{1,20}[）)])?$")


def clean_title(t: str) -> str:
    """Title as printed, inner brackets kept, line-break spaces dropped."""
    return re.sub(r"\s+", "", t)


@dataclass
class Reference:
    """A printed reference to another text: title in 《》 and/or 文号, with offsets."""

    title: str | None
    doc_number: str | None
    start: int
    end: int
    date: str | None = None  # printed right before it: `2008年5月27日发布的《X》`


@dataclass
class Supersession:
    kind: str  # repeals | partially_repeals | replaces | amends
    old: Reference
    part: str | None
    evidence: str  # the sentence
    start: int  # offsets of the sentence
    end: int
    new_title: str | None = None  # set when the newer text is not the document itself (题注 决定)
    new_doc_number: str | None = None
    previous_version: bool = False  # old is the previous version of the same title (修订)

    @property
    def partial(self) -> bool:
        return self.kind == "partially_repeals"


@dataclass
class Citation:
    title: str | None
    doc_number: str | None
    doc_type: str | None
    start: int
    end: int


# --- reference scanning ----------------------------------------------------------------------------
def _references(text: str, base: int = 0) -> list[Reference]:
    """《title》（文号） and bare 文号 mentions of `text`, in order."""
    refs: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for m in TITLE.finditer(text):
        title = clean_title(m.group(1))
        end = m.end()
        no = None
        pm = _NO_PAREN.match(text[end:])
        if pm:
            dm = DOCNO.search(pm.group(1))
            if dm:
                no = norm_docno(dm.group(0))
                end += pm.end()
        refs.append(Reference(title, no, base + m.start(), base + end))
        taken.append((m.start(), end))
    for m in _find_docnos(text):
        if any(a <= m[0] < b for a, b in taken):
            continue
        refs.append(Reference(None, norm_docno(m[2]), base + m[0], base + m[1]))
    refs.sort(key=lambda r: r.start)
    return refs


def _sentences(text: str):
    pos = 0
    for para in text.split("\n"):
        start = pos
        for m in re.finditer(r"[^。！？]+[。！？]?", para):
            yield m.group(0), start + m.start()
        pos += len(para) + 1


# --- supersession ----------------------------------------------------------------------------------
_REPEAL = re.compile(r"(?:同时|予以|一并|即行|自行)?废止|停止执行|不再执行")
_REPLACE = re.compile(r"本(?:办法|规定|条例|细则|通知|公告|意见|决定|指引|指南|规则|标准)(?:同时)?(?:代替|替代|取代)")
_TASK = re.compile(r"应当|应|要|须|及时|适时|抓紧|加快|推动|研究|清理|组织|督促|开展|依法|按程序|不得|可以|"
                   r"建议|拟|将|逐步|限期|修改完善|或者|或")
_PLAN_REVISE = re.compile(r"(?:加快|推动|研究|适时|启动|抓紧|积极|推进|配合|做好|完成|开展|组织|继续)(?:[^，。；]{0,6})?修(?:订|改|正)")
_TEMPORARY = re.compile(r"暂时调整|暂停实施|暂停适用|继续执行|参照执行")
_PRECEDENCE = re.compile(r"与本(?:通知|公告|办法|规定|意见|决定|细则|条例)(?:内容|规定)?(?:不一致|不符)的?，?以本"
                         r"(?:通知|公告|办法|规定|意见|决定|细则|条例)(?:规定)?为准")
_DECREE_REVISED = re.compile(r"^《([^》]+)》已经.{0,60}?(修订|修正)通过")
_NOTE_ORIGINAL = re.compile(r"^[（(]\d{4}年\d{1,2}月\d{1,2}日(?P<no>[\u4e00-\u9fff]{0,30}?令第\d{1,4}号)(?:发布|公布)")
_NOTE_REVISION = re.compile(r"根据(?:\d{4}年\d{1,2}月\d{1,2}日)?《(?P<t>[^》]+)》第[一二三四五六七八九十]+次(?:修订|修正)")
_DECISION_AMEND = re.compile(r"(?:对|将)《[^》]+》(?:[（(][^）)]*[）)])?(?:第[^，。；《》]{1,16}?)?(?:作如下修改|作出如下修改|"
                             r"修改为|中的[^，。；]{1,20}修改为|删去|删除|增加一[条款项])")
_REVISED_BY_US = re.compile(r"(?:修订了|修改了|修正了)《|对《[^》]+》(?:[（(][^）)]*[）)])?(?:进行了|作了|予以)(?:修订|修改|修正)")


def find_supersessions(text: str) -> list[Supersession]:
    """Repeal / partial repeal / replacement / amendment statements of one document's text."""
    original_no = None
    for sent, _ in _sentences(text):
        nm = _NOTE_ORIGINAL.match(sent)
        if nm:
            original_no = norm_docno(nm.group("no"))
            break
    out: list[Supersession] = []
    seen: set[tuple[str, str | None, str | None, str | None]] = set()
    for sent, s_start in _sentences(text):
        if _TEMPORARY.search(sent) and not _REPEAL.search(sent):
            continue
        found = _amendments(text, sent, s_start, original_no)
        for rec in found if found is not None else _repeals(sent, s_start):
            key = (rec.kind, rec.old.title, rec.old.doc_number, rec.new_title)
            if key not in seen:
                seen.add(key)
                out.append(rec)
    return out


def _amendments(text: str, sent: str, s_start: int, original_no: str | None) -> list[Supersession] | None:
    """Amendment statements of one sentence; None when the sentence is not one (then try repeals)."""
    s_end, evidence = s_start + len(sent), sent.strip()
    # 令 header: 《X》已经…修订通过 — X's previous version, numbered by the 题注 if printed
    dm = _DECREE_REVISED.match(sent)
    if dm:
        old = Reference(clean_title(dm.group(1)), original_no, s_start + 1, s_start + 1 + len(dm.group(1)))
        return [Supersession("amends", old, None, evidence, s_start, s_end, previous_version=True)]
    # 题注: （1991年…令第7号发布 根据2012年…《Y》第一次修订 …修订通过）
    if _NOTE_ORIGINAL.match(sent):
        title = _own_title_before(text, s_start)
        out = [Supersession("amends", Reference(title, original_no, s_start, s_start), None, evidence, s_start, s_end,
                            new_title=clean_title(rm.group("t")), previous_version=True)
               for rm in _NOTE_REVISION.finditer(sent)]
        if re.search(r"(?:修订|修正)通过[）)]?$", sent) and title:
            out.append(Supersession("amends", Reference(title, original_no, s_start, s_start), None, evidence,
                                    s_start, s_end, previous_version=True))
        return out
    # cover note: 我们修订了《X》 / 对《X》（文号）进行了修订
    vm = _REVISED_BY_US.search(sent)
    if vm and not _PLAN_REVISE.search(sent):
        at = vm.start() if vm.group(0).startswith("对") else vm.end() - 1
        return [Supersession("amends", ref, None, evidence, s_start, s_end, previous_version=ref.doc_number is None)
                for ref in _references(sent[at:], s_start + at)[:1]]
    am = _DECISION_AMEND.search(sent)
    if am and not _PLAN_REVISE.search(sent[:am.start()][-8:]):
        return [Supersession("amends", ref, _part_after(sent, ref.end - s_start), evidence, s_start, s_end)
                for ref in _references(sent[am.start():], s_start + am.start())[:1]]
    return None


def _repeals(sent: str, s_start: int) -> list[Supersession]:
    """Precedence clauses naming a text, replacements and repeal statements of one sentence."""
    s_end, evidence = s_start + len(sent), sent.strip()
    pm = _PRECEDENCE.search(sent)
    if pm:
        return [Supersession("partially_repeals" if part else "replaces", ref, part, evidence, s_start, s_end)
                for ref in _references(sent[:pm.start()], s_start)
                for part in [_part_after(sent, ref.end - s_start)]]
    rm = _REPLACE.search(sent)
    if rm:
        return [Supersession("replaces", ref, _part_after(sent, ref.end - s_start), evidence, s_start, s_end)
                for ref in _references(sent[rm.end():], s_start + rm.end())]
    out = []
    for trig in _REPEAL.finditer(sent):
        for ref in _repealed_refs(sent, s_start, trig):
            ref.date = _date_before(sent, ref.start - s_start)
            part = _part_after(sent, ref.end - s_start)
            out.append(Supersession("partially_repeals" if part else "repeals", ref, part, evidence, s_start, s_end))
    return out


def _repealed_refs(sent: str, s_start: int, trig: re.Match) -> list[Reference]:
    """The texts a repeal trigger applies to: the list right before it, or right after it."""
    before = sent[:trig.start()]
    # the repealed texts end right before the trigger (allowing a part and a date clause)
    refs = _references(before, s_start)
    if refs and _TASK.search(sent[refs[-1].end - s_start:trig.start()]):
        refs = []
    if not refs:
        after = _references(sent[trig.end():trig.end() + 200], s_start + trig.end())
        if after and after[0].start - (s_start + trig.end()) <= 1 and not _TASK.search(sent[:trig.start()][-12:]):
            refs = after
    if not refs or _TASK.search(before[-6:]):
        return []
    # only the list of references adjacent to the trigger: stop at a sentence-internal break
    return _adjacent_list(sent, s_start, refs, trig.start())


#: the date-and-issuer clause before a listed text: `1982年8月9日国务院发布的`, `…国务院批准、…发布的`
_ISSUED_CLAUSE = re.compile(r"(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?)?[^，。；《》、]{0,30}?(?:发布|公布|印发|颁布|批准|制定|通过)(?:的)?")
_DATE_BEFORE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日[^，。；《》、]{0,30}?(?:发布|公布|印发|颁布)的$")


def _date_before(sent: str, pos: int) -> str | None:
    """The date of a `<date>…发布的《X》` clause right before a reference."""
    m = _DATE_BEFORE.search(sent[max(0, pos - 40):pos])
    return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}" if m else None


def _adjacent_list(sent: str, s_start: int, refs: list[Reference], trig: int) -> list[Reference]:
    """References forming the list that the trigger applies to (separated by 、/和/及/， and each
    possibly preceded by its date-and-issuer clause)."""
    before = [r for r in refs if r.end - s_start <= trig]
    if not before:
        return refs  # trigger precedes: 同时废止《X》、《Y》
    keep = [before[-1]]
    for r in reversed(before[:-1]):
        gap = sent[r.end - s_start:keep[-1].start - s_start]
        gap = _ISSUED_CLAUSE.sub("", re.sub(r"[（(][^（）()]{0,40}[）)]", "", gap))
        if len(gap) <= 20 and re.fullmatch(r"[、，,和及与以及]*(?:第[^、，]{1,12}?)?[、，,和及与以及]*", gap):
            keep.append(r)
        else:
            break
    return list(reversed(keep))


def _part_after(sent: str, pos: int) -> str | None:
    m = _PART.match(sent[pos:])
    return m.group(1) if m else None


def _own_title_before(text: str, pos: int) -> str | None:
    """The paragraph right before a 题注 is the regulation's own title."""
    head = text[:pos].rstrip("\n")
    last = head.rsplit("\n", 1)[-1]
    return last if last and len(last) <= 60 and not re.search(r"[。；，]", last) else None


# --- citations -------------------------------------------------------------------------------------
_ABBREV = re.compile(r"[（(]以下(?:简称|统称|称)“?《?[^）)]*[）)]")


def find_citations(text: str) -> list[Citation]:
    """Every 《title》 / 文号 mention of a document-like text (laws typed 法律).

    Abbreviations defined in the text (`（以下简称《意见》）`) and their later uses are skipped,
    as are titles that do not end in a genre word (《专精特新》 is a slogan, not a text)."""
    from extract.header import doc_type_of

    abbrevs = {clean_title(m.group(1)) for m in re.finditer(r"以下(?:简称|统称|称)“?《([^》]+)》", text)}
    out: list[Citation] = []
    for ref in _references(text):
        if ref.title is not None:
            if ref.title in abbrevs or len(ref.title) < 4:
                continue
            if not _GENRE_END.search(ref.title) and not ref.doc_number:
                continue
            out.append(Citation(ref.title, ref.doc_number, doc_type_of(strip_brackets(ref.title)), ref.start, ref.end))
        else:
            out.append(Citation(None, ref.doc_number, None, ref.start, ref.end))
    return out


def strip_brackets(title: str) -> str:
    return re.sub(r"[（(][^（）()]*[）)]$", "", title)


# --- resolver --------------------------------------------------------------------------------------
def title_keys(title: str | None) -> list[str]:
    """Comparison keys of a title: as printed, without issuer prefix, enclosed name, without 中华人民共和国."""
    if not title:
        return []
    t = re.sub(r"[\s《》〈〉<>﹤﹥“”\"'‘’]", "", title)
    t = t.replace("(", "（").replace(")", "）")
    keys = [t]
    m = re.search(r"关于", t)
    if m and m.start() > 0:
        keys.append(t[m.start():])
    inner = re.search(r"(?:印发|转发|发布|公布)(.+?)的(?:通知|公告|通告)$", title or "")
    if inner:
        keys.append(re.sub(r"[\s《》〈〉<>﹤﹥“”\"'‘’]", "", inner.group(1)))
    for k in list(keys):
        if k.startswith("中华人民共和国") and len(k) > 9:
            keys.append(k[len("中华人民共和国"):])
    return list(dict.fromkeys(k for k in keys if len(k) >= 4))


# --- one document's relations ----------------------------------------------------------------------
def find_relations(text: str, doc_number: str | None, title: str | None) -> tuple[list[Supersession], list[Citation]]:
    """Supersessions and citations of one document, without the ones naming the document itself
    (its own 文号 or title) and each cited text once."""
    own_no = norm_docno(doc_number)
    own_keys = set(title_keys(title))
    supersessions = [s for s in find_supersessions(text)
                     if not (own_no and norm_docno(s.old.doc_number) == own_no)]
    for s in supersessions:
        # repealing or replacing a text of its own title: that text is an earlier version
        if s.kind != "amends" and not s.new_title and s.old.title and set(title_keys(s.old.title)) & own_keys:
            s.previous_version = True
    citations, seen = [], set()
    for c in find_citations(text):
        if c.doc_number and norm_docno(c.doc_number) == own_no:
            continue
        if c.title and set(title_keys(c.title)) & own_keys:
            continue
        key = (c.title, norm_docno(c.doc_number))
        if key not in seen:
            seen.add(key)
            citations.append(c)
    return supersessions, citations
