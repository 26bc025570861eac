"""Errors of the ingest side. Each message names the problem and the way out."""

from __future__ import annotations


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
    """The on-disk index is missing, from another format or model, or damaged: the problem, then the way out."""

    def __init__(self, problem: str, fix: str = "rebuild it", by_building: bool = True):
        super().__init__(f"{problem}; {fix}")
        self.problem, self.fix, self.by_building = problem, fix, by_building

    def with_command(self, command: str) -> StoreError:
        """The same error with the build command that fixes it spelled out, for a caller that knows
        which library the index is of (the store knows only the index's folder)."""
        if not self.by_building:
            return self
        return type(self)(self.problem, f"{self.fix} with: {command}")


class IndexMissingError(StoreError):
    """No index has been built in the data directory yet."""


class IndexFormatError(StoreError):
    """The index was written by another format version, or is damaged."""
