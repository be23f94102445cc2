"""Agency gazetteer: curated central Chinese bodies and a fast surface-form matcher.

The data lives in ``extract/data/agencies.json`` (one object per body: ``name``,
``short_name``, ``aliases``, ``kind``, optional ``parent`` and ``note``).  Sub-units
that sign documents (``工业和信息化部办公厅``, ``科技部火炬中心`` …) are their own
entries with a ``parent`` so that they are never collapsed into the parent body.

Matching is done on line-joined, whitespace-stripped text (the corpus breaks
and letter-spaces names: ``交 通 运 输 部``).  :meth:`Gazetteer.find` runs one
compiled alternation sorted longest-first (longest-leftmost) and then applies a
small, documented set of context rules that reject matches which are really
parts of other words:

R1  word continuation: the match's last character forms a word with the next
    one — ``部门`` (财政部门, 人社部门, 商务部门; not 门户), ``委员`` (…委员会 of a body not
    listed), ``行业``/``行间`` (中国银行业…, 中国银行间…; ``银行业务`` is kept).
R2  local body: the match is directly preceded by a locality marker — one of
    省 市 县 区 州 盟 旗 乡 镇 地 各 级, or 地方/兵团/党委 — e.g. 地方知识产权局,
    省知识产权局, 各地国资委, 兵团发展改革委, 党委网信办.
R3  generic collective: the match modifies a generic group noun — it is followed
    by (各|有关|相关|其他|所属|直属|下属|组成){0,2} + 部门/部委/单位/机构
    (国务院相关部门, 国务院各部委).  For the State Council itself any short
    qualifier before 部门 counts too, unless it is a clause (会同/和/批准 …):
    国务院价格主管部门, 国务院公安部门 are legal circumlocutions, not 国务院.
R4  other organisation: the match is followed by 集团/公司, so it names a
    different organisation (各有关铁路局集团公司).

R5  short everyday form in another word: two-character forms are kept only in the contexts
    `_SHORT_FORM_CONTEXT` allows — 国办 not before 发/函/秘/电 (国办发〔2021〕60号 is a 文号) or
    理/事/学 (各国办理, 出国办事), nor after 全/中/各 (全国办理), 央行 not after 中 (中央行政),
    人行 not inside 个人行为 / 人行道 / 行人行走 / 当事人行政复议.

When a match is rejected, shorter forms starting at the same position are
tried; failing that, forms lying wholly inside the rejected span are skipped
too (各银保监会派出机构 yields neither 银保监会 nor 保监会).  An optional leading
``中华人民共和国`` is absorbed into the mention.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

__all__ = [
    "AgencyEntry",
    "AgencyMention",
    "Gazetteer",
    "KINDS",
    "DEFAULT_PATH",
    "load_gazetteer",
    "load_successions",
    "SUCCESSIONS_PATH",
    "looks_like_agency",
    "normalize_surface",
]

DEFAULT_PATH = Path(__file__).with_name("data") / "agencies.json"
#: reorganisations: predecessor → successor, date, instrument (see the file's `about`)
SUCCESSIONS_PATH = Path(__file__).with_name("data") / "successions.json"

KINDS = frozenset(
    {
        "ministry",
        "commission",
        "special_body",
        "directly_affiliated_agency",
        "office",
        "public_institution",
        "national_bureau",
        "party_organ",
        "legislature",
        "court",
        "procuratorate",
        "people_organisation",
        "state_enterprise",
        "financial_institution",
        "sub_unit",
        "state_council",
        "other",
    }
)

#: Formal prefix that may precede any central body (中华人民共和国商务部).
STATE_PREFIX = "中华人民共和国"

_WS_RE = re.compile(r"\s+")


def normalize_surface(surface: str) -> str:
    """Remove all whitespace (line breaks and letter-spacing are layout, not content)."""
    return _WS_RE.sub("", surface)


@dataclass(frozen=True)
class AgencyEntry:
    """One body of the gazetteer; ``id`` is stable across runs (``agency:<name>``)."""

    id: str
    name: str
    short_name: str
    aliases: tuple[str, ...] = ()
    kind: str = "other"
    parent: str | None = None
    note: str | None = None

    def all_forms(self) -> tuple[str, ...]:
        """Every surface form naming this body: name, short name, aliases (deduplicated, in order)."""
        return tuple(dict.fromkeys((self.name, self.short_name, *self.aliases)))


@dataclass(frozen=True)
class AgencyMention:
    """A match of a surface form in a text; ``start``/``end`` are character offsets (end exclusive)."""

    start: int
    end: int
    surface: str
    entry: AgencyEntry


# --- context rules (see module docstring) -----------------------------------------------------

# R1: last char of the match + next char(s) form another word.
_R1_CONTINUATION = {
    "部": re.compile(r"门(?!户)"),  # 财政部门 but not 工业和信息化部门户网站
    "委": re.compile(r"员"),
    "行": re.compile(r"业(?!务)|间"),
}
# R2: locality marker directly before the match.
_R2_LOCAL_BEFORE = re.compile(r"(?:[省市县区州盟旗乡镇地各级]|地方|兵团|党委)$")
_R2_LOOKBEHIND = 2
# R3: generic collective noun after the match.
_R3_MODIFIERS = "各|有关|相关|其他|其它|所属|直属|下属|组成|成员"
_R3_GENERIC_AFTER = re.compile(rf"(?:{_R3_MODIFIERS}){{0,2}}(?:部门|部委|单位|机构)")
# For the State Council any short qualifier before 部门 makes a generic/legal circumlocution
# (国务院价格主管部门, 国务院有关业务主管部门, 国务院公安部门) unless the qualifier is a
# clause (国务院会同有关部门, 报国务院批准…).
_R3_STATE_COUNCIL_AFTER = re.compile(r"([\u4e00-\u9fff]{0,6}?)(?:部门|部委)")
_R3_CLAUSE_WORDS = re.compile(r"会同|和|与|及|或|向|由|对|经|报|批准|同意|授权|决定|要求|组织|指导")
# R4: the match modifies another organisation's name.
_R4_ORG_AFTER = re.compile(r"集团|公司")
# R5: short everyday forms and the neighbours that make them part of another word
# (form -> (character before that rejects it, text after that rejects it)).
_SHORT_FORM_CONTEXT = {
    "国办": (re.compile(r"[全中各外我本该两美]$"), re.compile(r"[发函秘电理事学公法案厂班会]|[〔\[]")),
    "央行": (re.compile(r"中$"), re.compile(r"政")),
    "人行": (re.compile(r"[个私本他众法工商成行路病老夫家军客游证]$"), re.compile(r"[道为走动使横进政贿驶]")),
}


class Gazetteer:
    """Lookup (:meth:`resolve`) and text matching (:meth:`find`) over the curated agency list."""

    def __init__(self, entries: Iterable[AgencyEntry]):
        self.entries: tuple[AgencyEntry, ...] = tuple(entries)
        self._by_form: dict[str, AgencyEntry] = {}
        self._by_id: dict[str, AgencyEntry] = {}
        for entry in self.entries:
            if entry.id in self._by_id:
                raise ValueError(f"duplicate agency name {entry.name!r}")
            self._by_id[entry.id] = entry
            for form in entry.all_forms():
                key = normalize_surface(form)
                other = self._by_form.get(key)
                if other is not None and other is not entry:
                    raise ValueError(f"surface form {form!r} maps to both {other.name!r} and {entry.name!r}")
                self._by_form[key] = entry
        forms = sorted(self._by_form, key=lambda f: (-len(f), f))
        # One compiled pattern over all forms, built from a character trie: at every node the
        # continuation is tried (greedily) before stopping, so the longest form at the leftmost
        # position wins, and the trie keeps the scan fast (no per-form retries).
        self._regex = re.compile(trie_pattern(forms))
        # Fallback candidates by first character, for retrying shorter forms after a rejection.
        self._jieba_cache: dict[tuple[int | None, str], str] = {}
        self._by_first: dict[str, list[str]] = {}
        for f in forms:
            self._by_first.setdefault(f[0], []).append(f)

    # --- lookup ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[AgencyEntry]:
        return iter(self.entries)

    def __contains__(self, surface: object) -> bool:
        return isinstance(surface, str) and self.resolve(surface) is not None

    def forms(self) -> list[str]:
        """All surface forms, longest first."""
        return sorted(self._by_form, key=lambda f: (-len(f), f))

    def get(self, agency_id: str) -> AgencyEntry | None:
        """Entry by its ``id`` (``agency:<name>``)."""
        return self._by_id.get(agency_id)

    def resolve(self, surface: str) -> AgencyEntry | None:
        """Exact, whitespace-insensitive lookup of a name/short name/alias (a leading 中华人民共和国 is ignored)."""
        key = normalize_surface(surface)
        entry = self._by_form.get(key)
        if entry is None and key.startswith(STATE_PREFIX):
            entry = self._by_form.get(key[len(STATE_PREFIX):])
        return entry

    # --- matching -------------------------------------------------------------------------

    def _rejected(self, text: str, start: int, end: int) -> str | None:
        """The context rule (R1–R4) that says the match is part of another word, or None."""
        after = text[end:end + 12]
        if after:
            cont = _R1_CONTINUATION.get(text[end - 1])
            if cont is not None and cont.match(after):
                return "R1"
            if _R3_GENERIC_AFTER.match(after):
                return "R3"
            if _R4_ORG_AFTER.match(after):
                return "R4"
            if self._by_form[text[start:end]].kind == "state_council":
                m = _R3_STATE_COUNCIL_AFTER.match(after)
                if m is not None and not _R3_CLAUSE_WORDS.search(m.group(1)):
                    return "R3"
        if start > 0 and _R2_LOCAL_BEFORE.search(text, max(0, start - _R2_LOOKBEHIND), start):
            return "R2"
        guard = _SHORT_FORM_CONTEXT.get(text[start:end])
        if guard is not None and (guard[0].search(text[max(0, start - 1):start]) or guard[1].match(after)):
            return "R5"
        return None

    def find(self, text: str) -> list[AgencyMention]:
        """All agency mentions in ``text`` (already line-joined; strip spaces first for letter-spaced names).

        Longest-leftmost and non-overlapping; see the module docstring for the rejection rules.
        """
        mentions: list[AgencyMention] = []
        search = self._regex.search
        pos = 0
        rejected_end = 0  # a form lying inside a rejected longer match is part of the same word
        n = len(text)
        while pos < n:
            m = search(text, pos)
            if m is None:
                break
            start, end = m.span()
            if end <= rejected_end:
                pos = start + 1
                continue
            rule = self._rejected(text, start, end)
            if rule:
                # only a word continuation (R1) leaves room for a shorter name at the same place;
                # a local, collective or other-organisation phrase is rejected as a whole
                shorter = self._shorter_at(text, start, end) if rule == "R1" else None
                if shorter is None:
                    rejected_end = max(rejected_end, end)
                    pos = start + 1
                    continue
                end = shorter
            surface_start = start
            if start >= len(STATE_PREFIX) and text.startswith(STATE_PREFIX, start - len(STATE_PREFIX)):
                surface_start = start - len(STATE_PREFIX)
            mentions.append(
                AgencyMention(surface_start, end, text[surface_start:end], self._by_form[text[start:end]])
            )
            pos = end
        return mentions

    def _shorter_at(self, text: str, start: int, end: int) -> int | None:
        """End of the longest acceptable form shorter than ``end - start`` starting at ``start``."""
        for form in self._by_first.get(text[start], ()):
            if len(form) >= end - start or not text.startswith(form, start):
                continue
            if not self._rejected(text, start, start + len(form)):
                return start + len(form)
        return None

    # --- jieba ----------------------------------------------------------------------------

    def jieba_user_dict(self, freq: int | None = None, tag: str = "nt") -> str:
        """Text of a jieba user dictionary (``word freq tag`` per line) with every surface form.

        With ``freq=None`` each form gets jieba's own suggested frequency (just enough to
        keep it in one token, never lower than jieba's existing entry), so names are
        not glued onto neighbours.  For every form ending in 部, ``<form>门`` is added
        too (tag ``n``): without it jieba would cut 应急管理部门 into 应急管理部/门.
        """
        cached = self._jieba_cache.get((freq, tag))
        if cached is not None:
            return cached
        forms = self.forms()
        freqs = _suggest_freqs(forms) if freq is None else {f: freq for f in forms}
        lines = [f"{form} {freqs[form]} {tag}\n" for form in forms]
        for form in forms:
            if form.endswith("部") and form + "门" not in self._by_form:
                lines.append(f"{form}门 {max(freqs[form], 1)} n\n")
        text = self._jieba_cache[(freq, tag)] = "".join(lines)
        return text

    def write_jieba_user_dict(self, path: str | Path, freq: int | None = None, tag: str = "nt") -> Path:
        """Write :meth:`jieba_user_dict` to ``path`` (UTF-8) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.jieba_user_dict(freq=freq, tag=tag), encoding="utf-8")
        return path


def _suggest_freqs(forms: Iterable[str], fallback: int = 2000) -> dict[str, int]:
    """jieba's suggested frequency per form (a private Tokenizer; the global one is untouched)."""
    forms = list(forms)
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a project dependency
        return {f: fallback for f in forms}
    level = jieba.default_logger.level
    jieba.setLogLevel(60)
    try:
        tok = jieba.Tokenizer()
        tok.initialize()
        return {f: max(int(tok.suggest_freq(f, tune=False)), 1) for f in forms}
    finally:
        jieba.setLogLevel(level)


def trie_pattern(forms: Iterable[str]) -> str:
    """Regex equivalent to a longest-first alternation of ``forms``, factored as a trie."""
    trie: dict = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        terminal = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if terminal:
            return (body if len(alts) > 1 else "(?:" + body + ")") + "?"
        return body

    return build(trie)


def _entry_from_json(obj: dict) -> AgencyEntry:
    name = normalize_surface(obj["name"])
    kind = obj.get("kind", "other")
    if kind not in KINDS:
        raise ValueError(f"{name}: unknown kind {kind!r}")
    return AgencyEntry(
        id=f"agency:{name}",
        name=name,
        short_name=normalize_surface(obj.get("short_name") or name),
        aliases=tuple(dict.fromkeys(normalize_surface(a) for a in obj.get("aliases", ()))),
        kind=kind,
        parent=obj.get("parent"),
        note=obj.get("note"),
    )


@lru_cache(maxsize=8)
def _load(path: str) -> Gazetteer:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return Gazetteer(_entry_from_json(obj) for obj in data)


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load (and cache) the gazetteer; ``path`` defaults to the packaged ``data/agencies.json``."""
    return _load(str(Path(path).resolve() if path is not None else DEFAULT_PATH))


# --- heuristic for bodies not in the gazetteer --------------------------------------------------

_AGENCY_SUFFIXES = (
    "集团有限公司", "有限责任公司", "股份有限公司", "有限公司", "总公司", "公司",
    "委员会", "办公厅", "办公室", "领导小组", "联席会议", "总局", "总署", "总社", "总会", "中心",
    "研究院", "科学院", "银行", "协会", "学会", "商会", "联合会",
    "部", "委", "局", "署", "办", "院", "会", "行", "厅", "司", "处", "所", "社", "联", "室",
)
# Characters/words that signal a clause rather than a name (verbs, function words, punctuation).
_NOT_NAME_RE = re.compile(
    r"[，。、；：！？,.;:!?（）()《》“”\"'\s\d]"
    r"|要|应当|应该|将|把|被|向|从|在|是|的|了|着|(?<![高平同中初])等|及|并|或|和有关"
    r"|负责|牵头|会同|配合|加强|推动|鼓励|建立|完善|开展|落实|做好|印发|发布|制定|进行|办理"
)
_GENERIC_RE = re.compile(
    r"^(?:各|有关|相关|其他|其它|所属|直属|下属|本|该|上级|同级|地方|各级|国务院)"
    r"|^(?:部门|部委|单位|机构|主管部门)$|部门$|机构$|单位$"
    r"|各(?:地区|地方|省|市|级|直属|派出|分支|区域)"  # 民航各地区管理局: a class of bodies, not one
)


def looks_like_agency(name: str) -> bool:
    """Heuristic: does a name NOT in the gazetteer still look like an organisation?

    Used to keep unverified agencies (``verified: false``): 2–20 Han characters,
    ends in an organisational suffix (部/委/局/署/办/院/会/行/中心/公司 …),
    contains no verb or function word, and is not a generic group
    (各地区, 有关部门, 国务院相关部门 …).
    """
    s = normalize_surface(name)
    if not 2 <= len(s) <= 20:
        return False
    if not re.fullmatch(r"[\u4e00-\u9fff（）()]+", s):
        return False
    if _GENERIC_RE.search(s) or _NOT_NAME_RE.search(s):
        return False
    return any(s.endswith(suf) and len(s) > len(suf) for suf in _AGENCY_SUFFIXES)


@lru_cache(maxsize=2)
def load_successions(path: str | None = None) -> dict[str, tuple[dict, ...]]:
    """Successions by predecessor name: each {predecessor, successor, date, instrument, part, text}."""
    data = json.loads(Path(path or SUCCESSIONS_PATH).read_text(encoding="utf-8"))
    by_old: dict[str, list[dict]] = {}
    for s in data["successions"]:
        by_old.setdefault(s["predecessor"], []).append(s)
    return {k: tuple(v) for k, v in by_old.items()}
