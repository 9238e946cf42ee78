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

import numpy as np

from synth.certificates import certificate, review_form, vertical
from synth.content import RecordSpec
from synth.form import (
    TITLES,
    Ctx,
    archive_marks,
    footer,
    make_ctx,
    party_fields,
    party_table,
    signatures,
    title,
)
from synth.pen import INKS, Pen

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "16K": (184.0, 260.0), "A5": (148.0, 210.0)}


def table_left(c: Ctx) -> None:
    """Label-left ruled table, two fields a row, long fields spanning."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    title(c, 22, TITLES[s.record_type][int(pen.rng.integers(2))])
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
    signatures(c, x0 + 2, y + 8)
    archive_marks(c)
    footer(c, x0 + 70, y + 26)


def boxes_above(c: Ctx) -> None:
    """Label-above boxes; the ID is written one digit per printed cell."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    title(c, 20, TITLES[s.record_type][int(pen.rng.integers(2))], 20)
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
    signatures(c, x0 + 2, y + 4)
    archive_marks(c)
    footer(c, x0 + 80, y + 20)


def two_column(c: Ctx) -> None:
    """label | 男方 | 女方 table."""
    s, pen = c.spec, c.pen
    w = pen.width_mm
    title(c, 22, TITLES[s.record_type][int(pen.rng.integers(2))])
    c.label(16, 35, s.labels["cert"] + "：" + s.certificate_no, 10)
    rng = pen.rng
    x0, y = float(rng.uniform(10, 18)), float(rng.uniform(40, 46))
    lab_w = float(rng.uniform(26, 36))
    cols = [lab_w, (w - 2 * x0 - lab_w) / 2, (w - 2 * x0 - lab_w) / 2]
    rh = float(rng.uniform(10.5, 13.5))
    height = party_table(c, x0, y, cols, rh, c.t("项目"), (0.35, c.rule), (11, 10, 12))
    signatures(c, x0 + 2, y + height + 12)
    archive_marks(c)
    footer(c, x0 + 60, y + height + 28)


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
