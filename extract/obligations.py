"""Deontic clauses of regulations: who must / must not / may do what, under which condition.

Input is the line-joined text of one document (`extract.clean.JoinedText.text`) that has
第X条 articles (行政法规, 部门规章, 办法, 细则, 指引 … also when enclosed in a cover notice).
Output is one `Obligation` per deontic clause, following the gold conventions of
shared/eval/README.md:

* article → paragraphs (a paragraph is a '\\n'-separated block of the article; enumerated
  items （一）… belong to the paragraph that introduces them) → sentences (。) → clauses (；).
* modal words: obligation 应当/应/必须/须/只能/负责, prohibition 不得/禁止/严禁/不准,
  permission 可以/可/有权. One record per modal word, so `应当…，不得…` gives two records and two
  coordinated duties under one 应当 give one. An enumerated list under one modal word
  (`不得有下列情形：（一）…（二）…`) is one record: modal words inside the items are ignored.
* conditions are the comma segments before the modal word that end in 的/时/后/前 (or start
  with 在/对于/除/如/若/当); modal words inside a condition are not obligations.
* the subject is the noun phrase before the modal word as printed (a thing such as 企业名称 when
  the sentence is about a thing), the topic segment when the clause continues with 其… or
  …中, the actor of a condition (`X发现…的，应当…` → X), the agent of 由X, the previous subject of
  the paragraph when the clause has none, or None (`使用企业名称应当…`).
* implicit modality: clauses without a modal word that still bind a named party
  (`不予登记并书面说明理由`, `予以保留`, `将其列入经营异常名录`, `由X以…代替…`, `X由…组成`) and
  penalty clauses (`…的，由X责令改正…处…罚款`, `依照…规定予以处罚`, `给予行政处分`); penalties bind
  the enforcing agency (the 由X) and are flagged `penalty=True`.
* not obligations: purpose clauses (为了…制定本规定), definitions (本规定所称…), 参照执行,
  effective-date articles, 国家鼓励/国家支持 policy statements, permissions without a holder
  (analytical 可以 in 指南: `可以考虑下列因素`).

Known limits: subjects that are possessives (`申请人提交的信息和材料应当…` gives the whole
phrase, not 申请人), coordinated subjects across sentences, modal words in enumerated items
when the introduction has none (the items are not split), and bare 应/可 outside the
lexicons below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.duty_holders import resolve_holders
from extract.numerals import chinese_int
from extract.outline import parse_outline
from extract.parties import classify_party

# --- lexicons ----------------------------------------------------------------------------------
_PROHIBITION = r"不得|禁止|严禁|不准|不应当|不应"
_OBLIGATION = (r"应当|必须|只能|负总责|负全责|(?<![相对适供响反效呼答感顺照回理])应(?![用急收付届聘征试变运力激声验允承诺许对])"
               r"|(?<![必无所])须(?![知])|(?<![由是工自同])负责(?![人的任同]|[^，。；]{1,4}的|[^，。；]{1,20}的(?:部门|机构|单位|机关|人员))")
_PERMISSION = r"可以|有权|(?<![认许不宁])可(?![能行持靠视见控信复推操比用替及分再追量供办查感])"
MODAL = re.compile(rf"(?P<pro>{_PROHIBITION})|(?P<obl>{_OBLIGATION})|(?P<per>{_PERMISSION})")

_PENALTY = re.compile(r"责令|罚款|处分|追究.{0,8}责任|予以处罚|给予处罚|依法处罚|吊销|没收|通报批评|"
                      r"依照.{0,40}(?:规定|法律|法规|法》|条例》|办法》)(?:的规定)?(?:予以)?(?:处理|处罚)")
_IMPLICIT = re.compile(r"不予(?!以)[\u4e00-\u9fff]{2}|予以(?!处罚)[\u4e00-\u9fff]{2}|列入|移出|由.+组成|"
                       r"(?<![的受])主管(?=全国|本行政区域|本辖区|[^，。；]{0,20}工作)|(?:实施|进行)(?:综合)?监督管理")

# nouns that end an actor/thing phrase, and words that start a predicate after it
_HEAD = (r"机关|部门|机构|企业|公司|单位|个人|组织|人民政府|政府|主体|运营者|经营者|(?<!或)者|人|中心|委员会|用户|(?<![场住])所|人员|(?<=[口售应])商|"
         r"平台|银行|名称|字号|办公室|局|部|署|院|会|厅|委")
_VERB = (r"发现|认为|受理|在|对|拟|未|逾期|不按|拒绝|违反|因|依法|依照|按照|根据|将|向|自(?!治|主)|于|已|"
         r"经(?!营|济)|通过|需要|提交|办理|使用|利用|从事|开展|具有|存在|以|为|应(?!急|用)|可|不|负责|主管|统筹|会同|组织|"
         r"指导|监督|制定|建立|做好|落实|加强|接到|收到|作出|决定|审核|认定|自主|责令|给予|处以|处|设立|"
         r"变更|注销|开展|采购|取得|获取|发生|采集|处理|提供|查询|保存|收集|公开|发布|申请|申领|遗失|歇业|知悉|完成")
_NP_END = re.compile(rf"(?:{_HEAD})$")
_ACTOR = re.compile(rf"^(.{{0,40}}?(?:{_HEAD}))(?=(?:{_VERB}))")
_ADVERB_TAIL = re.compile(r"(?:还|也|均|都|亦|仍|同时|一律|则|方|才|即|另行|首先|原则上|一般|应当|依法|"
                          r"及时|按规定|不|并|就|主动|要|具体|主要|统一|分别|共同|无正当理由|事先|必要时)+$")
_PREP_TAIL = re.compile(r"(?<=.{2})(?:原则上|每年|每季度|每月|在|对(?!外)|向|自(?!治)|从|按照|依照|根据|通过|于|经(?!营|济)|将|以(?![上下内外及]))"
                        r".*$")
_VERB_START = re.compile(r"^(?:发现|认为|使用|利用|申请(?!人)|办理|从事|开展|设立|制定|进行|提供|处理|收集|发布|建立|实施|"
                         r"违反|未(?!成年)|按照|依照|根据|对于|对(?!外)|为|在|经(?!营|济)|通过|开展|涉及|需要|属于|有(?!关))")
_COND_END = re.compile(r"(?:(?<!的目)(?<!的原)(?<!的方)(?<!的要)(?<!的规)的|时|后|前|期间|之前|之后|以前|以后|除外)$")
_COND_START = re.compile(r"^(?:在|对于|除|如(?!实)|若|当(?!事人|地)|凡|因|经(?!营|济))")
_NOT_DEONTIC = re.compile(r"^(?:为了?|根据|依据).{0,80}(?:制定本|制定此)|本(?:规定|办法|条例|细则|指南|指引|规则)"
                          r"(?:所称|中的|所指|下列用语)|参照本.{0,4}执行|参照执行|(?:起|之日)(?:施行|实施)|"
                          r"^国家(?:鼓励|支持|推动|引导|建立|实行|加强|依法)|负责解释")
_ANALYTIC_PERMISSION = re.compile(r"^(?:考虑|基于|结合|综合|参考|从|认定|根据|通过|采用|进一步|具体|分析|是|为|包括|视为|"
                                  r"理解为|能|以)")
_AGENCY_SUBJECT = re.compile(r"(?:人民政府|部门|机关|局|厅|署|委员会|办公室|国务院|政府|执法机构|人民法院|以上分支机构|派出机构|"
                             r"登记机关|主管部门|监管部门)$")
_OTHER_SUBJECT = re.compile(r"^(?:其他|任何)?(?:单位|个人|组织|公民|自然人)(?:(?:或者|和|及|、)(?:其他)?"
                            r"(?:单位|个人|组织|公民|自然人))*$")
ENUM = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])")
_CONTINUATION = re.compile(r"^(?:以及|及其|或者|和|等)")
_HEADING = re.compile(r"^[^。；，：,;:]{2,24}$")


@dataclass
class Obligation:
    """One deontic clause; `start`/`end` are offsets into the text given to `find_obligations`."""

    article: str
    paragraph: int
    subject: str | None
    subject_class: str  # agency | regulated_party | other
    modality: str  # obligation | prohibition | permission
    trigger: str
    action: str
    condition: str | None
    penalty: bool
    implicit_modality: bool
    subject_implicit: bool
    text: str  # the sentence
    start: int
    end: int


@dataclass
class _Seg:
    text: str
    start: int  # offset in the full text
    is_cond: bool = False


@dataclass
class _Para:
    article: str
    no: int
    start: int
    end: int
    list_start: int | None = None  # offset where enumerated items begin
    records: list[Obligation] = field(default_factory=list)


# --- splitting -----------------------------------------------------------------------------------
def _split(text: str, start: int, seps: str) -> list[tuple[str, int]]:
    """Split on separator characters outside brackets/quotes; keep offsets; drop the separators."""
    out, depth, cur = [], 0, start
    for k, ch in enumerate(text):
        if ch in "（(“《〈<[【":
            depth += 1
        elif ch in "）)”》〉>]】":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            out.append((text[cur - start:k], cur))
            cur = start + k + 1
    if cur - start < len(text):
        out.append((text[cur - start:], cur))
    return [(t, s) for t, s in out if t.strip()]


def _cn_int(s: str) -> int:
    return chinese_int(s)


def _article_runs(items) -> list[int]:
    """Indices of article items that belong to a regulation: runs 第一条, 第二条, 第三条 … of ≥3.

    Article numbers quoted in tables or lists (第十条 of another regulation in a 目录) are not
    a regulation of this document."""
    keep: list[int] = []
    run: list[int] = []
    expect = 1
    for k, it in enumerate(items):
        if it.kind != "article":
            continue
        n = _cn_int(it.marker[1:-1])
        if n == expect:
            run.append(k)
            expect += 1
            continue
        if len(run) >= 3:
            keep.extend(run)
        run, expect = ([k], 2) if n == 1 else ([], 1)
    if len(run) >= 3:
        keep.extend(run)
    return keep


def _article_paragraphs(text: str) -> list[_Para]:
    items = parse_outline(text)
    # regulations (runs from 第一条); an excerpt without 第一条 is taken as it is
    arts = _article_runs(items) or [k for k, it in enumerate(items) if it.kind == "article"]
    paras: list[_Para] = []
    for n, k in enumerate(arts):
        it = items[k]
        # the article runs to the next chapter/section/article
        nxt = next((items[j].start for j in range(k + 1, len(items)) if items[j].rank <= 2), len(text))
        body = text[it.body_start:nxt]
        pos = it.body_start
        no = 0
        cur: _Para | None = None
        last = n == len(arts) - 1
        for raw in body.split("\n"):
            p_start, p_end = pos, pos + len(raw)
            pos = p_end + 1
            if not raw.strip():
                continue
            if ENUM.match(raw) and cur is not None:
                if cur.list_start is None:
                    cur.list_start = p_start
                cur.end = p_end
                continue
            if re.match(r"^(?:[一二三四五六七八九十]+、|附件|第[一二三四五六七八九十百]+[章节])", raw):
                break
            if no == 0 and _HEADING.match(raw) and not MODAL.search(raw):
                continue  # article heading (第一条 指南的目的和依据)
            if no > 0 and (last or not re.search(r"[。；：]$", raw)):
                # after the last article only sentence paragraphs continue it (no signature/date)
                if not re.search(r"[。；：]$", raw) or len(raw) < 8:
                    break
            no += 1
            cur = _Para(it.marker, no, p_start, p_end)
            paras.append(cur)
    return paras


def _sentences(text: str, para: _Para) -> list[tuple[str, int, int]]:
    """(sentence text, start, end); an enumerated list stays with the sentence introducing it.
    Returns the introduction only for list sentences (end = end of the whole list)."""
    seg = text[para.start:para.end]
    intro_end = para.list_start if para.list_start is not None else para.end
    out = []
    for s, st in _split(text[para.start:intro_end], para.start, "。！？"):
        out.append((s, st, st + len(s)))
    if para.list_start is not None and out:
        s, st, _ = out[-1]
        out[-1] = (s, st, para.end)
    del seg
    return out


# --- subject helpers -------------------------------------------------------------------------
def _strip_defs(s: str) -> str:
    return re.sub(r"[（(]以下(?:简称|统称|称)[^）)]*[）)]", "", s)


def leading_actor(seg: str) -> str | None:
    """`企业登记机关发现…` → 企业登记机关: a noun phrase ending in a head noun before a predicate."""
    seg = _strip_defs(seg)
    m = _ACTOR.match(seg)
    if not m:
        return None
    actor = m.group(1)
    if _VERB_START.match(actor) or len(actor) < 2:
        return None
    return actor


def _clean_subject(pre: str) -> str | None:
    s = _strip_defs(pre).strip("，,、 ")
    s = _ADVERB_TAIL.sub("", s)
    s = _PREP_TAIL.sub("", s)
    s = _ADVERB_TAIL.sub("", s)
    s = re.sub(r"^(?:同时|此外|另外|但|但是|并且|而且|其中|由|且)", "", s)
    return s or None


def _is_condition(seg: str) -> bool:
    if _COND_END.search(seg):
        return True
    return bool(_COND_START.match(seg)) and not MODAL.search(seg)


def split_subjects(subject: str) -> list[str]:
    """财政部、科技部 → [财政部, 科技部]; a single name stays whole."""
    parts = [p for p in re.split(r"、|和(?!信息化)|及(?!其)|或者|以及", subject) if p]
    return parts or [subject]


def subject_class(subject: str | None, gaz=None, penalty: bool = False) -> str:
    if not subject:
        return "agency" if penalty else "regulated_party"
    if _OTHER_SUBJECT.search(subject):
        return "other"
    if _AGENCY_SUBJECT.search(subject):
        return "agency"
    if gaz is not None and all(gaz.resolve(p) is not None or _AGENCY_SUBJECT.search(p)
                               for p in split_subjects(subject)):
        return "agency"
    return "regulated_party"


_AGENT_STOP = (r"依据|依照|按照|根据|责令|给予|处以|处|没收|吊销|撤销|予以|对|在|负责|自主|以|将|统一|会同|通过|作出|决定|"
               r"公告|通知|制定|办理|审核|确定|组织|进行|报|向|及时|依法|提交|报送|审批|批准|承担|实施|开展|指导|"
               r"具体|协调|统筹|商(?!务)|征求|认定|收取|受理|提出|出具|发放|核发|按|从")


def _agent_of_you(clause: str) -> tuple[str | None, int]:
    """`由X责令改正` → (X, offset of 由); 理由/自由/缘由 are not the preposition."""
    m = re.search(r"(?<![理自缘因经事])由(?P<x>[^，。；]{0,40}?(?:" + _HEAD + r"))(?=" + _AGENT_STOP + r")", clause)
    if not m:
        return None, -1
    x = m.group("x")
    if re.match(r"^(?:于|此|其)", x):
        return None, -1
    return x, m.start()


# --- main ------------------------------------------------------------------------------------------
def find_obligations(text: str, gaz=None) -> list[Obligation]:
    """Every deontic clause of the articles in `text` (see module docstring)."""
    out: list[Obligation] = []
    for para in _article_paragraphs(text):
        prev_subject: str | None = None
        for sent, s_start, s_end in _sentences(text, para):
            if _NOT_DEONTIC.search(sent):
                continue
            full_sentence = text[s_start:s_end]
            clauses = _split(sent, s_start, "；;")
            for n, (clause, c_start) in enumerate(clauses):
                c_end = s_end if n == len(clauses) - 1 else c_start + len(clause)
                recs = _clause_records(clause, c_start, c_end, para, full_sentence, gaz, prev_subject)
                for r in recs:
                    if r.subject and not r.subject_implicit and not r.penalty:
                        prev_subject = r.subject
                para.records.extend(recs)
                out.extend(recs)
    return out


def _clause_records(clause: str, c_start: int, end_off: int, para: _Para, sentence: str,
                    gaz, prev_subject: str | None) -> list[Obligation]:
    segs = [_Seg(t, s) for t, s in _split(clause, c_start, "，,")]
    if not segs:
        return []
    # a segment is a condition when it ends in 的/时/后 … and is not the last one
    for k, sg in enumerate(segs[:-1]):
        sg.is_cond = _is_condition(sg.text)
    hits = []
    for k, sg in enumerate(segs):
        if sg.is_cond or (k > 0 and _CONTINUATION.match(sg.text)):
            continue  # …，以及其他法律法规禁止…的业务: part of the previous object
        for m in MODAL.finditer(sg.text):
            if _in_brackets(sg.text, m.start()):
                continue
            kind = "prohibition" if m.group("pro") else "obligation" if m.group("obl") else "permission"
            hits.append((k, m, kind))
    clause_ctx = (para, sentence, c_start, end_off, gaz)
    if hits:
        return _modal_records(segs, hits, prev_subject, clause_ctx)
    return _implicit_records(segs, clause_ctx)


def _modal_records(segs: list[_Seg], hits: list, prev_subject: str | None, ctx: tuple) -> list[Obligation]:
    """One record per modal word, except a modal directly repeated in the same segment."""
    para, sentence, c_start, end_off, gaz = ctx
    records: list[Obligation] = []
    cond_text = "，".join(sg.text for sg in segs if sg.is_cond) or None
    seen_segs: set[int] = set()
    for k, m, kind in hits:
        sg = segs[k]
        if k in seen_segs:
            continue  # 应当…负责 / 必须…须 in one segment: one duty
        seen_segs.add(k)
        action = sg.text[m.end():] + "".join("，" + s.text for s in segs[k + 1:] if not MODAL.search(s.text))
        if kind == "permission" and _ANALYTIC_PERMISSION.match(sg.text[m.end():]):
            continue
        subj, implicit = _subject_for(segs, k, sg.text[:m.start()], prev_subject, records)
        if kind == "permission" and subj is None:
            continue  # no holder: analytical 可以, not a permission
        trigger = m.group(0)
        penalty = bool(_PENALTY.search(action)) and trigger not in ("可以", "可", "有权")
        if trigger == "负责" and subj is None:
            x, _ = _agent_of_you(sg.text)
            subj = x or subj
        records.append(_make(para, subj, kind, trigger, action, cond_text, penalty, False, implicit,
                             sentence, c_start, end_off, gaz))
    return records


def _implicit_records(segs: list[_Seg], ctx: tuple) -> list[Obligation]:
    """Implicit modality: penalty clauses and agency acts without a modal word."""
    para, sentence, c_start, end_off, gaz = ctx
    cond_text = "，".join(sg.text for sg in segs if sg.is_cond) or None
    body = "，".join(sg.text for sg in segs if not sg.is_cond)
    pm = _PENALTY.search(body)
    im = _IMPLICIT.search(body)
    yx, at = _agent_of_you(body)
    if yx and not pm and not _starts_clause(body, at):
        yx = None  # 由 inside a phrase (或者由平台经营者…) is not the agent of this clause
    if pm:
        inherited = False
        if not yx and para.records and para.records[-1].penalty and para.records[-1].subject:
            yx, inherited = para.records[-1].subject, True  # …由X责令改正；拒不改正的，处…罚款
        return [_make(para, yx, "obligation", pm.group(0), body, cond_text, True, True, inherited,
                      sentence, c_start, end_off, gaz)]
    if not (im or yx):
        return []
    trig = im.group(0) if im else "由"
    first = next((k for k, sg in enumerate(segs) if not sg.is_cond), 0)
    if yx and not im:
        subj, implicit = yx, False
        modality = "permission" if re.search(r"由[^，]*自主", body) else "obligation"
    else:
        pre = segs[first].text
        pre = pre[:pre.find(trig)] if trig in pre else pre
        if trig.startswith("由") and "组成" in trig:
            pre = segs[first].text[:segs[first].text.find("由")]
        subj, implicit = _subject_for(segs, first, pre, None, [])
        modality = "obligation"
        if yx and not subj:
            subj = yx
    if not subj or (subject_class(subj, gaz) != "agency" and not trig.startswith("由")):
        return []
    return [_make(para, subj, modality, trig if not trig.startswith("由") else "由", body, cond_text,
                  False, True, implicit, sentence, c_start, end_off, gaz)]


def _starts_clause(body: str, at: int) -> bool:
    """由 at the start of a comma segment, or after the topic of the clause (X由Y自主申报 / 由Y统一制定)."""
    if at <= 0 or body[at - 1] == "，":
        return True
    head = body[:at].rsplit("，", 1)[-1]
    return bool(_NP_END.search(head)) or bool(re.search(r"(?:样式|标准|名称|办法|规则|目录|清单|格式)$", head))


def _in_brackets(s: str, pos: int) -> bool:
    depth = 0
    for ch in s[:pos]:
        if ch in "（(“《":
            depth += 1
        elif ch in "）)”》":
            depth = max(0, depth - 1)
    return depth > 0


def _subject_for(segs: list[_Seg], k: int, pre: str, prev_subject: str | None,
                 records: list[Obligation]) -> tuple[str | None, bool]:
    """Subject of the modal word in segment k with `pre` the text before it in that segment."""
    if records and not pre.strip():
        return records[-1].subject, records[-1].subject_implicit
    cand = _clean_subject(pre) if pre else None
    if cand and re.fullmatch(r"(?:\d+|[一二三四五六七八九十]+)(?:年|个月|日|天)内|终身|此后|届时|同时|其后", cand):
        cand = None  # 5年内不得… : a time phrase, the subject is earlier
    if cand and _VERB_START.match(cand) and not leading_actor(cand):
        if "的" in cand and _NP_END.search(cand):
            return cand, False  # 申请企业法人登记的单位应当…: a relative clause before its head noun
        return None, False  # 使用企业名称应当…: an activity, no actor printed
    if cand and re.match(r"^(?:并|且)?(?:对|向|按照|依照|根据|通过|就)", cand):
        cand = None  # 并对提供材料的真实性负责: a prepositional phrase, not a subject
        if records:
            return records[-1].subject, records[-1].subject_implicit
    if cand and not re.match(r"^其", cand) and not re.search(r"中$", cand):
        actor = leading_actor(cand + "应")
        if actor and len(actor) < len(cand) and "的" not in cand[len(actor):] and "的" not in actor:
            return actor, False  # 征信机构采集个人信用信息，应当… → 征信机构
        return cand, False
    # look back: topic segment, or the actor of a condition
    for j in range(k - 1, -1, -1):
        sg = segs[j]
        if sg.is_cond:
            if _COND_START.match(sg.text):
                continue
            actor = leading_actor(sg.text)
            if actor:
                return _clean_subject(actor), False
            continue
        if MODAL.search(sg.text):
            actor = leading_actor(sg.text)
            if actor:
                return _clean_subject(actor), False
            continue
        actor = leading_actor(sg.text)
        if actor and not _VERB_START.match(sg.text) and "的" not in actor:
            return _clean_subject(actor), False  # 市场主体设立分支机构，应当…
        if _NP_END.search(sg.text):
            return _strip_defs(sg.text), False  # topic: 跨行业综合经营的企业，其名称可以…
        return None, False
    if prev_subject:
        return prev_subject, True
    return None, False


def _make(para: _Para, subj, modality, trigger, action, cond, penalty, implicit_modality, subject_implicit,
          sentence, start, end, gaz) -> Obligation:
    subj = subj.strip() if subj else None
    return Obligation(
        article=para.article, paragraph=para.no, subject=subj,
        subject_class=subject_class(subj, gaz, penalty), modality=modality, trigger=trigger,
        action=action.strip("，。；"), condition=cond, penalty=penalty, implicit_modality=implicit_modality,
        subject_implicit=subject_implicit, text=sentence, start=start, end=end)


def has_articles(text: str, minimum: int = 3) -> bool:
    """Whether a joined text holds a regulation: paragraphs 第一条, 第二条, 第三条 … in sequence."""
    if not re.search(r"(?:^|\n)第一条", text):
        return False
    return len(_article_runs(parse_outline(text))) >= minimum


# --- who an obligation binds ----------------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    """Obligation `obligations[obligation]` binds an agency (`agency_id`, a gazetteer id, at `level`)
    or a class of regulated party (`party`, of `party_kind`, from extract.parties); `surface` is the
    part of the subject as printed, `defined_as` the holder a defined term stands for. Offsets are
    the obligation's."""

    obligation: int
    surface: str
    agency_id: str | None
    party: str | None
    party_class: str
    start: int
    end: int
    level: str | None = None
    party_kind: str | None = None
    defined_as: str | None = None


def find_bindings(obligations: list[Obligation], gaz, definitions=()) -> list[Binding]:
    """The bodies and parties each obligation binds.

    Each part of the subject (`A、B和C` → each) is resolved by extract.duty_holders: a functional
    department, a named body or a term the document defined for one binds the national body
    leading that system, with the tier as `level`. A part naming no single body binds the actor
    class extract.parties puts it in; a thing (企业名称, 出资方式) binds nothing — the obligation
    keeps its subject as printed."""
    out: list[Binding] = []
    for k, o in enumerate(obligations):
        if not o.subject:
            continue
        for h in resolve_holders(o.subject, gaz, definitions, at=o.start):
            entry = gaz.resolve(h.body) if h.body and gaz is not None else None
            if entry is not None:
                out.append(Binding(k, h.surface, entry.id, None, o.subject_class, o.start, o.end,
                                   level=h.level, defined_as=h.defined_as))
            elif (cls := classify_party(h.surface)) is not None:
                out.append(Binding(k, h.surface, None, cls.name, o.subject_class, o.start, o.end,
                                   party_kind=cls.kind, defined_as=h.defined_as))
    return out
