"""Field paths of a record (``registration_date``, ``parties[0].name``): which ones a
clerk may correct, reading them, and applying corrections (pure functions).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from schemas.errors import ValidationFailed
from schemas.idnumber import parse_id
from schemas.model import FieldInfo, Party, Record

RECORD_FIELDS = ("record_type", "registration_date", "certificate_no", "office")
PARTY_FIELDS = tuple(name for name in Party.model_fields if name != "role")
_PARTY_PATH = re.compile(r"^parties\[(\d)\]\.([a-z_0-9]+)$")


def correctable_paths(record: Record) -> list[str]:
    """Every path a correction may target on this record, in a stable order."""
    paths = list(RECORD_FIELDS)
    for index in range(len(record.parties)):
        paths.extend(f"parties[{index}].{name}" for name in PARTY_FIELDS)
    return paths


def check_path(record: Record, path: str) -> None:
    """Raise ValidationFailed unless ``path`` names a correctable field of ``record``."""
    if path in RECORD_FIELDS:
        return
    match = _PARTY_PATH.match(path)
    if match and match.group(2) in PARTY_FIELDS and int(match.group(1)) < len(record.parties):
        return
    raise ValidationFailed(
        f"Unknown or read-only field {path!r}. Correctable fields: "
        f"{', '.join(correctable_paths(record))}.",
        details={"field": path},
    )


def value_text(value: Any) -> str | None:
    """How a field value is stored in the field history (text or None)."""
    if value is None:
        return None
    return str(value.value) if hasattr(value, "value") else str(value)


def get_value(record: Record, path: str) -> str | None:
    """Current value of ``path`` as text."""
    match = _PARTY_PATH.match(path)
    if match:
        return value_text(getattr(record.parties[int(match.group(1))], match.group(2)))
    return value_text(getattr(record, path))


def apply_corrections(record: Record, changes: dict[str, str | None]) -> tuple[Record, list[str]]:
    """A validated new Record with ``changes`` applied; returns it and the changed paths.

    ``fields[path]`` becomes ``source="correction"`` with confidence 1. A corrected
    ``id_number`` re-derives ``id_number_18`` unless that is corrected too.
    """
    if not changes:
        raise ValidationFailed("No corrections given: name at least one field.")
    for path in changes:
        check_path(record, path)
    data = record.model_dump(mode="json")
    changed: list[str] = []
    for path, raw in changes.items():
        value = raw.strip() if isinstance(raw, str) else raw
        value = value if value != "" else None
        if get_value(record, path) == value_text(value):
            continue
        _set(data, path, value)
        changed.append(path)
        match = _PARTY_PATH.match(path)
        if match and match.group(2) == "id_number":
            derived = f"parties[{match.group(1)}].id_number_18"
            if derived not in changes:
                check = parse_id(value) if value else None
                _set(data, derived, check.id_18 if check and check.valid else None)
                changed.append(derived)
    for path in changed:
        old = data["fields"].get(path) or {}
        info = FieldInfo(
            confidence=1.0, page=old.get("page"), bbox=old.get("bbox"), source="correction"
        )
        data["fields"][path] = info.model_dump(mode="json")
    try:
        return Record.model_validate(data), changed
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ValidationFailed(f"Correction rejected, nothing was saved: {problems}.") from exc


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    match = _PARTY_PATH.match(path)
    if match:
        data["parties"][int(match.group(1))][match.group(2)] = value
    else:
        data[path] = value
