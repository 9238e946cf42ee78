"""`python -m bench`: names are checked before any benchmark starts."""

from __future__ import annotations

import subprocess

import pytest

from bench import __main__ as runner


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Benchmark processes the runner starts (recorded, not run: each takes minutes)."""
    commands: list[list[str]] = []

    def record(command: list[str], check: bool) -> subprocess.CompletedProcess[bytes]:
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(runner.subprocess, "run", record)
    return commands


def test_an_unknown_name_after_a_known_one_runs_nothing(
    started: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert runner.run(["accuracy", "--n", "3"]) == 2
    assert started == []
    assert "unknown benchmark '--n'" in capsys.readouterr().out


def test_help_lists_the_benchmarks_and_runs_nothing(
    started: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert runner.run(["accuracy", "--help"]) == 0
    assert started == []
    out = capsys.readouterr().out
    assert all(name in out for name in runner.BENCHMARKS)


def test_named_benchmarks_run_in_the_order_given(started: list[list[str]]) -> None:
    assert runner.run(["ingest_speed", "archive_speed"]) == 0
    assert [command[2] for command in started] == ["bench.ingest_speed", "bench.archive_speed"]
