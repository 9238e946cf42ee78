"""synth: realistic synthetic scans of marriage-registration records, with ground truth.

Public surface:

- :func:`generate_batch` (``OUT/scans/…`` + ``OUT/truth.jsonl``) and its
  :class:`SynthSummary`; :func:`plan_batch` (what a batch will contain) and
  :func:`synth_record` (one planned record, a pure function of seed and index).
- :func:`make_record` + :func:`scan_page`: one record's content and one scanned
  page of it, with ``geometry=(rotation, skew_deg)`` to force the orientation.
- :func:`place_on_scanner`: the page-geometry convention of design.md as code
  (content turned counter-clockwise by ``rotation + skew_deg``).
- :data:`LAYOUT_NAMES`, :data:`ERA_NAMES`, :data:`FORMATS`.

See docs/synth.md for the truth semantics, the eras, layouts and degradations.
"""

from synth.batch import PlannedRecord, SynthSummary, generate_batch, plan_batch, synth_record
from synth.content import ERAS, make_record
from synth.degrade import place_on_scanner
from synth.formats import FORMATS
from synth.layouts import LAYOUTS
from synth.page import PageScan, scan_page

LAYOUT_NAMES = tuple(LAYOUTS)
ERA_NAMES = tuple(ERAS)

__all__ = [
    "ERA_NAMES",
    "FORMATS",
    "LAYOUT_NAMES",
    "PageScan",
    "PlannedRecord",
    "SynthSummary",
    "generate_batch",
    "make_record",
    "place_on_scanner",
    "plan_batch",
    "scan_page",
    "synth_record",
]
