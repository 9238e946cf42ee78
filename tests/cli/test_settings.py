"""Settings are built once at the edge from environment + config file; bad ones fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.errors import EXIT_CONFIG, ConfigError
from schemas.settings import Settings, load_settings


def test_defaults_put_everything_in_the_data_home(tmp_path: Path) -> None:
    settings = load_settings({}, home=tmp_path)
    assert settings.copy_a == tmp_path / "copies" / "a"
    assert settings.copy_b == tmp_path / "copies" / "b"
    assert settings.catalog_path.parent == tmp_path
    assert settings.roots_are_default and settings.single_disk_allowed


def test_environment_prefix_is_read(tmp_path: Path) -> None:
    env = {
        "MARRIAGE_ARCHIVE_HOME": str(tmp_path),
        "MARRIAGE_ARCHIVE_ROOT_B": str(tmp_path / "elsewhere"),
        "MARRIAGE_ARCHIVE_WORKERS": "3",
        "UNRELATED": "x",
    }
    settings = load_settings(env)
    assert settings.home == tmp_path
    assert settings.copy_b == tmp_path / "elsewhere"
    assert settings.worker_count == 3
    # An explicit root means the single-disk exception no longer applies silently.
    assert not settings.roots_are_default and not settings.single_disk_allowed


def test_config_file_then_environment_override(tmp_path: Path) -> None:
    config = tmp_path / "ma.toml"
    config.write_text('workers = 2\nocr_engine = "tesseract"\n', encoding="utf-8")
    env = {"MARRIAGE_ARCHIVE_CONFIG": str(config), "MARRIAGE_ARCHIVE_WORKERS": "1"}
    settings = load_settings(env, home=tmp_path)
    assert settings.ocr_engine == "tesseract"
    assert settings.workers == 1


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"MARRIAGE_ARCHIVE_WORKERS": "-1"}, "workers"),
        ({"MARRIAGE_ARCHIVE_OCR_ENGINE": "abbyy"}, "ocr_engine"),
        ({"MARRIAGE_ARCHIVE_CONFIG": "/nonexistent/ma.toml"}, "does not exist"),
    ],
)
def test_invalid_configuration_is_a_config_error(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert needle in str(info.value)
    assert info.value.exit_code == EXIT_CONFIG


def test_unknown_config_key_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "ma.toml"
    config.write_text("wrokers = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="wrokers"):
        load_settings({"MARRIAGE_ARCHIVE_CONFIG": str(config)})


def test_settings_are_immutable(tmp_path: Path) -> None:
    settings = load_settings({}, home=tmp_path)
    with pytest.raises(Exception, match="frozen"):
        settings.workers = 5  # type: ignore[misc]
    assert isinstance(settings, Settings)
