"""The shared parts of every form: printing style, party fields, titles, signatures.

A :class:`Ctx` carries one record, the pen, and how this particular printing of
a form looks (ink, rule colour, type faces and sizes, printer feed offset).
The layouts in :mod:`synth.layouts` and :mod:`synth.certificates` draw with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.content import PartySpec, RecordSpec
from synth.pen import INKS, PRINT_BLACK, Color, Pen

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


def party_table(
    c: Ctx,
    x0: float,
    y: float,
    cols: list[float],
    rh: float,
    corner: str,
    rule: tuple[float, Color],
    sizes: tuple[float, float, float],
) -> float:
    """A ``corner | 男方 | 女方`` table, one row per field label of either party.

    ``rule`` is the ruling (width in mm, colour), ``sizes`` the point sizes of the
    party headings, the row labels and the values. Returns the table's height.
    """
    s = c.spec
    heading, label, value = sizes
    hus, wif = (dict(party_fields(c, p)) for p in s.parties)
    keys = list(dict.fromkeys([*hus.keys(), *wif.keys()]))
    rows = [rh] * (len(keys) + 1)
    c.pen.grid(x0, y, cols, rows, *rule)
    c.label(x0 + cols[0] / 2, y + rh / 2, corner, 10, "mm")
    c.label(x0 + cols[0] + cols[1] / 2, y + rh / 2, s.labels["husband"], heading, "mm")
    c.label(x0 + cols[0] + cols[1] + cols[2] / 2, y + rh / 2, s.labels["wife"], heading, "mm")
    for i, key in enumerate(keys, start=1):
        cy = y + rh * i + rh / 2
        c.label(x0 + 2, cy, key, label, max_w=cols[0] - 3)
        c.value(x0 + cols[0] + 3, cy, hus.get(key, ""), value, max_w=cols[1] - 5)
        c.value(x0 + cols[0] + cols[1] + 3, cy, wif.get(key, ""), value, max_w=cols[2] - 5)
    return sum(rows)


def title(c: Ctx, y: float, text: str, pt: float = 22) -> None:
    face = "serif_bold_sc" if not c.spec.traditional else "ming_tc"
    c.pen.printed(c.pen.width_mm / 2, y, c.t(text), pt, face, PRINT_BLACK, "mm", spacing=0.4)


def footer(c: Ctx, x: float, y: float) -> None:
    """Office, date and (for handwritten forms) the seal spot over them."""
    s, lab = c.spec, c.spec.labels
    c.label(x, y, lab["office"] + "：")
    c.value(x + 28, y, s.office, 12, max_w=80)
    c.label(x, y + 11, lab["date"] + "：")
    c.value(x + 28, y + 11, s.printed_date(s.reg_date), 12, max_w=80)
    c.pen.seal_spots.append((x + 55, y + 5))


def signatures(c: Ctx, x: float, y: float) -> None:
    """当事人签名: both names signed by hand, a red thumbprint beside each (mostly)."""
    s = c.spec
    for k, p in enumerate(s.parties):
        who = s.labels["husband"] if p.role == "husband" else s.labels["wife"]
        lx = x + k * 85
        c.label(lx, y, who + c.t("签名") + "：", 10)
        width = c.pen.hand(lx + 24, y, p.name, 14, c.ink, c.hand_face, 30)
        if c.pen.rng.random() < 0.8:
            c.pen.thumb_spots.append((lx + 30 + width, y + c.pen.rng.normal(0, 1.5)))


def archive_marks(c: Ctx) -> None:
    """An archivist's pencil note at the top corner: volume and item number (卷/件)."""
    if c.pen.rng.random() < 0.6:
        vol = f"{c.spec.reg_date.year}-{int(c.pen.rng.integers(1, 40))}"
        note = c.t(f"卷{vol} 件{int(c.pen.rng.integers(1, 120))}")
        c.pen.hand(c.pen.width_mm - 48, 9, note, 9, (115, 115, 120), "kai_sc", 40)
