"""archive: the catalog (system of record), two preservation copies, access copies,
fixity audit and repair.

Public surface (everything else in this package is private to it)::

    Archive.open(settings) -> Archive        # checks roots, migrates the catalog
    SourceFile, PageAssets, CommitResult, Change, FieldVersion, VerifyReport

See ``archive/facade.py`` for the contract of each method.
"""

from archive.facade import (
    Archive,
    BatchSummary,
    Change,
    CommitResult,
    FieldVersion,
    PageAssets,
    RejectEntry,
    SourceFile,
    VerifyFinding,
    VerifyReport,
)

__all__ = [
    "Archive",
    "BatchSummary",
    "Change",
    "CommitResult",
    "FieldVersion",
    "PageAssets",
    "RejectEntry",
    "SourceFile",
    "VerifyFinding",
    "VerifyReport",
]
