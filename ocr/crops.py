"""Cutting a box out of a page image, clipped to the page (pure).

Every re-read (ID rows, dates, names, the second opinion) cuts a padded box
from the prepared page; the padding differs, the clipping does not.
"""

from __future__ import annotations

import numpy as np


def clip(page: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """``page[y0:y1, x0:x1]`` with the corners truncated to pixels and kept on the page.

    A box partly off the page gives the part on it; one wholly off gives an empty array.
    """
    height, width = page.shape[:2]
    xa, xb = max(0, int(x0)), min(width, int(x1))
    ya, yb = max(0, int(y0)), min(height, int(y1))
    return page[ya:yb, xa:xb]
