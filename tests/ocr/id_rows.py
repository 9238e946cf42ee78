"""ID rows of per-digit boxes, drawn for the ID re-read tests.

Pages come back BGR, as prepared pages are. The label 身份证号 stands left of
the boxes; ``LABEL_BOX`` is its row from the label's right edge, where the
extraction found the (unreadable) ID value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.ocr.conftest import FONT
from tests.ocr.forms import id18

LABEL_BOX = [180, 60, 200, 40]
CELL = 56  # box width in pixels
FIRST_CELL = 220  # left edge of the first box


def hand_filled(k: int) -> tuple[int, int]:
    """Digit ``k`` inside its box, at uneven heights (as a hand fills them in)."""
    return 16, 55 + (6 if k % 2 else -4)


def over_left_rule(k: int) -> tuple[int, int]:
    """Digit ``k`` printed over its box's left border (the border runs through the
    digit), as a misaligned form printer leaves them."""
    return -8, 58


def boxed_id_row(
    digits: str,
    cells: int = 18,
    place: Callable[[int], tuple[int, int]] = hand_filled,
    paper: str = "white",
    rule: str = "black",
) -> np.ndarray:
    """The ID label and a row of ``cells`` boxes, ``digits`` written one per box
    from the left, each at ``place(k)`` = (x from the box's left edge, y), the
    boxes ruled in ``rule`` on ``paper``."""
    image = Image.new("RGB", (1500, 200), paper)
    draw = ImageDraw.Draw(image)
    draw.text((20, 60), "身份证号", fill="black", font=ImageFont.truetype(FONT, 40))
    font = ImageFont.truetype(FONT, 36)
    for k in range(cells):
        x = FIRST_CELL + CELL * k
        draw.rectangle((x, 45, x + CELL, 115), outline=rule, width=2)
        if k < len(digits):
            dx, y = place(k)
            draw.text((x + dx, y), digits[k], fill="black", font=font)
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


# an 18-digit ID with 8s in its birth digits (1988-08-28), female; the cut-8-read-as-3
# misread of the year's last digit and of the day's (the check character then fails)
EIGHTS = id18("620722", "19880828", "122")
YEAR_MISREAD = EIGHTS[:9] + "3" + EIGHTS[10:]
TWO_MISREAD = YEAR_MISREAD[:13] + "3" + YEAR_MISREAD[14:]
