"""Hand-written sample records for the search tests (expected answers are ours, by hand)."""

from __future__ import annotations

from schemas.model import Party, Record, RecordStatus, RecordType, Role

# 15-digit ID of 张伟 and its 18-digit upgrade (check digit computed by hand from GB 11643).
ID15_ZHANG = "620722650312101"
ID18_ZHANG = "620722196503121015"
ID18_WANG = "620722198802150026"
ID18_SHAN = "620722199001011530"


def _party(role: Role, name: str, **kw: object) -> Party:
    return Party(role=role, name=name, **kw)  # type: ignore[arg-type]


def sample_records() -> list[Record]:
    """Seven records covering both scripts, eras, ID forms and look-alikes."""
    h, w = Role.HUSBAND, Role.WIFE
    return [
        Record(
            record_id="r1953-trad",
            record_type=RecordType.MARRIAGE,
            registration_date="1953-03-12",
            certificate_no="高民婚字第032号",
            parties=[_party(h, "張偉", age=25), _party(w, "李秀英", age=22)],
            status=RecordStatus.VERIFIED,
        ),
        Record(
            record_id="r1991-simp",
            record_type=RecordType.MARRIAGE,
            registration_date="1991-06-01",
            certificate_no="J620722-1991-000045",
            parties=[
                _party(h, "张伟", sex="M", birth_date="1965-03-12", id_number=ID15_ZHANG),
                _party(w, "王芳", sex="F", birth_date="1988-02-15", id_number=ID18_WANG),
            ],
            status=RecordStatus.AUTO_ACCEPTED,
        ),
        Record(
            record_id="r1975-lookalike",
            record_type=RecordType.DIVORCE,
            registration_date="1975",
            parties=[_party(h, "曹伟"), _party(w, "刘已")],
            status=RecordStatus.NEEDS_REVIEW,
            # as ocr.review writes them: "<kind>: <field>" and "<field>: <issue>"
            review_reasons=[
                "low_confidence: parties[1].name",
                "parties[1].name: name_character_unsure",
            ],
        ),
        Record(
            record_id="r2010-shan",
            record_type=RecordType.MARRIAGE,
            registration_date="2010-10-10",
            certificate_no="J620722-2010-000777",
            parties=[
                _party(h, "單偉", sex="M", birth_date="1990-01-01", id_number=ID18_SHAN),
                _party(w, "欧阳娜娜", sex="F"),
            ],
            status=RecordStatus.AUTO_ACCEPTED,
        ),
        Record(
            record_id="r2012-li-na",
            record_type=RecordType.REISSUE,
            registration_date="2012-01-05",
            certificate_no="BJ620722-2012-000001",
            parties=[_party(h, "赵强", sex="M"), _party(w, "李娜", sex="F")],
            status=RecordStatus.AUTO_ACCEPTED,
        ),
        Record(
            record_id="r2001-id18",
            record_type=RecordType.DIVORCE,
            registration_date="2001-09",
            certificate_no="L620722-2001-000300",
            parties=[
                _party(h, "张伟", sex="M", birth_date="1965-03-12", id_number=ID18_ZHANG),
                _party(w, "陈静", sex="F"),
            ],
            status=RecordStatus.AUTO_ACCEPTED,
        ),
        Record(
            record_id="r1962-zhang",
            record_type=RecordType.MARRIAGE,
            registration_date="1962-04-01",
            parties=[_party(h, "章伟"), _party(w, "周玉兰")],
            status=RecordStatus.NEEDS_REVIEW,
            review_reasons=["date_unreadable"],
        ),
    ]
