"""Errors of the ingest side. Each message names the problem and the way out."""


class VerbatimError(Exception):
    """Base of every error Verbatim reports to a user instead of a traceback."""


class DocumentError(VerbatimError):
    """A file cannot become a document: empty, binary, wrongly encoded, too large."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class LibraryError(VerbatimError):
    """The corpus folder or its metadata file is unusable."""


class DiskError(VerbatimError):
    """The disk refused a write (full, read-only, not permitted); what was there before is unchanged."""


class StoreError(VerbatimError):
    """The on-disk index is missing, from another format or model, or damaged."""


class IndexMissingError(StoreError):
    """No index has been built in the data directory yet."""


class IndexFormatError(StoreError):
    """The index was written by another format version, or is damaged."""
