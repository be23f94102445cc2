"""Who issued a document: agencies named in the title prefix or in the signature.

The title's issuers come first, else the signature's; a title that says `X等九部门` names only
the first of them, so then the signature (which lists all) is preferred.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.agencies import Gazetteer
from extract.docnumber import norm_key
from extract.segment import DocHeader

_SEVERAL = re.compile(r"[等\d一二三四五六七八九十]+部[门委]")


@dataclass(frozen=True)
class IssuerHit:
    """An issuing agency; `start`/`end` are offsets into `evidence` (the header text it was read from)."""

    surface: str
    agency_id: str
    evidence: str
    start: int
    end: int


def find_issuers(header: DocHeader, gaz: Gazetteer) -> list[IssuerHit]:
    order = (header.signature_text, header.issuers_text) if _SEVERAL.search(header.issuers_text) \
        else (header.issuers_text, header.signature_text)
    for text in order:
        mentions = gaz.find(norm_key(text))
        if mentions:
            return [IssuerHit(m.surface, m.entry.id, text, m.start, m.end) for m in mentions]
    return []
