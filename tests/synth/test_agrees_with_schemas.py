"""What synth writes agrees with the project's own validators and normalizers.

If these fail, either the generator or a validator is wrong about the domain:
both sides are fixed, never the expectation.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from schemas.certno import parse_certificate_no
from schemas.dates import parse_date
from schemas.names import simplify_name
from synth.content import ERAS, RECORD_TYPES, make_record

TODAY = date(2030, 1, 1)


def _specs(era: str, count: int = 30):
    types = RECORD_TYPES if era != "1950-55" else ("marriage", "divorce")
    return [
        make_record(np.random.default_rng([8, i]), f"r{i}", era, types[i % len(types)])
        for i in range(count)
    ]


@pytest.mark.parametrize("era", list(ERAS))
def test_printed_certificate_numbers_parse(era):
    for spec in _specs(era):
        parsed = parse_certificate_no(spec.certificate_no, today=TODAY)
        assert parsed.valid, (spec.certificate_no, parsed.errors)
        if parsed.year is not None:
            assert parsed.year == spec.reg_date.year


@pytest.mark.parametrize("era", list(ERAS))
def test_printed_dates_parse_back_to_the_truth(era):
    for spec in _specs(era):
        parsed = parse_date(spec.printed_date(spec.reg_date), today=TODAY)
        assert parsed.value == spec.reg_date.isoformat(), (spec.printed_date(spec.reg_date),)
        for p in spec.parties:
            if p.show_birth:
                printed = spec.printed_birth(p)
                want = p.birth.strftime("%Y-%m") if spec.birth_is_month else p.birth.isoformat()
                assert parse_date(printed, today=TODAY, min_year=1880).value == want, printed


@pytest.mark.parametrize("era", list(ERAS))
def test_names_keep_their_characters_through_the_normalizer(era):
    for spec in _specs(era):
        for p in spec.parties:
            assert simplify_name(p.name) == p.name_simplified, (p.name, p.name_simplified)
            assert len(p.name) == len(p.name_simplified)
            if not spec.traditional:
                # a simplified-era name only changes where the normalizer folds variants
                assert sum(a != b for a, b in zip(p.name, p.name_simplified, strict=True)) <= 1
