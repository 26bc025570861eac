"""The ingest side of Verbatim: documents → passages → embeddings → the on-disk index."""

from index.build import BuildReport, build_index
from index.corpus import PROJECT_ROOT
from index.errors import DocumentError, LibraryError, StoreError, VerbatimError
from index.records import ROLES, Document, Passage, Role
from index.settings import Settings

__all__ = [
    "BuildReport",
    "Document",
    "DocumentError",
    "LibraryError",
    "PROJECT_ROOT",
    "Passage",
    "ROLES",
    "Role",
    "Settings",
    "StoreError",
    "VerbatimError",
    "build_index",
]
