"""The carrier: one document on its way through the stages (the move of spaCy's `Doc`).

Segmentation and the header parser fill `header`; `joined` is the document's line-joined text
with its offset → original-line map. Each stage of `extract.pipeline.STAGES` reads the carrier
and adds one typed list of hits (a field below); hits carry character offsets into `text` (or,
for issuers, into the header text they were read from) and never an id, a node or an edge.
`extract.records.write_document` turns a finished carrier into nodes and edges.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extract.clean import JoinedText
from extract.deadlines import DeadlineHit
from extract.duty_holders import Definition
from extract.issuers import IssuerHit
from extract.measures import MeasureSpan
from extract.obligations import Binding, Obligation
from extract.outline import Item
from extract.relations import Citation, Supersession
from extract.sectors import SectorHit
from extract.segment import DocHeader

#: what every carrier holds before the first stage runs
BASE_FIELDS = ("file", "header", "joined", "text")


@dataclass
class DocumentText:
    """A document's header, text and the hits of every stage that ran on it."""

    file: str
    header: DocHeader
    joined: JoinedText
    issuers: list[IssuerHit] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    measures: list[MeasureSpan] = field(default_factory=list)
    deadlines: list[DeadlineHit] = field(default_factory=list)
    sectors: list[SectorHit] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    supersessions: list[Supersession] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.joined.text

    @property
    def is_policy_text(self) -> bool:
        """Whether measures, relations and obligations are read from it (not a 解读 or a digest)."""
        return self.header.kind not in ("interpretation", "digest")
