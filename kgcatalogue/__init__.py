"""The one catalogue of the graph's node labels and relationship types.

`extract/` (which writes nodes and edges) and `graph/` (which stores and queries them) both take
every label and type name from here, so neither spells one as a string literal
(tests/test_conventions.py checks it). `docs/data-model.md` describes the same catalogue
(tests/test_graph_model.py keeps them in step). How records are stored (flattening, indexes) is
`graph/model.py`'s business, not this module's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# --- node labels ---------------------------------------------------------------------------------
DOCUMENT = "Document"
MEASURE = "Measure"
AGENCY = "Agency"
SECTOR = "Sector"
OBLIGATION = "Obligation"
REGULATED_PARTY = "RegulatedParty"

# --- relationship types --------------------------------------------------------------------------
LEADS = "LEADS"
SUPPORTS = "SUPPORTS"
PART_OF = "PART_OF"
ISSUED_BY = "ISSUED_BY"
SUPERSEDES = "SUPERSEDES"
AMENDS = "AMENDS"
CITES = "CITES"
CONCERNS = "CONCERNS"
BINDS = "BINDS"
SUCCEEDED_BY = "SUCCEEDED_BY"

#: Every node also carries this label in Neo4j; its `id` is unique across the whole graph, which
#: lets edges be matched by id without knowing the endpoint's label.
BASE_LABEL = "Node"


@dataclass(frozen=True)
class NodeLabel:
    name: str
    key_properties: tuple[str, ...]
    description: str
    #: properties the full-text index (and the embedded search) covers
    text_properties: tuple[str, ...] = ()
    #: property shown when a node is listed
    display: str = "id"


@dataclass(frozen=True)
class RelType:
    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    description: str
    properties: tuple[str, ...] = field(default=())


NODE_LABELS: dict[str, NodeLabel] = {n.name: n for n in (
    NodeLabel(DOCUMENT, ("id", "title", "doc_number", "date", "effective_date", "doc_type", "issuers",
                         "in_corpus", "source_file", "line_start", "line_end", "sources_json"),
              "A policy document (law, regulation, opinion, notice …), in the corpus or only cited.",
              text_properties=("title", "doc_number"), display="title"),
    NodeLabel(MEASURE, ("id", "heading", "text", "measure_no", "generic_parties", "deadline",
                        "deadline_text", "source_file", "line_start", "line_end"),
              "A numbered item of a document that assigns responsibilities to agencies.",
              text_properties=("heading", "text"), display="heading"),
    NodeLabel(AGENCY, ("id", "name", "short_name", "aliases", "kind", "verified"),
              "A government body, one node per body whatever name it is printed under.",
              text_properties=("name", "short_name", "aliases"), display="name"),
    NodeLabel(SECTOR, ("id", "name"),
              "An economic sector or policy area a document or measure concerns.",
              text_properties=("name",), display="name"),
    NodeLabel(OBLIGATION, ("id", "subject", "subject_class", "modality", "trigger", "action", "condition",
                           "article", "paragraph", "penalty", "source_file", "line_start", "line_end"),
              "A deontic clause of a regulation: who must / must not / may do what.",
              text_properties=("subject", "action"), display="action"),
    NodeLabel(REGULATED_PARTY, ("id", "name", "kind", "aliases"),
              "A class of actor an obligation binds (企业, 申请人 …) with its kind (enterprise, operator, …).",
              text_properties=("name",), display="name"),
)}

REL_TYPES: dict[str, RelType] = {r.name: r for r in (
    RelType(LEADS, (AGENCY,), (MEASURE,), "The agency leads the measure (牵头, named before 会同, or sole).",
            ("evidence", "surface")),
    RelType(SUPPORTS, (AGENCY,), (MEASURE,), "The agency takes part in the measure without leading it.",
            ("evidence", "surface")),
    RelType(PART_OF, (MEASURE, OBLIGATION), (MEASURE, DOCUMENT),
            "Containment: a measure in a measure or document; an obligation in a document."),
    RelType(ISSUED_BY, (DOCUMENT,), (AGENCY,), "The document was issued by the agency.", ("evidence",)),
    RelType(SUPERSEDES, (DOCUMENT,), (DOCUMENT,),
            "The newer document repeals or replaces the older one (also partly).",
            ("kind", "partial", "part", "evidence")),
    RelType(AMENDS, (DOCUMENT,), (DOCUMENT,), "The newer document amends the older one.", ("kind", "evidence")),
    RelType(CITES, (DOCUMENT,), (DOCUMENT,), "The document refers to another document.", ("evidence",)),
    RelType(CONCERNS, (DOCUMENT, MEASURE), (SECTOR,), "The document or measure concerns a sector.",
            ("keywords", "score")),
    RelType(BINDS, (OBLIGATION,), (REGULATED_PARTY, AGENCY),
            "The obligation binds a party; to an Agency, the national body leading the system at `level`.",
            ("surface", "level", "defined_as")),
    RelType(SUCCEEDED_BY, (AGENCY,), (AGENCY,),
            "A reorganisation moved the agency's duties (all, or the `part` named) to the successor.",
            ("date", "instrument", "part", "evidence")),
)}

#: Labels whose nodes belong to one document (reached from it through PART_OF); re-ingesting the
#: document replaces them. Every other label (Agency, Sector, RegulatedParty, Document) is shared.
OWNED_LABELS = (MEASURE, OBLIGATION)
SHARED_LABELS = (AGENCY, SECTOR, REGULATED_PARTY, DOCUMENT)
