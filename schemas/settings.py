"""One typed, immutable settings object, built once at the edge.

Sources, highest priority first: keyword arguments (tests), environment
variables with the prefix ``MARRIAGE_ARCHIVE_`` (e.g. ``MARRIAGE_ARCHIVE_HOME``),
a TOML config file named by ``MARRIAGE_ARCHIVE_CONFIG`` (keys as below, without
the prefix), then the defaults. No component reads ``os.environ`` itself: the
CLI / WSGI entry point calls :func:`load_settings` and passes the object down.

Every setting is documented in README.md ("Configuration").
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from schemas.errors import ConfigError

ENV_PREFIX = "MARRIAGE_ARCHIVE_"


class Settings(BaseModel):
    """All configuration of marriage-archive. Immutable once built."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- data home and storage -------------------------------------------------
    home: Path = Field(Path("./data"), description="Data home: catalog, index, work folders.")
    root_a: Path | None = Field(None, description="Preservation copy A (default HOME/copies/a).")
    root_b: Path | None = Field(None, description="Preservation copy B (default HOME/copies/b).")
    allow_single_disk: bool = Field(
        False,
        description="Allow copy A and B on one device (degraded; reported by verify, "
        "/readyz and the dashboard). Implied when both roots are left at their defaults.",
    )
    sm3_digest: bool = Field(True, description="Also record SM3 digests (GB/T 32905) in manifests.")

    # --- ingest ---------------------------------------------------------------------
    ocr_engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    second_opinion: bool = Field(True, description="Re-read IDs and dates with the other engine.")
    ocr_det_max_side: int = Field(
        1600,
        ge=480,
        le=4000,
        description="Text detection runs on the page scaled to this longest side (pixels); "
        "recognition reads the line crops at full resolution.",
    )
    ocr_runtime: Literal["auto", "openvino", "onnxruntime"] = Field(
        "auto",
        description="Runtime of RapidOCR's models: auto = OpenVINO when installed "
        "(about twice as fast on x86 CPUs), else onnxruntime.",
    )
    ocr_rec_model: Literal["ppocrv6-small", "ppocrv4"] = Field(
        "ppocrv6-small",
        description="RapidOCR's recognition model: ppocrv6-small (18,708 characters, traditional "
        "script and handwriting; from the rapidocr 3.10.0 wheel) or ppocrv4 (6,623 characters, "
        "in the rapidocr-onnxruntime wheel).",
    )
    ocr_precision: Literal["f32", "bf16", "auto"] = Field(
        "f32",
        description="Arithmetic of RapidOCR's networks on OpenVINO: f32 reads the same on every "
        "x86 CPU; bf16 is about twice as fast where the CPU has AMX/AVX512-BF16 and reads "
        "~3% of lines differently; auto = OpenVINO's choice for the CPU (bf16 where it can).",
    )
    ocr_probe_precision: Literal["f32", "bf16", "auto"] = Field(
        "auto",
        description="Arithmetic of the orientation probe's readings on OpenVINO (which quarter "
        "turn of a page is upright; no text of them is kept): auto = OpenVINO's choice for the "
        "CPU, bf16 where it has AMX/AVX512-BF16 (about half the probe's cost, the same "
        "decisions on the pages measured: docs/ocr.md), f32 elsewhere.",
    )
    tesseract_runtime: Literal["auto", "library", "process"] = Field(
        "auto",
        description="How Tesseract runs: auto = in this process through libtesseract when it "
        "loads (same readings, no process start per call), else a process per call.",
    )
    workers: int = Field(0, ge=0, description="Worker processes; 0 = number of cores.")
    max_pixels: int = Field(120_000_000, gt=0, description="Pixel limit per page (bomb guard).")
    max_pages: int = Field(40, gt=0, description="Pages per file before it is rejected.")
    max_file_bytes: int = Field(512 * 1024 * 1024, gt=0)
    file_timeout_s: float = Field(300.0, gt=0, description="Time limit per input file.")
    worker_max_files: int = Field(
        200, ge=1, description="An ingest worker is replaced after this many files (bounds memory)."
    )
    stable_seconds: float = Field(
        2.0, ge=0, description="A file modified more recently than this is 'still growing'."
    )
    pdf_dpi: int = Field(300, ge=150, le=600, description="Minimum PDF rasterization dpi.")
    tool_timeout_s: float = Field(60.0, gt=0, description="Timeout of one external program call.")

    # --- search ------------------------------------------------------------------------
    search_backend: Literal["sqlite", "elasticsearch", "opensearch"] = "sqlite"
    search_url: str | None = None
    search_username: str | None = None
    search_password: SecretStr | None = None
    search_ca_certs: Path | None = None
    search_index_prefix: str = "marriage-archive"
    search_timeout_s: float = Field(
        10.0, gt=0, description="Time limit of one request to an Elasticsearch/OpenSearch cluster."
    )

    # --- web and API ---------------------------------------------------------------
    secret_key: SecretStr | None = Field(
        None, description="Flask session key; generated once into HOME/secrets/ when unset."
    )
    audit_hmac_key: SecretStr | None = Field(
        None, description="Key for hashing queried IDs in the audit log; generated when unset."
    )
    lookup_rate_per_minute: int = Field(120, gt=0, description="Lookups per key per minute.")
    lookup_daily_quota: int = Field(20_000, gt=0, description="Lookups per key per day.")
    enumeration_alert_distinct_ids: int = Field(
        200, gt=0, description="Distinct IDs per key per hour that raise an alert log line."
    )
    max_request_bytes: int = Field(256 * 1024, gt=0)
    serve_processes: int = Field(
        0, ge=0, le=64, description="Server processes of `serve`; 0 = number of cores."
    )
    serve_threads: int = Field(
        4, ge=1, le=64, description="Python threads per server process (docs/lookup-api.md)."
    )
    cookie_secure: bool = Field(
        False, description="Send the web session cookie over HTTPS only (set true behind TLS)."
    )
    log_json: bool = True
    log_level: str = "INFO"

    @field_validator("home", "root_a", "root_b", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().absolute() if value is not None else None

    # --- derived paths (pure, no I/O) ---------------------------------------------
    @property
    def copy_a(self) -> Path:
        return self.root_a or self.home / "copies" / "a"

    @property
    def copy_b(self) -> Path:
        return self.root_b or self.home / "copies" / "b"

    @property
    def roots_are_default(self) -> bool:
        return self.root_a is None and self.root_b is None

    @property
    def single_disk_allowed(self) -> bool:
        return self.allow_single_disk or self.roots_are_default

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def index_path(self) -> Path:
        return self.home / "index.sqlite"

    @property
    def audit_path(self) -> Path:
        return self.home / "audit.sqlite"

    @property
    def auth_path(self) -> Path:
        return self.home / "auth.sqlite"

    @property
    def api_limits_path(self) -> Path:
        return self.home / "api_limits.sqlite"

    @property
    def work_dir(self) -> Path:
        return self.home / "work"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"

    @property
    def worker_count(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    @property
    def serve_process_count(self) -> int:
        return self.serve_processes or (os.cpu_count() or 1)


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"Config file {path} does not exist: fix MARRIAGE_ARCHIVE_CONFIG."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from exc
    return dict(data.get("marriage_archive", data))


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings from a config file, the environment and overrides.

    ``environ`` defaults to ``os.environ``; this is the only place that reads it.
    """
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config = env.get(ENV_PREFIX + "CONFIG")
    if config:
        values.update(_read_config_file(Path(config)))
    for key in Settings.model_fields:
        env_key = ENV_PREFIX + key.upper()
        if env_key in env:
            values[key] = env[env_key]
    values.update(overrides)
    try:
        return Settings.model_validate(values)
    except Exception as exc:  # pydantic.ValidationError -> our error with the fix
        raise ConfigError(f"Invalid configuration: {exc}") from exc
