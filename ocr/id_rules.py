"""Painting out the cell rules of an ID row without cutting the digits on them (pure).

Per-digit cells are often written or printed off centre: a digit sits on the
cell's rule, the rule running through it. Painting out every rule pixel
(``ocr.reread.remove_vertical_rules``) then cuts each such digit in two (a 6
becomes two arcs, a 2 loses its foot), and the row no longer reads. Here a
rule is painted out only where it stands alone: at a row of pixels where ink
touches the rule on both sides, a stroke crosses it there and the rule's
pixels are kept as that stroke's. Where a digit's stroke runs along the rule
and makes it wider, the part outside the rule is kept as well. The rule itself
is found from the ink, as a vertical run much taller than the digits' strokes.
A second way fills every rule pixel in from its neighbours (inpainting): a
crossing stroke is drawn on across the rule, a lone rule becomes paper. Both
lose a stroke that runs exactly along a rule (a 1 printed on it); the two are
read as one more source of the row (``ocr.reread``).
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.id_cells import INK_SHARE, gray_of

# A rule runs over at least this share of the strip's height; digits are shorter.
RULE_SHARE = 0.6
# How far (pixels) beside the rule ink counts as touching it.
REACH = 2
# Strokes must cross at least this many rules before a row counts as written
# across its rules (a speck beside one rule does not).
MIN_CROSSED_RULES = 2


def ink_mask(crop: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than the crop's paper (its median brightness): bool array.
    The same ink test as ``ocr.id_cells`` (its share and its grey of a BGR crop)."""
    gray = gray_of(crop)
    return gray < INK_SHARE * float(np.median(gray))


def rule_mask(ink: np.ndarray, share: float = RULE_SHARE) -> np.ndarray:
    """The pixels of vertical rules: ink in a vertical run at least ``share`` of the
    height, widened by a pixel either side (the rule's grey edge)."""
    tall = max(3, int(share * ink.shape[0]))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall))
    rules = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    return cv2.dilate(rules, np.ones((1, 3), np.uint8)) > 0


def crossed(ink: np.ndarray, rules: np.ndarray, reach: int = REACH) -> np.ndarray:
    """Rule pixels that a stroke crosses: in their row, ink lies within ``reach``
    pixels left of the rule's run and within ``reach`` right of it (bool array)."""
    width = rules.shape[1]
    keep = np.zeros_like(rules)
    for y in np.flatnonzero(rules.any(axis=1)).tolist():
        row = rules[y]
        cols = np.flatnonzero(row)
        breaks = np.flatnonzero(np.diff(cols) > 1)
        starts = np.concatenate(([cols[0]], cols[breaks + 1]))
        ends = np.concatenate((cols[breaks], [cols[-1]]))
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            left = ink[y, max(0, a - reach) : a] & ~row[max(0, a - reach) : a]
            right = ink[y, b + 1 : min(width, b + 1 + reach)] & ~row[b + 1 : b + 1 + reach]
            if left.any() and right.any():
                keep[y, a : b + 1] = True
    return keep


def _paper(crop: np.ndarray, ink: np.ndarray) -> np.ndarray | int:
    return np.median(crop[~ink], axis=0) if (~ink).any() else 255


def remove_rules_keeping_strokes(crop: np.ndarray) -> np.ndarray:
    """The crop with its vertical rules painted the paper's colour, except where a
    stroke crosses them (``crossed``); a new array, the crop is not changed."""
    ink = ink_mask(crop)
    rules = rule_mask(ink)
    out = crop.copy()
    out[rules & ~crossed(ink, rules)] = _paper(crop, ink)
    return out


def inpaint_rules(crop: np.ndarray) -> np.ndarray:
    """The crop with its vertical rules filled in from the pixels beside them
    (Telea inpainting): a stroke that crosses a rule is drawn on across it, a rule
    between paper becomes paper. A new array."""
    rules = rule_mask(ink_mask(crop)).astype(np.uint8) * 255
    if not rules.any():
        return crop.copy()
    return cv2.inpaint(np.ascontiguousarray(crop), rules, 3, cv2.INPAINT_TELEA)


def strokes_cross_rules(crop: np.ndarray) -> bool:
    """True when strokes cross at least ``MIN_CROSSED_RULES`` of the crop's rules.

    Only then do the versions below differ from the rules simply painted out: a
    row written inside its cells, or with no rules, would be read the same way
    twice, which is no second reading.
    """
    ink = ink_mask(crop)
    keep = crossed(ink, rule_mask(ink))
    cols = np.flatnonzero(keep.any(axis=0))
    rules_crossed = int(np.count_nonzero(np.diff(cols) > 1)) + 1 if len(cols) else 0
    return rules_crossed >= MIN_CROSSED_RULES


def ruleless_versions(crop: np.ndarray) -> list[np.ndarray]:
    """The two ways of taking the rules out of a row that keep the digits on them."""
    return [remove_rules_keeping_strokes(crop), inpaint_rules(crop)]
