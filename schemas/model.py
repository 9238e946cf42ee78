"""The record model: design.md's export format, which is also the API's record shape.

Values stay in the script they were written in (``name``); normalized forms sit
beside them. A field the machine is not sure of is ``None`` or flagged in
``fields`` (never guessed silently).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# A partial date as written: "YYYY-MM-DD", "YYYY-MM" or "YYYY".
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
FULL_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class RecordType(StrEnum):
    MARRIAGE = "marriage"
    DIVORCE = "divorce"
    REISSUE = "reissue"
    ANNULMENT = "annulment"
    UNKNOWN = "unknown"


class RecordStatus(StrEnum):
    AUTO_ACCEPTED = "auto_accepted"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"


class Role(StrEnum):
    HUSBAND = "husband"
    WIFE = "wife"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Party(_Strict):
    """One of the two people of a registration."""

    role: Role
    name: str | None = Field(None, description="As printed, in the script it was written in.")
    name_simplified: str | None = None
    sex: Literal["M", "F"] | None = None
    birth_date: str | None = Field(None, pattern=PARTIAL_DATE_PATTERN)
    age: int | None = Field(None, ge=0, le=130)
    id_number: str | None = Field(None, description="As printed (15 or 18 characters).")
    id_number_18: str | None = Field(
        None, description="Normalized 18-digit form; derived from a 15-digit ID when needed."
    )
    ethnicity: str | None = None


class Page(_Strict):
    """One page of a record, with the geometry found at preparation.

    ``rotation``: quarter turn by which the content is turned counter-clockwise
    from upright; ``skew_deg``: remaining small angle, counter-clockwise positive.
    Turning the scan clockwise by ``rotation + skew_deg`` makes it upright.
    """

    source: str = Field(description="Path relative to the batch folder.")
    page_index: int = Field(0, ge=0, description="Page within the source file.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Of the source file's bytes.")
    rotation: Literal[0, 90, 180, 270] = 0
    skew_deg: float = 0.0
    dpi: int | None = None
    width: int | None = Field(None, description="Width of the prepared (upright) page in pixels.")
    height: int | None = None
    warnings: list[str] = Field(default_factory=list)


class FieldInfo(_Strict):
    """How sure the machine is of one field, and where it was read."""

    confidence: float = Field(ge=0.0, le=1.0)
    page: int | None = Field(None, ge=0)
    bbox: list[int] | None = Field(
        None, min_length=4, max_length=4, description="[x, y, w, h] on the prepared page."
    )
    issues: list[str] = Field(default_factory=list)
    source: str | None = Field(None, description="'ocr', 'derived', 'correction', 'synth'.")


class Record(_Strict):
    """One registration file (one couple), possibly several pages."""

    record_id: str
    record_type: RecordType = RecordType.UNKNOWN
    registration_date: str | None = Field(None, pattern=PARTIAL_DATE_PATTERN)
    certificate_no: str | None = None
    office: str | None = None
    parties: list[Party] = Field(default_factory=list, max_length=2)
    pages: list[Page] = Field(default_factory=list)
    status: RecordStatus = RecordStatus.NEEDS_REVIEW
    fields: dict[str, FieldInfo] = Field(
        default_factory=dict, description="Keyed by path, e.g. 'parties[0].name'."
    )
    batch_id: str | None = None
    ingested_at: datetime | None = None
    review_reasons: list[str] = Field(
        default_factory=list, description="Why the record needs review (empty when accepted)."
    )
    version: int = Field(1, ge=1, description="Catalog version; a correction adds one.")

    def party(self, role: Role) -> Party | None:
        return next((p for p in self.parties if p.role == role), None)


class TextLine(_Strict):
    """One recognized line of text on a prepared page (engine-neutral)."""

    text: str
    bbox: list[int] = Field(min_length=4, max_length=4, description="[x, y, w, h]")
    confidence: float = Field(ge=0.0, le=1.0)
    page: int = 0


# ---- ground truth written by `synth` (export format + what was applied) ----


class AppliedPage(_Strict):
    source: str
    page_index: int = 0
    rotation: Literal[0, 90, 180, 270] = 0
    skew_deg: float = 0.0
    dpi: int = 300
    degradations: list[str] = Field(default_factory=list)
    layout: str = ""


class TruthRecord(Record):
    """A synth record: the export format plus what the generator applied."""

    era: str = ""
    applied: list[AppliedPage] = Field(default_factory=list)


def record_json_schema() -> dict:
    """The JSON Schema committed as ``schemas/record.schema.json``."""
    schema = Record.model_json_schema()
    # Readers must ignore unknown top-level keys (forward compatibility); this is
    # also what lets synth's truth.jsonl (export format + `era`, `applied`)
    # validate against the same schema. Nested objects stay closed.
    schema.pop("additionalProperties", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://gaotai.example/marriage-archive/record.schema.json"
    return schema


def truth_json_schema() -> dict:
    schema = TruthRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
