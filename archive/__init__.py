"""archive: the catalog (system of record), two preservation copies, access copies,
fixity audit and repair.

Public surface (everything else in this package is private to it)::

    Archive.open(settings) -> Archive        # checks roots, migrates the catalog
    SourceFile, PageAssets, CommitResult, Change, FieldVersion, VerifyReport
    write_export(archive, out)               # export format, one JSON object a line

See ``archive/facade.py`` for the contract of each method and docs/archive.md
for the package layout (OCFL 1.1), the write path and the fixity audit.
"""

from archive.export import write_export
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
    "write_export",
]
