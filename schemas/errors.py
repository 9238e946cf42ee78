"""The one exception root of marriage-archive.

Every error we raise on purpose derives from :class:`MarriageArchiveError`. Each
class carries the process exit code (CLI), the HTTP status (API) and a stable
machine-readable ``code``; its message tells the operator what to do next.
Errors are translated in exactly one place per surface: the CLI entry point,
the Flask error handler, and the per-document loop of the ingest pipeline.

Exit codes (documented in README.md):

====  =====================================================================
0     success
2     usage error (click)
3     finished, some records need review
4     finished, some files were rejected (see the rescan list)
5     finished, some files failed with an internal error
65    bad input data (EX_DATAERR)
69    a required external tool or service is unavailable (EX_UNAVAILABLE)
70    internal software error (EX_SOFTWARE)
74    storage / I/O error (EX_IOERR)
75    temporary failure, retry later (EX_TEMPFAIL)
76    fixity audit found problems
77    permission denied (EX_NOPERM)
78    unsafe or invalid configuration (EX_CONFIG)
====  =====================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NEEDS_REVIEW = 3
EXIT_REJECTED = 4
EXIT_FAILED = 5
EXIT_DATAERR = 65
EXIT_UNAVAILABLE = 69
EXIT_SOFTWARE = 70
EXIT_IOERR = 74
EXIT_TEMPFAIL = 75
EXIT_FIXITY = 76
EXIT_NOPERM = 77
EXIT_CONFIG = 78


class MarriageArchiveError(Exception):
    """Root of all our errors. ``message`` must say what to do next."""

    exit_code: int = EXIT_SOFTWARE
    http_status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}


class ConfigError(MarriageArchiveError):
    """Unsafe or invalid configuration; the service refuses to start."""

    exit_code = EXIT_CONFIG
    http_status = 500
    code = "config_error"


class ToolUnavailable(MarriageArchiveError):
    """An external program, model or server we need is missing or not answering."""

    exit_code = EXIT_UNAVAILABLE
    http_status = 503
    code = "unavailable"


class ToolTimeout(ToolUnavailable):
    """An external program did not finish within its time limit."""

    code = "timeout"


class InputRejected(MarriageArchiveError):
    """An input file cannot be ingested; ``code`` is the reason code."""

    exit_code = EXIT_REJECTED
    http_status = 422
    code = "rejected"


class ValidationFailed(MarriageArchiveError):
    """A request or value failed validation."""

    exit_code = EXIT_DATAERR
    http_status = 422
    code = "validation_error"


class StorageError(MarriageArchiveError):
    """Writing or reading a storage root or the catalog failed."""

    exit_code = EXIT_IOERR
    http_status = 503
    code = "storage_error"


class FixityError(MarriageArchiveError):
    """A fixity audit found damage, or a staged copy did not verify."""

    exit_code = EXIT_FIXITY
    http_status = 500
    code = "fixity_error"


class NotFound(MarriageArchiveError):
    exit_code = EXIT_DATAERR
    http_status = 404
    code = "not_found"


class AuthRequired(MarriageArchiveError):
    exit_code = EXIT_NOPERM
    http_status = 401
    code = "unauthorized"


class PermissionDenied(MarriageArchiveError):
    exit_code = EXIT_NOPERM
    http_status = 403
    code = "forbidden"


class Conflict(MarriageArchiveError):
    exit_code = EXIT_DATAERR
    http_status = 409
    code = "conflict"


class BatchLocked(MarriageArchiveError):
    """Another ingest run holds the lock of this batch folder; try again when it ends."""

    exit_code = EXIT_TEMPFAIL
    http_status = 409
    code = "batch_locked"


class RateLimited(MarriageArchiveError):
    exit_code = EXIT_TEMPFAIL
    http_status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int = 1, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after
