"""synth: realistic synthetic scans of marriage-registration records, with ground truth.

Public surface:

- :func:`generate_batch` (``OUT/scans/…`` + ``OUT/truth.jsonl``) and its
  :class:`SynthSummary`; :func:`plan_batch` (what a batch will contain).
- :func:`place_on_scanner`: the page-geometry convention of design.md as code
  (content turned counter-clockwise by ``rotation + skew_deg``).
- :data:`LAYOUT_NAMES`, :data:`ERA_NAMES`, :data:`FORMATS`.
"""

from synth.batch import PlannedRecord, SynthSummary, generate_batch, plan_batch
from synth.content import ERAS
from synth.degrade import place_on_scanner
from synth.formats import FORMATS
from synth.layouts import LAYOUTS

LAYOUT_NAMES = tuple(LAYOUTS)
ERA_NAMES = tuple(ERAS)

__all__ = [
    "ERA_NAMES",
    "FORMATS",
    "LAYOUT_NAMES",
    "PlannedRecord",
    "SynthSummary",
    "generate_batch",
    "place_on_scanner",
    "plan_batch",
]
