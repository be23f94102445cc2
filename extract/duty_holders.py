"""Duty holders: a subject as printed in a regulation → the national bodies whose system it names.

Laws and regulations rarely name a ministry. They name a functional system at a level of
government — 国务院市场监督管理部门, 县级以上地方人民政府财政部门, 省、自治区、直辖市人民政府商务主管部门,
公安机关, 海关 — or a term the text defines for one (`县级以上人民政府市场监督管理部门（以下统称企业登记机关）`).
A duty of such a holder binds the national body leading the system (`extract/data/
functional_departments.json`), with the level saying which tier of it:

=================  ==========================================================================
level              printed as
=================  ==========================================================================
national           国务院X(主管)部门/机构, 国家X部门, 中央X部门, a named body (市场监管总局)
provincial         省、自治区、直辖市人民政府X部门, 省级(人民政府)X部门
county_and_above   县级以上(地方)(各级)人民政府X部门
local              地方各级X部门, 地方X部门, 市县级X部门, 设区的市级X部门, 本级X部门
all                X机关 / X部门 / 海关 with no tier printed (公安机关: every public-security organ), or a
                   tier relative to another (上级X部门, 原X机关)
=================  ==========================================================================

Coordinated holders (`A、B和C`) are resolved each on its own; 省、自治区、直辖市 and names holding
和 (工业和信息化部门) are not split. `X等有关(主管)部门` names X. Generic parties (有关部门,
地方各级人民政府), roles the regulation leaves to no one body (保护工作部门, 政策制定机关) and classes of
several bodies (国务院金融管理部门) resolve to no body: the caller keeps them as parties.

Definitions (`find_definitions`) are read once per document: `X（以下简称/统称/称Y）` and
`本条例所称Y，是指X`. A mention of Y after the definition resolves as X would (`迁出地登记机关`,
a short qualifier before a defined term, counts too).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.agencies import Gazetteer

__all__ = ["Definition", "Holder", "DATA_PATH", "LEVELS", "find_definitions", "resolve_holders",
           "split_holders", "system_body"]

DATA_PATH = Path(__file__).with_name("data") / "functional_departments.json"
LEVELS = ("national", "provincial", "county_and_above", "local", "all")

# tiers of government printed before a system name, longest first within each level
_TIERS = (
    ("county_and_above", r"县级以上(?:地方)?(?:各级)?(?:人民政府)?"),
    ("provincial", r"(?:省、自治区、直辖市|省级以上|省级|直辖市|省)(?:人民政府)?"),
    ("local", r"(?:地方各级|地方|市、县级?|市县级?|设区的市级?|市级|县级|本级及以上|本级|同级|各级)(?:人民政府)?"),
    ("national", r"(?:国务院|国家|中央)"),
    ("all", r"(?:上级|下级|原|所在地的?|当地)"),  # a tier relative to another: any tier
)
_TIER_RE = [(level, re.compile("^" + p)) for level, p in _TIERS]
_HEAD = re.compile(r"(?:部门|机关|机构)$")
_FUNCTION = re.compile(r"^(?:承担|负责)(?P<f>.+?)(?:工作|职责)?的(?:部门|机构|机关)$")
_UNIT_OF_ORGAN = re.compile(r"^(?P<s>[\u4e00-\u9fff]{2,8}?)机关[\u4e00-\u9fff]{2,12}(?:部门|机构)$")
_ET_AL = re.compile(r"等(?:有关|相关|其他)?(?:主管)?(?:部门|机关|机构)$")
_DEFINED_QUALIFIER = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
_NO_PROTECT = ("省、自治区、直辖市", "省、自治区、直辖市人民政府")


@dataclass(frozen=True)
class Definition:
    """`term` stands for `holder` from offset `end` on; `start`/`end` span the definition."""

    term: str
    holder: str
    start: int
    end: int
    level: str | None = None  # the tier the term stands for, when not the holder's own


@dataclass(frozen=True)
class Holder:
    """One part of a printed subject: the national body it binds (gazetteer name) and the tier,
    or `body=None` when it names no single body (then it is a party, see extract.parties)."""

    surface: str
    body: str | None
    level: str | None
    defined_as: str | None = None  # the holder phrase of the definition used, if any


@lru_cache(maxsize=4)
def _systems(path: str = str(DATA_PATH)) -> tuple[dict[str, str], frozenset[str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    table = {name: s["body"] for s in data["systems"] for name in s["systems"]}
    return table, frozenset(data["not_a_system"])


def system_body(stem: str) -> str | None:
    """The national body leading a functional system (`市场监督管理` → 国家市场监督管理总局)."""
    table, not_systems = _systems()
    for cand in _stems(stem):
        if cand in not_systems:
            return None
        if cand in table:
            return table[cand]
    return None


def _stems(stem: str):
    """市场监督管理 / 价格主管 → 价格 / 水行政主管 → 水行政 → 水: each shorter reading in turn."""
    yield stem
    for suffix in ("主管", "行政", "管理", "监督管理", "行政管理"):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            yield stem


# --- definitions ----------------------------------------------------------------------------------
_ABBREV = re.compile(r"[（(]以下(?:简称|统称|称)(?:为)?[“\"]?(?P<term>[^）)”\"，,]{2,20})[”\"]?[）)]")
_SO_CALLED = re.compile(r"本(?:条例|规定|办法|法|细则|规则)(?:中)?所称(?:的)?(?P<term>[^，,。；]{2,20}?)[，,]?\s*是指(?P<holder>[^。；：:]{2,80})")
_UNIT_OF_HOLDER = re.compile(r"(?P<holder>[\u4e00-\u9fff]{2,30}?(?:部门|机关))(?P<unit>[\u4e00-\u9fff]{2,8}(?:所|站|队|中心))")
_IS_AFTER = re.compile(r"\s*是(?!指|负责|承担)(?P<holder>[^。；，,：:]{2,60})")
_PHRASE_START = re.compile(r"[，,。；;：:\n]")
_ARTICLE_LEAD = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+条\s*")


def find_definitions(text: str) -> list[Definition]:
    """Every term a document defines for a holder, in text order."""
    out = []
    for m in _ABBREV.finditer(text):
        head = text[max(0, m.start() - 120):m.start()]
        cut = max((k.end() for k in _PHRASE_START.finditer(head)), default=0)
        phrase = _ARTICLE_LEAD.sub("", re.sub(r"\s+", "", head[cut:]))
        phrase = phrase.rsplit("是", 1)[-1] if "是负责" in phrase or "是承担" in phrase else phrase
        after = _IS_AFTER.match(text, m.end())
        if after and any(h.body for h in resolve_holders(re.sub(r"\s+", "", after.group("holder")))):
            phrase = re.sub(r"\s+", "", after.group("holder"))  # Y（以下简称Z）是国家市场监督管理总局和…
        if phrase:
            out.append(Definition(m.group("term"), phrase, m.start(), m.end()))
    for m in _SO_CALLED.finditer(text):
        out.append(Definition(m.group("term"), re.sub(r"\s+", "", m.group("holder")), m.start(), m.end()))
    out.extend(_units_of_holders(text))
    out.sort(key=lambda d: d.start)
    return out


def _units_of_holders(text: str) -> list[Definition]:
    """A unit first printed inside a holder (公安机关交通管理部门车辆管理所) stands for that holder's
    system when it is later printed alone (车辆管理所): the first printing defines it."""
    out, seen = [], set()
    for m in _UNIT_OF_HOLDER.finditer(text):
        unit, holder = m.group("unit"), m.group("holder")
        if unit in seen:
            continue
        for k in range(len(holder) - 1):  # the holder starts where a known system does
            bodies = [h for h in resolve_holders(holder[k:]) if h.body]
            if bodies:  # the unit exists at every tier printed later: its own tier is not this one's
                seen.add(unit)
                out.append(Definition(unit, holder[k:], m.start("unit"), m.end(), level="all"))
                break
    return out


def _definition_for(part: str, definitions: list[Definition], at: int | None) -> Definition | None:
    """The latest definition before `at` whose term is `part` (or `part` = short qualifier + term)."""
    exact = qualified = None
    for d in definitions:
        if at is not None and d.end > at:
            break
        if part == d.term:
            exact = d
        elif part.endswith(d.term) and _DEFINED_QUALIFIER.match(part[: -len(d.term)]):
            qualified = d
    return exact or qualified


# --- one printed subject --------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _protected(gaz: Gazetteer | None) -> re.Pattern:
    """Names holding 和/及/与/、 that a coordination split must not cut (one alternation, longest first)."""
    names = {*_NO_PROTECT, *(k for k in _systems()[0] if re.search("[和及与、]", k)),
             *((f for f in gaz.forms() if re.search("[和及与、]", f)) if gaz is not None else ())}
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def split_holders(subject: str, gaz: Gazetteer | None = None) -> list[str]:
    """`保护工作部门、公安机关` → [保护工作部门, 公安机关]; 省、自治区、直辖市 and names holding 和/及 stay whole."""
    keep: list[str] = []

    def hide(m: re.Match) -> str:
        keep.append(m.group(0))
        return f"\x00{len(keep) - 1}\x00"

    s = _protected(gaz).sub(hide, re.sub(r"\s+", "", subject))
    parts = [re.sub(r"^(?:由|经(?!营|济|纪))", "", p) for p in re.split(r"、|以及|或者|(?<!其)和|与|及(?!其|以上)|或", s) if p]
    restore = re.compile("\x00(\\d+)\x00")
    return [restore.sub(lambda m: keep[int(m.group(1))], p) for p in parts] or [subject]


def resolve_holders(subject: str, gaz: Gazetteer | None = None, definitions: list[Definition] = (),
                    at: int | None = None) -> list[Holder]:
    """Each part of a printed subject with the national body it binds (or None) and its tier."""
    out = []
    for part in split_holders(subject, gaz):
        d = _definition_for(part, list(definitions), at)
        if d is not None:
            levels: dict[str, set] = {}
            for h in resolve_holders(d.holder, gaz):
                if h.body:
                    levels.setdefault(h.body, set()).add(h.level)
            if levels:  # 国家市场监督管理总局和地方各级市场监督管理部门: one body, every tier
                out.extend(Holder(part, body, d.level or (ls.pop() if len(ls) == 1 else "all"), d.holder)
                           for body, ls in levels.items())
                continue
            out.append(Holder(part, None, None, d.holder))
            continue
        body, level = _resolve_part(part, gaz)
        out.append(Holder(part, body, level))
    return out


_BRANCHES = re.compile(r"(?P<with>及其)?[^，。；]{0,20}(?:分支机构|派出机构|派出机关|分局|支行)$")


def _resolve_part(part: str, gaz: Gazetteer | None) -> tuple[str | None, str | None]:
    if gaz is not None and (entry := gaz.resolve(part)) is not None:
        return entry.name, "national"
    if gaz is not None and (branches := _branches_of(part, gaz)) is not None:
        return branches
    # 国家网信部门等有关主管部门 → 国家网信部门; 网信等有关主管部门 → 网信部门
    part = _ET_AL.sub("", part) if re.search(r"(?:部门|机关|机构)等", part) else _ET_AL.sub("部门", part)
    found = _tiered_system(part)
    if found == (None, None) and "的" in part:  # 核发校车标牌的公安机关交通管理部门: the head after 的
        found = _tiered_system(part.rsplit("的", 1)[1])
    return found


def _branches_of(part: str, gaz: Gazetteer) -> tuple[str, str] | None:
    """中国人民银行及其分支机构 → (中国人民银行, all); 中国人民银行…中心支行以上分支机构 → (…, local)."""
    mentions = gaz.find(part)
    if not mentions or mentions[0].start != 0:
        return None
    m = _BRANCHES.fullmatch(part, mentions[0].end)
    if m is None:
        return None
    return mentions[0].entry.name, "all" if m.group("with") else "local"


def _tiered_system(part: str) -> tuple[str | None, str | None]:
    readings = [(name, part[m.end():]) for name, tier in _TIER_RE
                if (m := tier.match(part)) and m.end() < len(part)][:1]
    for level, rest in (*readings, ("all", part)):  # 国家安全机关: no tier, the system 国家安全
        body = _system_of(rest)
        if body:
            return body, level
    return None, None


def _system_of(rest: str) -> str | None:
    """The body of a holder without its tier: 市场监督管理部门, 公安机关, 海关, 承担…工作的部门."""
    if rest.endswith("海关"):
        return system_body("海关") if rest in ("海关", "各级海关", "地方海关", "直属海关") else None
    fn = _FUNCTION.match(rest)
    if fn:
        return system_body(fn.group("f"))
    unit = _UNIT_OF_ORGAN.match(rest)
    if unit and (body := system_body(unit.group("s"))):
        return body  # 公安机关交通管理部门: a department inside the public-security organs
    if _HEAD.search(rest):
        return system_body(_HEAD.sub("", rest))
    return None
