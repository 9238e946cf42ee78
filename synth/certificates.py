"""Certificate-style pages: the 兹有… paragraph, the vertical 1950s certificate,
and the printed 2000+ review form (审查处理表)."""

from __future__ import annotations

from synth.content import PartySpec
from synth.form import REVIEW_TITLES, TITLES, Ctx, party_table, signatures, title
from synth.pen import INKS, PRINT_BLACK


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
    title(c, 34, TITLES[s.record_type][2], 28)
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
    y = y0 + 46
    rh = float(pen.rng.uniform(9.0, 11.5))
    y += party_table(c, x0, y, cols, rh, "项目", (0.3, PRINT_BLACK), (10.5, 9.5, 11.5)) + 6
    pen.rect(x0, y, full, 30, 0.3)
    c.label(x0 + 3, y + 6, "审查意见：", 10)
    pen.hand(
        x0 + 25, y + 15, "材料齐全，符合规定，准予登记。", 12, INKS["black"], "kai_sc", full - 30
    )
    c.label(x0 + 3, y + 25, "登记员签名：", 10)
    pen.hand(x0 + 30, y + 25, "王丽" if pen.rng.random() < 0.5 else "陈建军", 13, INKS["black"])
    y += 36
    signatures(c, x0 + 2, y + 2)
    y += 14
    c.label(x0 + 90, y + 4, s.labels["date"] + "：", 10)
    c.value(x0 + 112, y + 4, s.printed_date(s.reg_date), 12, max_w=60)
    c.label(x0 + 90, y + 14, "婚姻登记机关（印章）", 10)
    pen.seal_spots.append((x0 + 125, y + 8))
    c.label(w / 2, pen.height_mm - 12, "中华人民共和国民政部监制", 8, "mm")
