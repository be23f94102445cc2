"""Regulated parties as classes: a printed subject → one actor class with a kind, or None for a thing.

The classes, their kinds and the endings that name them are data (`extract/data/party_classes.json`).
`classify_party` normalises a subject (the head after the last 的, without 相关/其他/该 …) and matches
its ending against the classes' heads, longest first: 跨省、自治区、直辖市经营的企业 → 企业 (enterprise),
关键信息基础设施运营者 → 运营者 (operator), 其他单位或者个人 part by part → 单位, 个人. Government subjects
that bind no single body are the generic class 有关部门 / 地方人民政府 (government) or, when the text
gives them a role of their own (保护工作部门, 政策制定机关), a role party named as printed (role). A
subject matching nothing — 企业名称, 资产负债表, 出资方式 — is a thing, not a party.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["PartyClass", "DATA_PATH", "classify_party", "party_classes", "normalize_party"]

DATA_PATH = Path(__file__).with_name("data") / "party_classes.json"


@dataclass(frozen=True)
class PartyClass:
    name: str
    kind: str


@lru_cache(maxsize=2)
def _table(path: str = str(DATA_PATH)) -> tuple[list[tuple[str, PartyClass]], tuple[str, ...], re.Pattern]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    heads = [(h, PartyClass(c["name"], c["kind"])) for c in data["classes"] for h in c["heads"]]
    heads.sort(key=lambda hc: len(hc[0]), reverse=True)
    modifiers = re.compile("^(?:(?:" + "|".join(sorted(map(re.escape, data["modifiers"]), key=len, reverse=True))
                           + ")(?!级))+")  # 本级联席会议办公室 keeps 本级
    return heads, tuple(data["role_heads"]), modifiers


def party_classes() -> list[PartyClass]:
    """Every class of the table, once each."""
    return list(dict.fromkeys(c for _, c in _table()[0]))


def normalize_party(subject: str) -> str:
    """The head of a subject: after the last 的, without 相关/其他/该 and brackets (`（以下简称…）`)."""
    s = re.sub(r"\s+", "", subject)
    s = re.sub(r"[（(][^）)]*[）)]", "", s)
    if "的" in s:
        s = s.rsplit("的", 1)[1] or s
    return _table()[2].sub("", s) or s


def classify_party(subject: str) -> PartyClass | None:
    """The actor class a printed subject (one part of it) belongs to, or None for a thing."""
    heads, role_heads, _ = _table()
    raw = re.sub(r"\s+", "", subject)
    name = normalize_party(raw)
    for head, cls in heads:
        if raw.endswith(head) and cls.kind == "government" and len(head) > 2:
            return cls  # 有关主管部门, 国务院有关部门: generic before any role
    for head, cls in heads:
        if name.endswith(head):
            if cls.kind == "organisation" and name.endswith(role_heads) and name != head:
                break  # 征信中心 is an organisation, but 联席会议办公室 is a role
            return cls
    if name.endswith(role_heads) and len(name) > 2:
        return PartyClass(name, "role")
    return None
