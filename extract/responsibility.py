"""Who leads and who supports a measure: parse assignment parentheticals.

State Council task lists close a measure with a parenthetical such as
`（商务部牵头，财政部、海关总署等国务院相关部门及各地区按职责分工负责）`. Roles follow the
project's convention (shared/eval/README.md):

- lead: marked 牵头; named before 会同; or the only specific agency named in the assignment;
- support: every other specific agency (配合 parties included);
- generic parties (各地区, 国务院相关部门, 有关部门 …) are kept as strings, never agencies.

Pure functions: text in, records out. Agency names are found on characters through the
gazetteer (`extract.agencies`), so names that jieba would split are still found whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.agencies import Gazetteer, looks_like_agency

# A parenthetical with no nested parenthesis; the closing word decides whether it assigns.
PAREN = re.compile(r"（([^（）\n]{2,200})）")
_TAIL = re.compile(
    r"(?:按职责分工负责|按职责分工落实|按职责分工|按分工负责|分工负责|负责落实|牵头负责|"
    r"负责指导|负责实施|共同负责|负责|配合|牵头)$"
)
_SUFFIX = re.compile(r"[；;](?:适用范围|适用于|其中)[:：].*$")
_GENERIC = re.compile(
    r"^(?:各|有关|相关|其他|地方|国务院相关|国务院有关|国务院各|省级|市县|县级|各级)"
    r"|^(?:地区|地方|部门|单位)$"
    r"|(?:地区|地方|部门|单位|机构|人民政府|政府|试验区|所在地)$"
)
_GENERIC_PREFIX = re.compile(r"^(?:各|有关|相关|其他|国务院相关|国务院有关|国务院各|地方各级|中央级|省级|市级|县级)")
_SPLIT = re.compile(r"[、，,及和与]|以及")


@dataclass(frozen=True)
class Party:
    """A named party in an assignment: an agency (gazetteer entry or unverified name)."""

    surface: str
    agency_id: str | None  # gazetteer id, or None when not in the gazetteer (unverified)


@dataclass
class Assignment:
    """One parsed assignment parenthetical."""

    raw: str  # as printed, with the parentheses
    start: int  # offsets of the parenthetical in the text it was found in
    end: int
    leads: list[Party] = field(default_factory=list)
    supports: list[Party] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)
    scope: str | None = None  # "适用范围：…" suffix

    @property
    def specific(self) -> list[Party]:
        return self.leads + self.supports


def _parties(segment: str, gaz: Gazetteer) -> tuple[list[Party], list[str]]:
    """Split a clause into specific agencies and generic parties, in printed order."""
    specific: list[Party] = []
    generic: list[str] = []
    pos = 0
    mentions = gaz.find(segment)

    def leftovers(chunk: str) -> None:
        chunk = re.sub(r"^(?:等|及|和|与|、|，)+|(?:等|及|和|与|、|，)+$", "", chunk)
        if not chunk:
            return
        # "等国务院相关部门" / "等相关单位": truncation marker then a generic party
        for piece in re.split(r"等", chunk):
            for part in _SPLIT.split(piece):
                part = part.strip()
                if not part:
                    continue
                if _GENERIC_PREFIX.match(part):
                    generic.append(part)
                elif looks_like_agency(part) and not _GENERIC.search(part):
                    specific.append(Party(part, None))
                else:
                    generic.append(part)

    for m in mentions:
        leftovers(segment[pos:m.start])
        specific.append(Party(m.surface, m.entry.id))
        pos = m.end
    leftovers(segment[pos:])
    return specific, generic


def parse_assignment(raw: str, gaz: Gazetteer, start: int = 0) -> Assignment | None:
    """Parse `（…负责）`; None when the parenthetical does not assign responsibility."""
    inner = raw[1:-1] if raw.startswith("（") and raw.endswith("）") else raw
    scope = None
    m = _SUFFIX.search(inner)
    if m:
        scope = m.group(0).lstrip("；;")
        inner = inner[:m.start()]
    body = inner.strip()
    if not _TAIL.search(body):
        return None
    if re.search(r"以下简称|以下统称|下同|含|详见|见附件", body):
        return None
    result = Assignment(raw=raw, start=start, end=start + len(raw), scope=scope)
    lead_marked = False
    clauses = [c for c in re.split(r"[，,；;]", body) if c]
    for clause in clauses:
        clause_lead = False
        text = clause
        if text.endswith("牵头负责"):
            text, clause_lead = text[: -len("牵头负责")], True
        elif text.endswith("牵头"):
            text, clause_lead = text[:-2], True
        elif text.endswith("配合"):  # 配合 parties are supports, like any other unmarked party
            text = text[:-2]
        text = _TAIL.sub("", text)
        if "会同" in text:
            before, _, after = text.partition("会同")
            convenors, gen_b = _parties(before, gaz)
            others, gen_a = _parties(after, gaz)
            result.leads.extend(convenors)
            result.supports.extend(others)
            result.generic.extend(gen_b + gen_a)
            lead_marked = lead_marked or bool(convenors)
            continue
        specific, generic = _parties(text, gaz)
        result.generic.extend(generic)
        if clause_lead:
            result.leads.extend(specific)
            lead_marked = lead_marked or bool(specific)
        else:
            result.supports.extend(specific)
    if not result.specific and not result.generic:
        return None
    if not lead_marked and len(result.supports) == 1 and not result.leads:
        result.leads, result.supports = result.supports, []
    _dedupe(result)
    return result


def _dedupe(a: Assignment) -> None:
    seen: set[str] = set()
    leads, supports = [], []
    for p in a.leads:
        key = p.agency_id or p.surface
        if key not in seen:
            seen.add(key)
            leads.append(p)
    for p in a.supports:
        key = p.agency_id or p.surface
        if key not in seen:
            seen.add(key)
            supports.append(p)
    a.leads, a.supports = leads, supports
    a.generic = list(dict.fromkeys(a.generic))


def find_assignments(text: str, gaz: Gazetteer) -> list[Assignment]:
    """Every assignment parenthetical in `text` (a line-joined paragraph or item)."""
    found = []
    for m in PAREN.finditer(text):
        a = parse_assignment(m.group(0), gaz, start=m.start())
        if a is not None:
            found.append(a)
    return found
