"""What a synthetic record says: people, dates, ID numbers, certificate numbers.

Everything here is drawn from a ``numpy.random.Generator`` so a record is a
pure function of (seed, index). Values follow the domain facts of design.md:
ages and Chinese-numeral dates in 1950-55, no IDs before 1985, 15-digit IDs in
1985-99 (birth date and sex digit consistent with the person), 18-digit IDs with
a correct GB 11643 check character from 2000.

Region codes: the project's contracts (design.md) use 620722 for the county,
so the synthetic county is 620722; neighbours are other 6207xx codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from schemas.idnumber import check_char
from schemas.names import simplify_name
from synth.text import format_age, format_date, format_month, in_script, pick_labels

ERAS: dict[str, tuple[int, int]] = {
    "1950-55": (1950, 1955),
    "1956-84": (1956, 1984),
    "1985-99": (1985, 1999),
    "2000+": (2000, 2024),
}
RECORD_TYPES = ("marriage", "divorce", "reissue", "annulment")

COMMON_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭萧田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严武戴孔向汤安常祁鲁席柴寇牛火"
)
POLYPHONIC_SURNAMES = ("单", "曾", "解", "仇", "区", "查", "朴", "盖")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "慕容")
HUI_SURNAMES = "马马马海纳沙丁哈穆杨"
YUGUR_SURNAMES = "安贺钟郎杜兰妥"
GIVEN_MALE = (
    "建国国华志强明伟军永福德文兴学春海生发荣忠平成保有宝玉林山贵喜财仁义礼全富"
    "东红卫兵彬斌浩磊鹏涛鑫杰俊勇刚辉军峰"
)
GIVEN_FEMALE = "秀英桂兰玉梅凤霞芳花琴娟丽燕红萍珍淑金银翠巧云月香菊兰莲婷静悦敏慧娜丹雪晶"
RARE_GIVEN = "堃喆犇淼赟珺玥婧旻彧琎昇"
# CJK Extension B characters seen in real names; rendered with a font that has them.
EXT_B_GIVEN = ("\U0002003e", "\U0002123c", "\U00020bb7")
TIBETAN_NAMES_M = ("扎西", "多杰", "才让", "索南多杰", "贡布")
TIBETAN_NAMES_F = ("卓玛", "拉姆", "才让卓玛", "央金", "德吉")
MONGOL_NAMES_M = ("巴特尔", "额尔敦", "那顺")
MONGOL_NAMES_F = ("其其格", "萨仁", "乌兰")
ETHNICITIES = ("汉", "回", "藏", "裕固", "蒙古")
ETHNICITY_WEIGHTS = (0.86, 0.06, 0.03, 0.03, 0.02)

HOME_REGION = "620722"
NEIGHBOUR_REGIONS = ("620702", "620721", "620723", "620724", "620725")
FAR_REGIONS = ("640102", "632221", "622101", "620102", "410102")
TOWNS = (
    "城关镇",
    "南华镇",
    "宣化镇",
    "巷道镇",
    "合黎乡",
    "骆驼城镇",
    "新坝镇",
    "罗城镇",
    "黑泉乡",
)
VILLAGES = ("东联村", "西街村", "红星村", "五一村", "胜利村", "前进村", "新生村", "友好村")
OCCUPATIONS = ("农民", "社员", "工人", "干部", "教师", "医生", "个体", "职工", "学生")


@dataclass
class PartySpec:
    """One person as written on the form plus the truth behind it."""

    role: str
    name: str  # as printed (traditional in 1950-55)
    name_simplified: str
    sex: str
    birth: date
    age: int
    ethnicity: str
    show_birth: bool
    show_age: bool
    id_number: str | None = None
    id_number_18: str | None = None
    occupation: str = ""
    address: str = ""


@dataclass
class RecordSpec:
    """One record: truth values and the strings printed for them."""

    record_id: str
    era: str
    record_type: str
    reg_date: date
    certificate_no: str
    office: str
    traditional: bool
    date_style: str
    labels: dict[str, str]
    parties: list[PartySpec] = field(default_factory=list)

    def text(self, simplified: str) -> str:
        """Printed text in the record's script."""
        return in_script(simplified, self.traditional)

    def printed_date(self, d: date) -> str:
        return format_date(d, self.date_style)

    def printed_birth(self, p: PartySpec) -> str:
        if self.birth_is_month:
            return format_month(p.birth, "chinese" if self.date_style == "chinese" else "cn")
        return format_date(p.birth, self.date_style)

    @property
    def birth_is_month(self) -> bool:
        """The form asks 出生年月 (year and month only)."""
        return self.labels["birth"].endswith("年月")

    def printed_age(self, p: PartySpec) -> str:
        return format_age(p.age, self.era == "1950-55", self.traditional)

    def printed_ethnicity(self, p: PartySpec) -> str:
        suffix = "族" if (self.era != "1950-55" and len(p.ethnicity) == 1) else ""
        return self.text(p.ethnicity + suffix)

    def printed_sex(self, p: PartySpec) -> str:
        return "男" if p.sex == "M" else "女"


def _choice(rng: np.random.Generator, items, p=None):
    return items[int(rng.choice(len(items), p=p))]


def _given_name(rng: np.random.Generator, sex: str) -> str:
    pool = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
    length = 1 if rng.random() < 0.3 else 2
    chars = [pool[int(rng.integers(len(pool)))] for _ in range(length)]
    roll = rng.random()
    if roll < 0.06:
        chars[-1] = RARE_GIVEN[int(rng.integers(len(RARE_GIVEN)))]
    elif roll < 0.09:
        chars[-1] = _choice(rng, EXT_B_GIVEN)
    return "".join(chars)


def person_name(rng: np.random.Generator, sex: str, ethnicity: str) -> str:
    """A plausible name (simplified) for the region and ethnicity."""
    if ethnicity == "藏":
        return _choice(rng, TIBETAN_NAMES_M if sex == "M" else TIBETAN_NAMES_F)
    if ethnicity == "蒙古" and rng.random() < 0.6:
        return _choice(rng, MONGOL_NAMES_M if sex == "M" else MONGOL_NAMES_F)
    roll = rng.random()
    if ethnicity == "回" and roll < 0.7:
        surname = HUI_SURNAMES[int(rng.integers(len(HUI_SURNAMES)))]
    elif ethnicity == "裕固" and roll < 0.7:
        surname = YUGUR_SURNAMES[int(rng.integers(len(YUGUR_SURNAMES)))]
    elif roll < 0.06:
        surname = _choice(rng, POLYPHONIC_SURNAMES)
    elif roll < 0.08:
        surname = _choice(rng, COMPOUND_SURNAMES)
    else:
        surname = COMMON_SURNAMES[int(rng.integers(len(COMMON_SURNAMES)))]
    given = _given_name(rng, sex)
    if len(surname) == 2:
        given = given[:1]
    return surname + given


def traditional_name(simplified: str) -> str:
    """A name as written in traditional script.

    Character-by-character conversion is wrong for some surnames (于 is not 於,
    余 is not 餘): a character whose traditional form does not simplify back to
    it is kept as it is, as such names are written.
    """
    trad = list(in_script(simplified, True))
    if len(trad) != len(simplified):
        return simplified
    for i, ch in enumerate(simplified):
        if simplify_name(trad[i]) != ch:
            trad[i] = ch
    return "".join(trad)


def _random_date(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers((last - first).days + 1)))


def _same_day_years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _birth_for_age(rng: np.random.Generator, reg: date, age: int) -> date:
    """A birth date that makes the person exactly ``age`` on ``reg``."""
    latest = _same_day_years_before(reg, age)
    earliest = _same_day_years_before(reg, age + 1) + timedelta(days=1)
    return _random_date(rng, earliest, latest)


def id_number_15(rng: np.random.Generator, region: str, birth: date, sex: str) -> str:
    """Legacy 15-digit ID: region + YYMMDD + sequence (last digit odd = male)."""
    seq = int(rng.integers(0, 100)) * 10 + int(
        rng.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
    )
    return f"{region}{birth:%y%m%d}{seq:03d}"


def id_number_18(rng: np.random.Generator, region: str, birth: date, sex: str) -> str:
    """GB 11643 18-digit ID with its MOD 11-2 check character."""
    seq = int(rng.integers(0, 100)) * 10 + int(
        rng.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
    )
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def _region(rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.75:
        return HOME_REGION
    if roll < 0.93:
        return _choice(rng, NEIGHBOUR_REGIONS)
    return _choice(rng, FAR_REGIONS)


def _office(rng: np.random.Generator, era: str, year: int) -> str:
    if era == "1950-55":
        return _choice(rng, ("高台县人民政府", "高台县人民政府民政科"))
    if era == "1956-84":
        if year < 1968:
            return "高台县人民委员会"
        if year < 1981:
            return "高台县革命委员会"
        return "高台县人民政府"
    if era == "1985-99":
        return "高台县民政局"
    return _choice(rng, ("高台县民政局婚姻登记处", "甘肃省高台县民政局婚姻登记处", "高台县民政局"))


def certificate_number(rng: np.random.Generator, era: str, record_type: str, year: int) -> str:
    """Certificate number in the style of the era (local forms or J/L/BJ/BL)."""
    seq = int(rng.integers(1, 900))
    kind = {"divorce": "离", "annulment": "婚"}.get(record_type, "婚")
    if era == "1950-55":
        return f"高民{kind}字第{seq:03d}号"
    if era == "1956-84":
        return f"({year % 100:02d})高{kind}字第{seq}号"
    modern = era == "2000+" or rng.random() < 0.5
    if not modern:
        return f"({year % 100:02d})高民{kind}字第{seq:03d}号"
    prefix = {"marriage": "J", "divorce": "L", "annulment": "J"}.get(record_type, "")
    if record_type == "reissue":
        prefix = "BL" if rng.random() < 0.25 else "BJ"
    return f"{prefix}{HOME_REGION}-{year}-{int(rng.integers(1, 3000)):06d}"


def _party(
    rng: np.random.Generator, role: str, era: str, reg: date, traditional: bool
) -> PartySpec:
    sex = "M" if role == "husband" else "F"
    ethnicity = _choice(rng, ETHNICITIES, p=ETHNICITY_WEIGHTS)
    # legal minimum ages: 20/18 under the 1950 law, 22/20 from 1981
    lo = (20 if sex == "M" else 18) if reg.year < 1981 else (22 if sex == "M" else 20)
    age = int(lo + rng.gamma(2.0, 2.5)) if rng.random() < 0.9 else int(rng.integers(30, 68))
    birth = _birth_for_age(rng, reg, age)
    simplified = person_name(rng, sex, ethnicity)
    if era == "1950-55":
        show_birth, show_age = False, True
    elif era == "1956-84":
        show_birth = bool(rng.random() < 0.5)
        show_age = not show_birth
    else:
        show_birth, show_age = True, bool(rng.random() < 0.3)
    region = _region(rng)
    id15 = id18 = None
    if era == "1985-99":
        id15 = id_number_15(rng, region, birth, sex)
        id18 = id15[:6] + "19" + id15[6:]
        id18 += check_char(id18)
    elif era == "2000+":
        id15 = id18 = id_number_18(rng, region, birth, sex)
    town = _choice(rng, TOWNS)
    name = traditional_name(simplified) if traditional else simplified
    return PartySpec(
        role=role,
        name=name,
        name_simplified=simplify_name(name),  # the project's normalizer (e.g. 昇 -> 升)
        sex=sex,
        birth=birth,
        age=age,
        ethnicity=ethnicity,
        show_birth=show_birth,
        show_age=show_age,
        id_number=id15,
        id_number_18=id18,
        occupation=in_script(_choice(rng, OCCUPATIONS), traditional),
        address=in_script(f"高台县{town}{_choice(rng, VILLAGES)}", traditional),
    )


def _date_style(rng: np.random.Generator, era: str) -> str:
    if era == "1950-55":
        return "chinese"
    if era == "1956-84":
        return _choice(rng, ("chinese", "ymd_cn", "ymd_cn"))
    if era == "1985-99":
        return _choice(rng, ("ymd_cn", "dotted", "chinese"))
    return _choice(rng, ("ymd_cn_padded", "iso", "ymd_cn"))


def make_record(rng: np.random.Generator, record_id: str, era: str, record_type: str) -> RecordSpec:
    """Draw one record of the given era and type."""
    first, last = ERAS[era]
    reg = _random_date(rng, date(first, 1, 1), date(last, 12, 31))
    traditional = era == "1950-55"
    cert = certificate_number(rng, era, record_type, reg.year)
    spec = RecordSpec(
        record_id=record_id,
        era=era,
        record_type=record_type,
        reg_date=reg,
        certificate_no=in_script(cert, traditional),
        office=in_script(_office(rng, era, reg.year), traditional),
        traditional=traditional,
        date_style=_date_style(rng, era),
        labels=pick_labels(rng, traditional, record_type),
    )
    spec.parties = [_party(rng, role, era, reg, traditional) for role in ("husband", "wife")]
    return spec
