"""Signature lines (``男方签名：张三``): a second reading of each spouse's name.

Forms repeat the names where the spouses sign. A signature is handwritten in
real archives and may be illegible or abbreviated, so it never supplies a name
and never contradicts one: it only confirms a name read elsewhere
(``Found.support``), which lets a confident second reading of the same
characters carry a name whose first reading was unsure.
"""

from __future__ import annotations

import re

from ocr import values as V
from ocr.found import Found
from ocr.layout import Segment, row_to_right

# 签名 / 簽名 / 签字, also misread (策名) or with the 签 lost (名).
_SIGN = re.compile(r"^(?:[签簽][名字]?|.?名(?:[:：]|$))[:：\s]*")


def _signature_value(heading: Segment, segments: list[Segment]) -> tuple[str, Segment] | None:
    """The text signed after a ``男方签名`` heading on its line or row, if any."""
    nxt = segments[heading.index + 1] if heading.index + 1 < len(segments) else None
    if nxt is None or nxt.line != heading.line:
        return None
    if nxt.label is not None and nxt.label.kind == "other" and "名" in nxt.text:
        rest = segments[nxt.index + 1] if nxt.index + 1 < len(segments) else None
        if rest is not None and rest.line == nxt.line and rest.label is None:
            return rest.text, rest
        right = row_to_right(nxt, segments, max_gap=10 * nxt.height)
        return (right[0].text, right[0]) if right else None
    if nxt.label is None and _SIGN.match(nxt.text):
        text = _SIGN.sub("", nxt.text)
        if text:
            return text, nxt
        right = row_to_right(nxt, segments, max_gap=10 * nxt.height)
        return (right[0].text, right[0]) if right else None
    return None


def is_signature_heading(heading: Segment, segments: list[Segment]) -> bool:
    """True for ``男方签名`` (also ``男方名`` with the 签 lost): not a block heading."""
    nxt = segments[heading.index + 1] if heading.index + 1 < len(segments) else None
    if nxt is None or nxt.line != heading.line:
        return False
    if nxt.label is not None:
        return nxt.label.kind == "other"
    return bool(_SIGN.match(nxt.text))


def read_signatures(segments: list[Segment]) -> list[Found]:
    """Names written at the signature lines, as supporting readings (see module doc)."""
    out: list[Found] = []
    for seg in segments:
        if seg.label is None or seg.label.kind != "heading":
            continue
        signed = _signature_value(seg, segments)
        if signed is None:
            continue
        name = V.clean_name(signed[0])
        if name:
            value_seg = signed[1]
            out.append(
                Found(
                    "name",
                    name,
                    value_seg,
                    value_seg.confidence,
                    ["from_signature"],
                    seg.label.key,
                    support=True,
                )
            )
    return out
