"""ingest: batch intake, input validation, PDF rasterization, page preparation, the pipeline.

Public surface (everything else in this package is private to it)::

    run_batch(settings, batch_dir, *, workers=None, engine=None, progress=False) -> BatchResult
    BatchResult, FileOutcome                  what a run hands back (counts, exit_code, rescan_csv)
    record_id_for(sha256) -> str              "GT-" + first 16 hex chars of the source's sha256
    prepare_page(rgb, scorer) -> PreparedPage orientation, skew, seal suppression (pure)
    upright(image, rotation, skew_deg)        apply design.md's page geometry convention
    estimate_skew, line_family                the geometry estimators (pure, on ink masks)
    suppress_red_seal(rgb)                    red seal ink painted in the paper colour
    blur_score, noise_score, resolution_warnings  DA/T 31-2017 capture-quality checks
"""

from ingest.geometry import estimate_skew, line_family
from ingest.intake import record_id_for
from ingest.pipeline import run_batch
from ingest.prepare import PreparedPage, prepare_page, upright
from ingest.quality import blur_score, noise_score, resolution_warnings
from ingest.report import BatchResult, FileOutcome
from ingest.seal import suppress_red_seal

__all__ = [
    "BatchResult",
    "FileOutcome",
    "PreparedPage",
    "blur_score",
    "estimate_skew",
    "line_family",
    "noise_score",
    "prepare_page",
    "record_id_for",
    "resolution_warnings",
    "run_batch",
    "suppress_red_seal",
    "upright",
]
