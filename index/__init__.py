"""The ingest side of Verbatim: documents → passages → embeddings → the on-disk index.

The package itself exports only what both sides share, so reading an index never loads
the build: ``from index.build import build_index`` to write one.
"""

from index.corpus import PROJECT_ROOT
from index.errors import DocumentError, LibraryError, StoreError, VerbatimError
from index.records import ROLES, Document, Passage, Role
from index.settings import Settings

__all__ = [
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
]
