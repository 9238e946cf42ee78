"""Hand-written people and events for the lookup tests (expected answers written by hand).

IDs are built with GB 11643's check character (schemas.idnumber.check_char, not
the code under test) so that they are valid.
"""

from __future__ import annotations

from schemas.idnumber import check_char, upgrade_15_to_18
from schemas.model import Party, Record, RecordStatus, RecordType, Role


def id18(first17: str) -> str:
    return first17 + check_char(first17)


# P1 李明: married 2008, divorced 2012, divorce certificate reissued 2013, remarried 2015.
P1_ID = id18("62072219850312123")  # sequence 123: odd = male
P1_WIFE1_ID = id18("62072219870101002")
# P2 陈刚: printed 15-digit ID in 1988; 18-digit in 1996; two marriages, no divorce.
P2_ID15 = "620722600101131"
P2_ID18 = upgrade_15_to_18(P2_ID15)
# P3 張國華: 1953, traditional script, age only (born about 1928), no ID.
# P4 王强: marriage awaiting review.
P4_ID = id18("62072219900707001")
UNKNOWN_ID = id18("62072219770505002")  # nobody in the archive

NAMES = [
    "李明",
    "王丽",
    "赵敏",
    "陈刚",
    "刘芳",
    "孙丽",
    "張國華",
    "张国华",
    "李秀英",
    "王强",
    "周红",
]
IDS = [P1_ID, P1_WIFE1_ID, P2_ID15, P2_ID18, P4_ID]


def _p(role: Role, name: str, **kw: object) -> Party:
    return Party(role=role, name=name, **kw)  # type: ignore[arg-type]


def lookup_records() -> list[Record]:
    h, w = Role.HUSBAND, Role.WIFE
    wife1 = dict(sex="F", birth_date="1987-01-01", id_number=P1_WIFE1_ID, id_number_18=P1_WIFE1_ID)
    p1 = dict(sex="M", birth_date="1985-03-12", id_number=P1_ID, id_number_18=P1_ID)
    p2_old = dict(sex="M", birth_date="1960-01-01", id_number=P2_ID15, id_number_18=P2_ID18)
    p2_new = dict(sex="M", birth_date="1960-01-01", id_number=P2_ID18, id_number_18=P2_ID18)
    return [
        Record(
            record_id="p1-m1",
            record_type=RecordType.MARRIAGE,
            registration_date="2008-05-01",
            certificate_no="J620722-2008-000101",
            office="高台县民政局",
            parties=[_p(h, "李明", **p1), _p(w, "王丽", **wife1)],
            status=RecordStatus.VERIFIED,
        ),
        Record(
            record_id="p1-d1",
            record_type=RecordType.DIVORCE,
            registration_date="2012-03-04",
            certificate_no="L620722-2012-000031",
            office="高台县民政局",
            parties=[_p(h, "李明", **p1), _p(w, "王丽", **wife1)],
            status=RecordStatus.VERIFIED,
        ),
        Record(
            record_id="p1-bl",
            record_type=RecordType.REISSUE,
            registration_date="2013-01-09",
            certificate_no="BL620722-2013-000002",
            office="高台县民政局",
            parties=[_p(h, "李明", **p1), _p(w, "王丽", **wife1)],
            status=RecordStatus.AUTO_ACCEPTED,
        ),
        Record(
            record_id="p1-m2",
            record_type=RecordType.MARRIAGE,
            registration_date="2015-06-06",
            certificate_no="J620722-2015-000200",
            office="高台县民政局",
            parties=[_p(h, "李明", **p1), _p(w, "赵敏", sex="F", birth_date="1990-02-02")],
            status=RecordStatus.AUTO_ACCEPTED,
        ),
        Record(
            record_id="p2-m1",
            record_type=RecordType.MARRIAGE,
            registration_date="1988-02-02",
            certificate_no="高民婚字第088号",
            office="高台县民政局",
            parties=[_p(h, "陈刚", **p2_old), _p(w, "刘芳", sex="F")],
            status=RecordStatus.VERIFIED,
        ),
        Record(
            record_id="p2-m2",
            record_type=RecordType.MARRIAGE,
            registration_date="1996-09-09",
            certificate_no="J620722-1996-000050",
            office="高台县民政局",
            parties=[_p(h, "陈刚", **p2_new), _p(w, "孙丽", sex="F")],
            status=RecordStatus.VERIFIED,
        ),
        Record(
            record_id="p3-m1",
            record_type=RecordType.MARRIAGE,
            registration_date="1953-03-12",
            certificate_no="高民婚字第032号",
            office="高台縣人民政府",
            parties=[_p(h, "張國華", sex="M", age=25), _p(w, "李秀英", sex="F", age=22)],
            status=RecordStatus.VERIFIED,
        ),
        Record(
            record_id="p4-m1",
            record_type=RecordType.MARRIAGE,
            registration_date="2016-08-08",
            certificate_no="J620722-2016-000300",
            office="高台县民政局",
            parties=[
                _p(
                    h, "王强", sex="M", birth_date="1990-07-07", id_number=P4_ID, id_number_18=P4_ID
                ),
                _p(w, "周红", sex="F"),
            ],
            status=RecordStatus.NEEDS_REVIEW,
            review_reasons=["low_confidence"],
        ),
    ]
