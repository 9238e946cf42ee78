"""Which spouse a value belongs to: headings (男方/女方), label prefixes, geometry, order.

Forms put the two spouses in columns (男方 | 女方), in stacked blocks, in rows
of a table with row headings, or in two repetitions of the same labels with no
heading at all. A value's slot is decided from the VALUE's position relative
to the headings of its page, which covers all of those layouts.
"""

from __future__ import annotations

from ocr.layout import Segment, same_row

HUSBAND, WIFE = "husband", "wife"
FIRST, SECOND = "p0", "p1"


def _headings(segments: list[Segment]) -> list[Segment]:
    """Heading segments, minus signature-line headings such as ``男方签名``."""
    from ocr.signature import is_signature_heading

    return [
        seg
        for seg in segments
        if seg.label is not None
        and seg.label.kind == "heading"
        and not is_signature_heading(seg, segments)
    ]


def heading_prefix(label: Segment, segments: list[Segment]) -> str | None:
    """``男方姓名`` / ``女方身份证号``: the role written right before the label, if any."""
    if label.index == 0:
        return None
    prev = segments[label.index - 1]
    if prev.line == label.line and prev.label is not None and prev.label.kind == "heading":
        return prev.label.key
    return None


def _by_geometry(
    value: Segment, anchors: list[tuple[str, Segment]], centred: bool = False
) -> str | None:
    """Slot of ``value`` given anchors ``(slot, segment)`` on its page.

    Anchors in one row are column headings: a value belongs to the nearest
    heading centre when the headings are centred over value columns
    (``centred``: a table with one label column), else to the heading whose
    block it is in (the last heading starting left of it). Anchors in different
    rows are block or row headings: the last one above the value wins.
    """
    anchors = [(k, a) for k, a in anchors if a.page == value.page]
    if not anchors:
        return None
    columns = len(anchors) >= 2 and all(same_row(anchors[0][1], a) for _, a in anchors[1:])
    if columns and centred:
        return min(anchors, key=lambda ka: abs(ka[1].cx - value.cx))[0]
    if columns:
        left_of = [(k, a) for k, a in anchors if a.left <= value.cx + a.height]
        if left_of:
            return max(left_of, key=lambda ka: ka[1].left)[0]
        return min(anchors, key=lambda ka: abs(ka[1].cx - value.cx))[0]
    above = [(k, a) for k, a in anchors if a.top <= value.cy + a.height / 2]
    if above:
        return max(above, key=lambda ka: (ka[1].top, ka[1].left))[0]
    return None


def has_twin(label: Segment, segments: list[Segment]) -> bool:
    """True when the same label is printed again on its row (one block per spouse)."""
    key = label.label.key if label.label else None
    return any(
        s.label is not None and s.label.key == key and s.index != label.index and same_row(s, label)
        for s in segments
    )


def _page_headings(page: int, segments: list[Segment]) -> list[tuple[str, Segment]]:
    """``(role, heading)`` on ``page``, or none when they cannot tell the spouses apart.

    With two 姓名 labels on the page (one block per spouse), the headings must put
    them in different roles; when OCR lost one heading (女方 read as 妨) both blocks
    fall under the other one, and the blocks themselves become the anchors.
    """
    headings = [
        (s.label.key, s) for s in _headings(segments) if s.label is not None and s.page == page
    ]
    names = [
        s for s in segments if s.label is not None and s.label.key == "name" and s.page == page
    ]
    if headings and len(names) == 2:
        roles = {_by_geometry(n, headings) for n in names}
        if len(roles) < 2:
            return []
    return headings


def slot_of(value: Segment, label: Segment, segments: list[Segment]) -> str | None:
    """``husband`` / ``wife`` when headings tell, ``p0`` / ``p1`` from layout, else None."""
    prefix = heading_prefix(label, segments)
    if prefix:
        return prefix
    headings = _page_headings(value.page, segments)
    slot = _by_geometry(value, headings, centred=not has_twin(label, segments))
    if slot:
        return slot
    if any(a.page == value.page for _, a in headings):
        return None
    names = [
        s
        for s in segments
        if s.label is not None and s.label.key == "name" and s.page == value.page
    ]
    if len(names) == 2:
        columns = same_row(names[0], names[1])
        names.sort(key=lambda s: (s.left, s.top) if columns else (s.top, s.left))
        return _by_geometry(value, [(FIRST, names[0]), (SECOND, names[1])])
    return None


def slots_in_line(values: list[Segment], label: Segment, segments: list[Segment]) -> list[str]:
    """Slots for two values of one label (a table row or column): they are different spouses.

    Headings decide when they tell the two apart; else the first value (left or
    top) is ``p0`` and the second ``p1`` (roles then come from sex).
    """
    prefix = heading_prefix(label, segments)
    if prefix:
        return [prefix] * len(values)
    headings = _page_headings(label.page, segments)
    found = [_by_geometry(v, headings, centred=not has_twin(label, segments)) for v in values]
    roles = (HUSBAND, WIFE)
    if len(values) == 2 and found[0] in roles and found[1] in roles and found[0] != found[1]:
        return [str(f) for f in found]
    if len(values) == 2:
        return [FIRST, SECOND]
    return [f or FIRST for f in found]
