"""Form layouts: six genuinely different ways the same record is put on paper.

``table_left``   label-left ruled table (1956-99 local registration forms)
``boxes_above``  label-above boxes with one cell per ID digit (1985+ forms)
``two_column``   label | 男方 | 女方 table (all eras)
``certificate``  free-text certificate: 兹有…自愿结婚… paragraph with filled blanks
``review_form``  printed 结婚/离婚登记审查处理表 with header block, photo, opinion
``vertical``     1950-55 certificate written in columns, top to bottom, right to left

Each layout draws on a :class:`~synth.pen.Pen` in millimetres and records where
the office seal goes (``pen.seal_spots``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from synth.content import PartySpec, RecordSpec
from synth.pen import INKS, PRINT_BLACK, Color, Pen

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "16K": (184.0, 260.0), "A5": (148.0, 210.0)}

TITLES = {
    "marriage": ("结婚登记申请书", "结婚登记表", "结婚证"),
    "divorce": ("离婚登记申请书", "离婚登记表", "离婚证"),
    "reissue": ("补领结婚证申请书", "补发婚姻登记证表", "结婚证"),
    "annulment": ("撤销婚姻登记审查表", "撤销婚姻申请表", "撤销婚姻决定书"),
}
REVIEW_TITLES = {
    "marriage": "结婚登记审查处理表",
    "divorce": "离婚登记审查处理表",
    "reissue": "补领婚姻登记证审查处理表",
    "annulment": "撤销婚姻审查处理表",
}


@dataclass
class Ctx:
    """What a layout needs: the record, the pen, and this form's printing style."""

    spec: RecordSpec
    pen: Pen
    handwritten: bool
    ink: Color
    rule: Color
    label_face: str
    hand_face: str
    # where a printer fed the pre-printed form a little off (printed values only), mm
    feed_offset: tuple[float, float] = (0.0, 0.0)
    label_scale: float = 1.0  # type size of this printing

    def _corrected(
        self, x: float, y: float, text: str, pt: float, max_w: float
    ) -> tuple[float, float]:
        """Write a mistaken value, strike it out; the right value follows (x, room left)."""
        return _corrected_impl(self, x, y, text, pt, max_w)

    def t(self, simplified: str) -> str:
        return self.spec.text(simplified)

    def label(
        self,
        x: float,
        y: float,
        text: str,
        pt: float = 10.5,
        anchor: str = "lm",
        max_w: float | None = None,
    ) -> float:
        """Printed form text; set smaller when it would not fit ``max_w`` mm (a cell)."""
        pt *= self.label_scale
        if max_w and len(text) * pt * 0.3528 > max_w:
            pt = max_w / (len(text) * 0.3528)
        return self.pen.printed(x, y, text, pt, self.label_face, PRINT_BLACK, anchor)

    def value(
        self, x: float, y: float, text: str, pt: float = 12, max_w: float | None = None
    ) -> None:
        if not text:
            return
        if self.handwritten:
            # writers do not aim at the middle of a cell: drift up/down and rightwards
            rng = self.pen.rng
            y += float(np.clip(rng.normal(0, 0.9), -2.5, 2.5))
            x += float(rng.uniform(0, 2.5))
            if rng.random() < 0.008 and max_w and len(text) <= 12:
                x, max_w = self._corrected(x, y, text, pt, max_w)
            self.pen.hand(x, y, text, pt, self.ink, self.hand_face, max_w)
        else:
            self.pen.printed(
                x + self.feed_offset[0],
                y + self.feed_offset[1],
                text,
                pt * 0.9,
                "sans_sc" if self.spec.era == "2000+" else self.label_face,
                PRINT_BLACK,
            )


_SLIPS = "王李张刘陈杨一二三五七八九年月日村镇"


def _slip(rng: np.random.Generator, text: str) -> str:
    """A plausible mistake: the value with one character wrong."""
    k = int(rng.integers(len(text)))
    return text[:k] + _SLIPS[int(rng.integers(len(_SLIPS)))] + text[k + 1 :]


def _corrected_impl(
    c: Ctx, x: float, y: float, text: str, pt: float, max_w: float
) -> tuple[float, float]:
    wrong = _slip(c.pen.rng, text)
    width = c.pen.hand(x, y, wrong, pt * 0.9, c.ink, c.hand_face, max_w * 0.45)
    c.pen.strike_out(x, y, width, pt * 0.3528, c.ink)
    if "correction" not in c.pen.events:
        c.pen.events.append("correction")
    return x + width + 2.0, max(max_w - width - 2.0, max_w * 0.5)


def make_ctx(spec: RecordSpec, pen: Pen, rng: np.random.Generator, printed_values: bool) -> Ctx:
    """Choose the printing and writing style of one form."""
    trad = spec.traditional
    rules: tuple[Color, ...] = (
        ((28, 26, 30), (150, 40, 40), (40, 90, 80)) if spec.era != "2000+" else ((28, 26, 30),)
    )
    ink_names = ("blue_black", "black", "blue", "carbon")
    return Ctx(
        spec=spec,
        pen=pen,
        handwritten=not printed_values,
        ink=INKS[ink_names[int(rng.integers(len(ink_names)))]],
        rule=rules[int(rng.integers(len(rules)))],
        label_face=("ming_tc" if trad else ("ming_sc" if rng.random() < 0.3 else "serif_sc")),
        hand_face="kai_tc" if trad else "kai_sc",
        feed_offset=(float(rng.uniform(-2.5, 2.5)), float(rng.uniform(-2.0, 2.0))),
        label_scale=float(rng.uniform(0.9, 1.1)),
    )


def party_fields(c: Ctx, p: PartySpec) -> list[tuple[str, str]]:
    """(label, printed value) pairs of one party, in form order."""
    s, lab = c.spec, c.spec.labels
    out = [(lab["name"], p.name), (lab["sex"], s.printed_sex(p))]
    if p.show_age:
        out.append((lab["age"], s.printed_age(p)))
    if p.show_birth:
        out.append((lab["birth"], s.printed_birth(p)))
    out.append((lab["ethnicity"], s.printed_ethnicity(p)))
    if p.id_number:
        out.append((lab["id"], p.id_number))
    out += [(lab["occupation"], p.occupation), (lab["address"], p.address)]
    return out


def _title(c: Ctx, y: float, text: str, pt: float = 22) -> None:
    face = "serif_bold_sc" if not c.spec.traditional else "ming_tc"
    c.pen.printed(c.pen.width_mm / 2, y, c.t(text), pt, face, PRINT_BLACK, "mm", spacing=0.4)


def _footer(c: Ctx, x: float, y: float) -> None:
    """Office, date and (for handwritten forms) the seal spot over them."""
    s, lab = c.spec, c.spec.labels
    c.label(x, y, lab["office"] + "：")
    c.value(x + 28, y, s.office, 12, max_w=80)
    c.label(x, y + 11, lab["date"] + "：")
    c.value(x + 28, y + 11, s.printed_date(s.reg_date), 12, max_w=80)
    c.pen.seal_spots.append((x + 55, y + 5))


def _signatures(c: Ctx, x: float, y: float) -> None:
    """当事人签名: both names signed by hand, a red thumbprint beside each (mostly)."""
    s = c.spec
    for k, p in enumerate(s.parties):
        who = s.labels["husband"] if p.role == "husband" else s.labels["wife"]
        lx = x + k * 85
        c.label(lx, y, who + c.t("签名") + "：", 10)
        width = c.pen.hand(lx + 24, y, p.name, 14, c.ink, c.hand_face, 30)
        if c.pen.rng.random() < 0.8:
            c.pen.thumb_spots.append((lx + 30 + width, y + c.pen.rng.normal(0, 1.5)))


def _archive_marks(c: Ctx) -> None:
    """An archivist's pencil note at the top corner: volume and item number (卷/件)."""
    if c.pen.rng.random() < 0.6:
        vol = f"{c.spec.reg_date.year}-{int(c.pen.rng.integers(1, 40))}"
        note = c.t(f"卷{vol} 件{int(c.pen.rng.integers(1, 120))}")
        c.pen.hand(c.pen.width_mm - 48, 9, note, 9, (115, 115, 120), "kai_sc", 40)


def table_left(c: Ctx) -> None:
    """Label-left ruled table, two fields a row, long fields spanning."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    _title(c, 22, TITLES[s.record_type][int(pen.rng.integers(2))])
    c.label(w - 88, 36, s.labels["cert"] + "：", 10, "rm")
    c.value(w - 86, 36, s.certificate_no, 12, max_w=70)
    rng = pen.rng  # each printing of the form has its own proportions
    x0, y = float(rng.uniform(12, 20)), float(rng.uniform(44, 54))
    lab_w = float(rng.uniform(27, 34))
    val_w = (w - 2 * x0 - 2 * lab_w) / 2
    cols = [lab_w, val_w, lab_w, val_w]
    row = float(rng.uniform(9.5, 12.5))
    for p in s.parties:
        pen.rect(x0, y, sum(cols), row, 0.35, c.rule)
        c.label(
            x0 + sum(cols) / 2,
            y + row / 2,
            c.t("男方" if p.role == "husband" else "女方"),
            11,
            "mm",
        )
        y += row
        fields = party_fields(c, p)
        short = [f for f in fields if len(f[1]) <= 12]
        long = [f for f in fields if len(f[1]) > 12]
        for i in range(0, len(short), 2):
            pen.grid(x0, y, cols, [row], 0.3, c.rule)
            for j, (lab, val) in enumerate(short[i : i + 2]):
                cx = x0 + sum(cols[: 2 * j])
                c.label(cx + 2, y + row / 2, lab, 10, max_w=cols[0] - 3)
                c.value(cx + cols[0] + 3, y + row / 2, val, 12, max_w=cols[1] - 5)
            y += row
        for lab, val in long:
            pen.grid(x0, y, [cols[0], sum(cols[1:])], [row], 0.3, c.rule)
            c.label(x0 + 2, y + row / 2, lab, 10, max_w=cols[0] - 3)
            c.value(x0 + cols[0] + 3, y + row / 2, val, 12, max_w=sum(cols[1:]) - 6)
            y += row
        y += 5
    _signatures(c, x0 + 2, y + 8)
    _archive_marks(c)
    _footer(c, x0 + 70, y + 26)


def boxes_above(c: Ctx) -> None:
    """Label-above boxes; the ID is written one digit per printed cell."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    _title(c, 20, TITLES[s.record_type][int(pen.rng.integers(2))], 20)
    c.label(w - 18, 31, s.labels["cert"] + "  " + s.certificate_no, 10, "rm")
    x0, y, full = 14.0, 38.0, w - 28
    for p in s.parties:
        c.label(x0, y + 3, "■ " + c.t("男方" if p.role == "husband" else "女方"), 11)
        y += 7
        fields = dict(party_fields(c, p))
        lab = s.labels
        top = [lab["name"], lab["sex"], lab["ethnicity"]]
        top.append(lab["birth"] if p.show_birth else lab["age"])
        widths = [full * 0.32, full * 0.14, full * 0.18, full * 0.36]
        x = x0
        for key, bw in zip(top, widths, strict=True):
            pen.rect(x, y, bw, 15, 0.3, c.rule)
            c.label(x + 1.5, y + 3, key, 8)
            c.value(x + 3, y + 10, fields.get(key, ""), 12, max_w=bw - 5)
            x += bw
        y += 15
        if p.id_number:
            pen.rect(x0, y, full, 15, 0.3, c.rule)
            c.label(x0 + 1.5, y + 7.5, lab["id"], 8)
            cell = 6.5
            cx = x0 + full - cell * len(p.id_number) - 3
            for k, digit in enumerate(p.id_number):
                pen.rect(cx + k * cell, y + 3, cell, 9, 0.2, c.rule)
                c.value(cx + k * cell + 1.4, y + 7.5, digit, 12, max_w=cell - 1.5)
            y += 15
        for key in (lab["occupation"], lab["address"]):
            pen.rect(x0, y, full, 13, 0.3, c.rule)
            c.label(x0 + 1.5, y + 3, key, 8)
            c.value(x0 + 4, y + 9, fields[key], 12, max_w=full - 8)
            y += 13
        y += 8
    _signatures(c, x0 + 2, y + 4)
    _archive_marks(c)
    _footer(c, x0 + 80, y + 20)


def two_column(c: Ctx) -> None:
    """label | 男方 | 女方 table."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    _title(c, 22, TITLES[s.record_type][int(pen.rng.integers(2))])
    c.label(16, 35, s.labels["cert"] + "：" + s.certificate_no, 10)
    rng = pen.rng
    x0, y = float(rng.uniform(10, 18)), float(rng.uniform(40, 46))
    lab_w = float(rng.uniform(26, 36))
    cols = [lab_w, (w - 2 * x0 - lab_w) / 2, (w - 2 * x0 - lab_w) / 2]
    rh = float(rng.uniform(10.5, 13.5))
    hus, wif = (dict(party_fields(c, p)) for p in s.parties)
    keys = list(dict.fromkeys([*hus.keys(), *wif.keys()]))
    rows = [rh] * (len(keys) + 1)
    pen.grid(x0, y, cols, rows, 0.35, c.rule)
    c.label(x0 + cols[0] / 2, y + rh / 2, c.t("项目"), 10, "mm")
    c.label(x0 + cols[0] + cols[1] / 2, y + rh / 2, s.labels["husband"], 11, "mm")
    c.label(x0 + cols[0] + cols[1] + cols[2] / 2, y + rh / 2, s.labels["wife"], 11, "mm")
    for i, key in enumerate(keys, start=1):
        cy = y + rh * i + rh / 2
        c.label(x0 + 2, cy, key, 10, max_w=cols[0] - 3)
        c.value(x0 + cols[0] + 3, cy, hus.get(key, ""), 12, max_w=cols[1] - 5)
        c.value(x0 + cols[0] + cols[1] + 3, cy, wif.get(key, ""), 12, max_w=cols[2] - 5)
    _signatures(c, x0 + 2, y + rh * len(rows) + 12)
    _archive_marks(c)
    _footer(c, x0 + 60, y + rh * len(rows) + 28)


def _paragraph_segments(c: Ctx) -> list[tuple[str, bool]]:
    s = c.spec
    h, wf = s.parties

    def who(p: PartySpec) -> list[tuple[str, bool]]:
        sex = "男" if p.role == "husband" else "女"
        seg: list[tuple[str, bool]] = [(p.name, True), (c.t(f"（{sex}，"), False)]
        if p.show_age:
            seg += [(s.printed_age(p).rstrip("岁歲"), True), (c.t("岁"), False)]
        else:
            seg += [(s.printed_birth(p), True), (c.t("生"), False)]
        if p.id_number:
            seg += [(c.t("，身份证号"), False), (p.id_number, True)]
        return [*seg, ("）", False)]

    verb = {
        "marriage": "自愿结婚",
        "divorce": "自愿离婚",
        "reissue": "申请补领结婚证",
        "annulment": "的婚姻登记",
    }[s.record_type]
    tail = {
        "marriage": "，经审查合于《中华人民共和国婚姻法》关于结婚的规定，发给此证。",
        "divorce": "，经审查合于《中华人民共和国婚姻法》关于离婚的规定，发给此证。",
        "reissue": "，经审查双方婚姻关系属实，原证遗失，特予补发。",
        "annulment": "，经查系因胁迫所致，依照《中华人民共和国婚姻法》第十一条的规定，"
        "决定撤销该婚姻登记。",
    }[s.record_type]
    return [(c.t("兹有"), False), *who(h), (c.t("与"), False), *who(wf), (c.t(verb + tail), False)]


def certificate(c: Ctx) -> None:
    """Free-text certificate with a decorative border and filled-in blanks."""
    s, pen = c.spec, c.pen
    w, h = pen.width_mm, pen.height_mm
    frame = (150, 40, 40) if pen.rng.random() < 0.6 else PRINT_BLACK
    pen.rect(8, 8, w - 16, h - 16, 1.2, frame)
    pen.rect(11, 11, w - 22, h - 22, 0.35, frame)
    _title(c, 34, TITLES[s.record_type][2], 28)
    c.label(w - 22, 50, s.certificate_no, 11, "rm")
    x0, x1, y, step = 24.0, w - 24, 66.0, 13.0
    x = x0 + 8  # paragraph indent
    for text, filled in _paragraph_segments(c):
        for ch in [text] if filled else list(text):
            width = len(ch) * (4.6 if not filled else 4.4) + (4 if filled else 0)
            if filled and any(k.isdigit() for k in ch) and len(ch) > 10:
                width = len(ch) * 2.6 + 4
            if x + width > x1:
                x, y = x0, y + step
            if filled:
                pen.line(x, y + 3.5, x + width, y + 3.5, 0.2, frame)
                c.value(x + 2, y, ch, 13, max_w=width - 3)
            else:
                c.label(x, y, ch, 12.5)
            x += width
    yb = max(y + 30, h - 70)
    c.label(w - 100, yb, c.t(s.labels["office"]) + "：", 11)
    if c.handwritten:
        c.value(w - 100, yb + 12, s.office, 13, max_w=75)
    else:
        c.label(w - 100, yb + 12, s.office, 12.5)
    c.value(w - 100, yb + 26, s.printed_date(s.reg_date), 13, max_w=75)
    pen.seal_spots.append((w - 62, yb + 14))


def _vertical_segments(c: Ctx) -> list[tuple[str, bool]]:
    """The certificate text as written top-to-bottom: printed words and filled blanks."""
    s = c.spec
    out: list[tuple[str, bool]] = [("茲有" if s.traditional else "兹有", False)]
    for k, p in enumerate(s.parties):
        if k:
            out.append((c.t("与"), False))
        out += [(p.name, True), (c.t("男" if p.role == "husband" else "女") + c.t("年"), False)]
        if p.show_age:
            out += [(s.printed_age(p).rstrip("岁歲"), True), (c.t("岁"), False)]
        else:
            out += [(s.printed_birth(p), True), (c.t("生"), False)]
        out += [(c.t("住"), False), (p.address, True)]
    verb = {
        "marriage": "自愿结婚",
        "divorce": "自愿离婚",
        "reissue": "请求补发结婚证",
        "annulment": "婚姻登记应予撤销",
    }[s.record_type]
    law = "经审查合于中华人民共和国婚姻法的规定" + (
        "发给此证" if s.record_type != "annulment" else ""
    )
    return [*out, (c.t(verb), False), (c.t(law), False)]


def vertical(c: Ctx) -> None:
    """Old certificate written in columns, top to bottom, right to left (竖排)."""
    s, pen = c.spec, c.pen
    w, h = pen.width_mm, pen.height_mm
    frame = (150, 40, 40) if pen.rng.random() < 0.5 else PRINT_BLACK
    pen.rect(7, 7, w - 14, h - 14, 1.0, frame)
    pen.rect(10, 10, w - 20, h - 20, 0.3, frame)
    face = "ming_tc" if s.traditional else "serif_sc"
    x = w - 24
    pen.printed_vertical(x, 22, c.t(TITLES[s.record_type][2]), 26, face, PRINT_BLACK, 0.6)
    x -= 17
    pen.printed_vertical(x, 24, s.certificate_no, 10.5, face)
    top, bottom, col = 22.0, h - 22.0, 11.0
    x -= col + 2
    y = top
    for text, filled in _vertical_segments(c):
        chunks = [text] if filled else list(text)
        for chunk in chunks:
            need = (len(chunk) * 4.9 + 2) if filled else 5.0
            if y + need > bottom:
                x, y = x - col, top
            if filled:
                pen.line(x + 3.6, y, x + 3.6, y + need, 0.2, frame)  # the blank's side rule
                if c.handwritten:
                    pen.hand_vertical(x, y + 1, chunk, 13, c.ink, c.hand_face, need - 2)
                else:
                    pen.printed_vertical(x, y + 1, chunk, 12, face)
            else:
                pen.printed_vertical(x, y, chunk, 12.5, face, PRINT_BLACK, 0.0)
            y += need
    x -= col * 1.6
    pen.printed_vertical(x, top + 30, s.office, 13, face)
    x -= col * 1.3
    pen.hand_vertical(
        x, top + 40, s.printed_date(s.reg_date), 13, c.ink, c.hand_face, bottom - top - 40
    )
    pen.seal_spots.append((x + 8, top + 62))


def review_form(c: Ctx) -> None:
    """Printed 审查处理表: header block with photo, two-party table, opinion, signatures."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    pen.printed(w / 2, 20, REVIEW_TITLES[s.record_type], 20, "sans_bold_sc", PRINT_BLACK, "mm")
    c.label(15, 31, s.labels["cert"] + "：", 10)
    pen.printed(42, 31, s.certificate_no, 11, "sans_sc")
    x0, y0, full = 14.0, 36.0, w - 28
    pen.rect(x0, y0, full, 42, 0.4)
    c.label(x0 + 3, y0 + 6, "当事人双方近期半身免冠合影照片", 9)
    pen.rect(x0 + full - 62, y0 + 3, 58, 36, 0.3)
    pen.draw.rectangle(
        [pen.px(x0 + full - 60), pen.px(y0 + 5), pen.px(x0 + full - 6), pen.px(y0 + 37)],
        fill=(170, 160, 150),
    )
    for k, p in enumerate(s.parties):
        cx = x0 + full - 46 + k * 26
        pen.draw.ellipse(
            [pen.px(cx - 7), pen.px(y0 + 9), pen.px(cx + 7), pen.px(y0 + 25)], fill=(95, 80, 70)
        )
        pen.draw.rectangle(
            [pen.px(cx - 12), pen.px(y0 + 26), pen.px(cx + 12), pen.px(y0 + 37)],
            fill=(60, 60, 80) if p.role == "husband" else (150, 60, 60),
        )
    c.label(x0 + 3, y0 + 16, "申请类别：" + REVIEW_TITLES[s.record_type][:2] + "登记", 10)
    c.label(x0 + 3, y0 + 26, s.labels["office"] + "：" + s.office, 10)
    cols = [32.0, (full - 32) / 2, (full - 32) / 2]
    hus, wif = (dict(party_fields(c, p)) for p in s.parties)
    keys = list(dict.fromkeys([*hus.keys(), *wif.keys()]))
    y = y0 + 46
    rh = float(pen.rng.uniform(9.0, 11.5))
    pen.grid(x0, y, cols, [rh] * (len(keys) + 1), 0.3)
    c.label(x0 + cols[0] / 2, y + rh / 2, "项目", 10, "mm")
    c.label(x0 + cols[0] + cols[1] / 2, y + rh / 2, s.labels["husband"], 10.5, "mm")
    c.label(x0 + cols[0] + cols[1] + cols[2] / 2, y + rh / 2, s.labels["wife"], 10.5, "mm")
    for i, key in enumerate(keys, start=1):
        cy = y + rh * i + rh / 2
        c.label(x0 + 2, cy, key, 9.5, max_w=cols[0] - 3)
        c.value(x0 + cols[0] + 3, cy, hus.get(key, ""), 11.5, max_w=cols[1] - 5)
        c.value(x0 + cols[0] + cols[1] + 3, cy, wif.get(key, ""), 11.5, max_w=cols[2] - 5)
    y += rh * (len(keys) + 1) + 6
    pen.rect(x0, y, full, 30, 0.3)
    c.label(x0 + 3, y + 6, "审查意见：", 10)
    pen.hand(
        x0 + 25, y + 15, "材料齐全，符合规定，准予登记。", 12, INKS["black"], "kai_sc", full - 30
    )
    c.label(x0 + 3, y + 25, "登记员签名：", 10)
    pen.hand(x0 + 30, y + 25, "王丽" if pen.rng.random() < 0.5 else "陈建军", 13, INKS["black"])
    y += 36
    _signatures(c, x0 + 2, y + 2)
    y += 14
    c.label(x0 + 90, y + 4, s.labels["date"] + "：", 10)
    c.value(x0 + 112, y + 4, s.printed_date(s.reg_date), 12, max_w=60)
    c.label(x0 + 90, y + 14, "婚姻登记机关（印章）", 10)
    pen.seal_spots.append((x0 + 125, y + 8))
    c.label(w / 2, pen.height_mm - 12, "中华人民共和国民政部监制", 8, "mm")


LAYOUTS: dict[str, tuple[Callable[[Ctx], None], str, bool]] = {
    # name: (draw, paper size, printed values)
    "table_left": (table_left, "A4", False),
    "boxes_above": (boxes_above, "A4", False),
    "two_column": (two_column, "16K", False),
    "certificate": (certificate, "16K", False),
    "review_form": (review_form, "A4", True),
    "vertical": (vertical, "16K", False),
}

ERA_LAYOUTS: dict[str, tuple[str, ...]] = {
    "1950-55": ("certificate", "two_column", "vertical"),
    "1956-84": ("certificate", "table_left", "two_column"),
    "1985-99": ("table_left", "boxes_above", "two_column", "certificate"),
    "2000+": ("review_form", "boxes_above", "two_column"),
}


def _landscape(name: str, spec: RecordSpec, rng: np.random.Generator) -> bool:
    """Old certificates were often landscape sheets (upright, yet wider than tall)."""
    return (
        name in ("certificate", "vertical")
        and spec.era in ("1950-55", "1956-84")
        and rng.random() < 0.4
    )


def render_layout(name: str, spec: RecordSpec, dpi: int, rng: np.random.Generator) -> Pen:
    """Draw the clean (upright, undegraded) ink layer of one page."""
    draw, size, printed = LAYOUTS[name]
    w, h = PAGE_SIZES_MM[size]
    if _landscape(name, spec, rng):
        w, h = h, w
    pen = Pen(w, h, dpi, rng)
    pen.hand_weight = int(rng.choice([0, 0, 1])) if dpi >= 300 else 0
    pen.slant = float(np.clip(rng.normal(0.08, 0.1), -0.15, 0.35))
    pen.aspect = float(rng.uniform(0.86, 1.12))
    printed = printed or (spec.era == "2000+" and rng.random() < 0.5)
    ctx = make_ctx(spec, pen, rng, printed)
    if ctx.ink == INKS["carbon"]:  # carbon copies: soft, fuzzy strokes
        pen.hand_blur = dpi / 200
    draw(ctx)
    return pen
