"""Hand-built recognized lines for extraction tests (several layouts and wordings).

Each helper returns ``list[TextLine]`` as an engine would: boxes in pixels,
one line per printed box. Valid ID numbers are built with GB 11643's check
character from schemas (not from the code under test).
"""

from __future__ import annotations

from schemas.idnumber import check_char
from schemas.model import TextLine

CHAR = 40  # glyph size in pixels


def line(text: str, x: int, y: int, conf: float = 0.99, page: int = 0) -> TextLine:
    """A line whose box is as wide as its characters."""
    return TextLine(text=text, bbox=[x, y, CHAR * len(text), CHAR], confidence=conf, page=page)


def id18(region: str, birth: str, seq: str) -> str:
    """A valid 18-digit ID for ``region`` (6), ``birth`` (YYYYMMDD) and ``seq`` (3 digits)."""
    first17 = region + birth + seq
    return first17 + check_char(first17)


HUSBAND_ID = id18("620722", "19780506", "123")  # odd sequence: male
WIFE_ID = id18("620722", "19800102", "124")  # even sequence: female


def two_column_form(
    husband_id: str = HUSBAND_ID, wife_id: str = WIFE_ID, title: str = "结婚登记审查处理表"
) -> list[TextLine]:
    """Labels left of values, 男方 | 女方 columns, record fields on the same line."""
    return [
        line(title, 800, 80),
        line("登记日期：2005年3月12日", 200, 250),
        line("结婚证字号：J620722-2005-000123", 1300, 250),
        line("男方", 200, 400),
        line("女方", 1300, 400),
        line("姓名", 200, 480),
        line("张建国", 450, 480),
        line("性别", 900, 480),
        line("男", 1100, 480),
        line("姓名", 1300, 480),
        line("李秀英", 1550, 480),
        line("性别", 1900, 480),
        line("女", 2100, 480),
        line("出生日期", 200, 560),
        line("1978年5月6日", 450, 560),
        line("民族", 900, 560),
        line("汉", 1100, 560),
        line("出生日期", 1300, 560),
        line("1980年1月2日", 1550, 560),
        line("民族", 1900, 560),
        line("回", 2100, 560),
        line("身份证件号", 200, 640),
        line(husband_id, 500, 640),
        line("身份证件号", 1300, 640),
        line(wife_id, 1600, 640),
        line("登记机关：高台县民政局", 200, 900),
    ]


def labels_above_form() -> list[TextLine]:
    """Header-row table: labels in one row, one row of values per spouse, row headings."""
    return [
        line("离婚登记审查处理表", 700, 60),
        line("姓名", 300, 300),
        line("性别", 600, 300),
        line("出生日期", 800, 300),
        line("公民身份号码", 1300, 300),
        line("男方", 100, 380),
        line("王小明", 300, 380),
        line("男", 600, 380),
        line("1978.5.6", 800, 380),
        line(HUSBAND_ID, 1300, 380),
        line("女方", 100, 460),
        line("赵丽", 300, 460),
        line("女", 600, 460),
        line("1980.1.2", 800, 460),
        line(WIFE_ID, 1300, 460),
        line("登记时间", 300, 700),
        line("2006-07-08", 300, 760),
        line("证号", 1000, 700),
        line("L620722-2006-000045", 1000, 760),
    ]


def traditional_form() -> list[TextLine]:
    """1950s wording: traditional script, ages, Chinese-numeral date, local certificate no."""
    return [
        line("結婚證", 800, 60),
        line("男方", 200, 200),
        line("女方", 1200, 200),
        line("姓名：陳國華", 200, 280),
        line("姓名：劉淑貞", 1200, 280),
        line("性別：男", 200, 360),
        line("性別：女", 1200, 360),
        line("年齡：二十五歲", 200, 440),
        line("年齡：二十二歲", 1200, 440),
        line("民族：漢", 200, 520),
        line("民族：漢", 1200, 520),
        line("登記日期：一九五三年三月十二日", 200, 700),
        line("證號：高民婚字第032號", 1200, 700),
    ]


def stacked_no_heading_form() -> list[TextLine]:
    """Two repeated label blocks, no 男方/女方 headings: roles come from sex."""
    rows = [
        ("姓名：李秀英", "性别：女", "出生日期：1980年1月2日", f"身份证号：{WIFE_ID}"),
        ("姓名：张建国", "性别：男", "出生日期：1978年5月6日", f"身份证号：{HUSBAND_ID}"),
    ]
    out = [line("结婚登记申请书", 700, 60), line("登记日期：2005年3月12日", 200, 150)]
    y = 250
    for block in rows:
        for text in block:
            out.append(line(text, 200, y))
            y += 70
        y += 60
    out.append(line("结婚证号：J620722-2005-000123", 200, y))
    return out


def column(text: str, x: int, y: int, conf: float = 0.99) -> TextLine:
    """A vertical line (竖排): one glyph per row."""
    return TextLine(text=text, bbox=[x, y, CHAR, CHAR * len(text)], confidence=conf, page=0)


def vertical_certificate() -> list[TextLine]:
    """A 1950s certificate written in columns, right to left, as RapidOCR returns it."""
    return [
        column("結婚證", 1800, 100),
        column("高民婚字第032號", 1700, 100),
        column("茲有陳國華（男，二十五歲）與劉", 1500, 100),
        column("淑貞（女，二十二歲）自願結婚，", 1400, 100),
        column("經審查合於婚姻法的規定，發給此證。", 1300, 100),
        column("發證機關：", 900, 300),
        column("高臺縣人民政府", 800, 300),
        column("一九五三年三月十二日", 700, 300),
    ]


SENTENCE = "兹有张建国（男，二十五岁）与李秀英（女，二十三岁）自愿结婚，"


def sentence_certificate(conf: float = 0.99) -> list[TextLine]:
    """A certificate naming both spouses in one sentence (read at ``conf``), 1980s wording."""
    return [
        line("结婚证", 900, 60),
        line("高民婚字第123号", 1500, 160),
        line(SENTENCE, 100, 300, conf=conf),
        line("经审查符合婚姻法的规定，发给此证。", 100, 380),
        line("登记机关：高台县民政局", 900, 600),
        line("一九八二年三月十二日", 900, 680),
    ]


def sentence_printed_as(lines: list[TextLine], name: str, printed: str) -> list[TextLine]:
    """``lines`` with the sentence showing ``printed`` where OCR read ``name``: what
    the page really says when the reading of the sentence got a name wrong."""
    return [
        TextLine(
            text=ln.text.replace(name, printed), bbox=ln.bbox, confidence=ln.confidence, page=0
        )
        if ln.text == SENTENCE
        else ln
        for ln in lines
    ]


def shared_label_table(husband_id: str | None, wife_id: str | None) -> list[TextLine]:
    """A 1990s application form: one row label for both spouses (``公民身份号码``
    left of the 男方 | 女方 columns); an ID given as None is not in the lines."""
    lines = [
        line("结婚登记申请书", 700, 60),
        line("结婚证号：(95)高民婚字第219号", 200, 160),
        line("项目", 200, 260),
        line("男方", 700, 260),
        line("女方", 1300, 260),
        line("姓名", 200, 340),
        line("张建国", 700, 340),
        line("李秀英", 1300, 340),
        line("性别", 200, 420),
        line("男", 700, 420),
        line("女", 1300, 420),
        line("出生年月", 200, 500),
        line("1958年10月", 700, 500),
        line("1963年5月", 1300, 500),
        line("公民身份号码", 200, 580),
        line("登记日期：1995年3月27日", 700, 800),
    ]
    for value, x in ((husband_id, 700), (wife_id, 1300)):
        if value is not None:
            lines.append(line(value, x, 580))
    return lines
