"""`marriage-archive user create` and `reindex` through the real click command."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main
from schemas.settings import load_settings
from search_api.auth import check_login
from search_api.search.matching import parse_user_query
from search_api.search.sqlite_backend import SqliteBackend


def env_for(home: Path) -> dict[str, str]:
    return {"MARRIAGE_ARCHIVE_HOME": str(home), "MARRIAGE_ARCHIVE_LOG_JSON": "false"}


def test_user_create_with_password_option(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["user", "create", "--username", "zhao", "--role", "reviewer"]
    result = runner.invoke(main, [*args, "--password", "long-enough-pw"], env=env_for(tmp_path))
    assert result.exit_code == 0, result.output
    settings = load_settings(environ={}, home=tmp_path)
    user = check_login(settings, "zhao", "long-enough-pw")
    assert user is not None and user.role == "reviewer"
    again = runner.invoke(main, [*args, "--password", "long-enough-pw"], env=env_for(tmp_path))
    assert again.exit_code == 65 and "exists already" in again.output


def test_user_create_prompts_and_rejects_short_password(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["user", "create", "--username", "zhao", "--role", "clerk"]
    result = runner.invoke(main, args, input="short\nshort\n", env=env_for(tmp_path))
    assert result.exit_code == 65 and "too short" in result.output


def test_reindex_rebuilds_from_the_catalog(seeded_home: Path, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(seeded_home, home, symlinks=True)
    index = load_settings(environ={}, home=home).index_path
    result = CliRunner().invoke(main, ["reindex"], env=env_for(home))
    assert result.exit_code == 0, result.output
    assert "reindexed 7 records" in result.output
    backend = SqliteBackend(index)
    try:
        assert backend.count() == 7
        assert backend.get_cursor() == 7
        assert backend.search(parse_user_query("李娜")).hits[0].record_id == "r2012-li-na"
    finally:
        backend.close()
