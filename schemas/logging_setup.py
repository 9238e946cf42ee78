"""Structured logging: JSON lines on stderr, never ID numbers or names.

Every log record passes :class:`RedactingFilter`, which replaces anything that
looks like a citizen ID number (15/18 digits) with ``[ID]`` as a last line of
defence; code must still never log personal data on purpose.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from schemas.settings import Settings

_ID_PATTERN = re.compile(r"(?<![0-9])(\d{17}[0-9Xx]|\d{15})(?![0-9])")


def redact(text: str) -> str:
    """Replace ID-number-like digit runs with ``[ID]``."""
    return _ID_PATTERN.sub("[ID]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        record.msg, record.args = message, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update({k: v for k, v in extra.items() if k not in entry})
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Install the redacting handler on the ``marriage_archive`` logger tree."""
    root = logging.getLogger("marriage_archive")
    root.setLevel(settings.log_level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter()
        if settings.log_json
        else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.propagate = False
