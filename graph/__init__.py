"""The graph layer: model catalogue, stores behind one interface, queries and analysis.

    import graph
    with graph.open_store("embedded") as store:          # or "neo4j" (NEO4J_* variables)
        graph.load_export(store, "out/export", progress=print)
        graph.queries.duties_of(store, "商务部")
"""
from . import model
from .export import Export, ExportError, from_records, read_export
from .store import GraphStore, LoadError, ReadOnlyViolation, StoreError, StoreUnavailable, UnsupportedQuery
from .datadir import default_data_dir, last_build, record_build
from .stores import load_export, open_store
from . import queries, analysis  # noqa: E402  (they import .store)

__all__ = [
    "model", "queries", "analysis", "Export", "ExportError", "from_records", "read_export",
    "GraphStore", "LoadError", "ReadOnlyViolation", "StoreError", "StoreUnavailable", "UnsupportedQuery",
    "default_data_dir", "last_build", "record_build", "load_export", "open_store",
]
