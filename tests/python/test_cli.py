"""Every command has --help; user errors are one message and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from segments.cli import _parser


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    (commands,) = [action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(commands.choices)


COMMANDS = tuple(_subcommands())


@pytest.mark.parametrize("command", [(), *[(name,) for name in COMMANDS]])
def test_help(command: tuple[str, ...], capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(*command, "--help")
    assert exit_info.value.code == 0
    assert "usage: segments" in capsys.readouterr().out


def test_the_command_list_is_complete() -> None:
    assert set(COMMANDS) >= {"generate", "load", "build", "history", "export", "summary", "validate",
                             "report", "compare-engines", "parameters"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_and_option_is_described(command: str) -> None:
    parser = _subcommands()[command]
    assert parser.description, f"{command} has no description"
    undescribed = [action.dest for action in parser._actions if not action.help]
    assert not undescribed, f"{command}: options without help: {undescribed}"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("generate", "--contacts", "0", "--out", "x"), "must be at least 1"),
        (("generate", "--contacts", "10", "--out", "x", "--end-date", "2024-13-01"), "not a date"),
        (("build", "--as-of-date", "yesterday"), "not a date"),
        (("frobnicate",), "invalid choice"),
        (("build", "--vars", "[USD]"), "not a YAML mapping such as"),
        (("history", "--dates", "2024-01-31", "--vars", "{a: "), "not a YAML mapping: while parsing"),
    ],
)
def test_bad_arguments_are_rejected_by_the_parser(arguments, expected, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(*arguments)
    assert exit_info.value.code == 2
    assert expected in capsys.readouterr().err


def test_build_and_history_pass_their_vars_to_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("segments.runner.run_dbt", lambda command, dbt_vars=None: calls.append(dbt_vars))
    monkeypatch.setattr("segments.history.run_dbt", lambda command, dbt_vars=None: calls.append(dbt_vars))
    published = []
    monkeypatch.setattr("segments.publish.publish", lambda warehouse, out=None: published.append(warehouse) or {
        "relations": 0, "as_of_date": "2024-05-31", "path": out, "seconds": 0.0})
    database = str(tmp_path / "none.duckdb")
    assert run_cli("build", "--database", database, "--vars", "{segments_reporting_currency: USD, "
                   "segments_as_of_date: '2020-01-01'}", "--as-of-date", "2024-05-31") == 0
    assert run_cli("history", "--database", database, "--dates", "2024-01-31",
                   "--vars", '{"segments_rfm_bins": 3}') == 0
    assert calls == [{"segments_reporting_currency": "USD", "segments_as_of_date": "2024-05-31"},
                     {"segments_rfm_bins": 3, "segments_as_of_date": "2024-01-31"}]
    assert published == [Path(database)]  # a full build is published, the history's past dates are not
    assert run_cli("build", "--database", database, "--no-publish") == 0
    assert run_cli("build", "--database", database, "--select", "contact_rfm") == 0
    assert published == [Path(database)]  # neither with --no-publish nor after a partial build


def test_summary_without_warehouse_is_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "segments.cli", "summary", "--database", str(tmp_path / "none.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
