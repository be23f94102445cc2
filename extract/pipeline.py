"""The extraction pipeline: one source text in, graph records out.

`extract_source` cleans and segments one file into documents, makes one carrier per document
(`extract.document.DocumentText`), runs the declared `STAGES` over it in order, and hands the
finished carrier to the writer (`extract.records.write_document`). `extract.merge.merge`
combines files.

Adding a stage is one entry in `STAGES` plus its module: a detector that reads the carrier's text
(or an earlier stage's hits) and returns hits with offsets, and a `_write_*` in `extract/records.py`
for its hits. Each stage names the carrier fields it needs and the ones it adds;
tests/test_pipeline_stages.py checks that every need is added by an earlier stage.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from extract.agencies import Gazetteer, load_gazetteer
from extract.clean import clean_lines, join_lines, typical_width
from extract.deadlines import find_deadlines
from extract.docnumber import norm_key
from extract.document import DocumentText
from extract.duty_holders import find_definitions
from extract.header import apply_page_metadata, describe, resolve_nested
from extract.issuers import find_issuers
from extract.measures import find_measures
from extract.merge import merge
from extract.obligations import find_bindings, find_obligations, has_articles
from extract.read import SourceText
from extract.records import Records, resolve_references, write_document, write_successions
from extract.relations import find_relations
from extract.sectors import find_sectors
from extract.segment import DocHeader, find_document_starts

__all__ = ["STAGES", "Stage", "extract_source", "merge", "Records"]


@dataclass(frozen=True)
class Stage:
    """One detector run over a carrier: `run(doc, gaz)` sets the fields named in `adds`."""

    name: str
    run: Callable[[DocumentText, Gazetteer], None]
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    policy_text_only: bool = True  # skipped for 解读 and digests


def _issuers(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.issuers = find_issuers(doc.header, gaz)


def _measures(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.items, doc.measures = find_measures(doc.text, gaz)


def _deadlines(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.deadlines = find_deadlines(doc.measures)


def _sectors(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.sectors = find_sectors(doc.text, doc.measures, gaz)


def _obligations(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.obligations = find_obligations(doc.text, gaz) if has_articles(doc.text) else []


def _definitions(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.definitions = find_definitions(doc.text) if doc.obligations else []


def _bindings(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.bindings = find_bindings(doc.obligations, gaz, doc.definitions)


def _relations(doc: DocumentText, gaz: Gazetteer) -> None:
    doc.supersessions, doc.citations = find_relations(doc.text, doc.header.doc_number, doc.header.title)


#: run order = list order
STAGES: tuple[Stage, ...] = (
    Stage("issuers", _issuers, needs=("header",), adds=("issuers",), policy_text_only=False),
    Stage("measures", _measures, needs=("text",), adds=("items", "measures")),
    Stage("deadlines", _deadlines, needs=("measures",), adds=("deadlines",)),
    Stage("sectors", _sectors, needs=("text", "measures"), adds=("sectors",)),
    Stage("obligations", _obligations, needs=("text",), adds=("obligations",)),
    Stage("definitions", _definitions, needs=("text", "obligations"), adds=("definitions",)),
    Stage("bindings", _bindings, needs=("obligations", "definitions"), adds=("bindings",)),
    Stage("relations", _relations, needs=("text", "header"), adds=("supersessions", "citations")),
)


def run_stages(doc: DocumentText, gaz: Gazetteer, stages: tuple[Stage, ...] = STAGES) -> DocumentText:
    for stage in stages:
        if doc.is_policy_text or not stage.policy_text_only:
            stage.run(doc, gaz)
    return doc


def documents_of(source: SourceText) -> list[DocumentText]:
    """Clean and segment one file: a carrier per document, header parsed, no stage run yet."""
    lines = clean_lines(source.lines)
    width = typical_width(lines)
    headers = [describe(lines, h, width) for h in find_document_starts(lines, width)]
    apply_page_metadata(headers, source.meta)
    _mark_news_twins(headers)
    resolve_nested(lines, headers, width)
    docs = []
    for h in headers:
        doc_lines = lines[h.start:h.end]
        if not doc_lines:
            continue
        if not h.title:  # a file holding one untitled text: name it after the file
            h.title = source.file.rsplit(".", 1)[0]
            h.doc_type = h.doc_type or "其他"
        docs.append(DocumentText(source.file, h, join_lines(doc_lines)))  # the document's own line width
    return docs


def extract_source(source: SourceText, gaz: Gazetteer | None = None) -> tuple[list[DocHeader], Records]:
    """All documents of one file with their measures, assignments, obligations and relations."""
    gaz = gaz or load_gazetteer()
    docs = documents_of(source)
    records = Records()
    for doc in docs:
        write_document(records, run_stages(doc, gaz), gaz)
    write_successions(records, gaz)
    resolve_references(records)
    return [d.header for d in docs], records


def _mark_news_twins(headers: list[DocHeader]) -> None:
    """A headline with no 文号 right before a notice of the same title is a news item about it."""
    for a, b in zip(headers, headers[1:]):
        if (a.kind == "document" and not a.doc_number and b.doc_number
                and norm_key(a.title) == norm_key(b.title)):
            a.kind, a.doc_type = "interpretation", "解读"
