"""Shared command-line behaviour, driven as a user would.

Most checks run the command in-process (typer's runner: same parsing, same exit codes, stdout and
stderr kept apart) to keep the suite fast; a few run the installed ``pos2`` script in a
subprocess. Exit codes (src/pos2/cli/common.py): 0 ok, 1 pos2 error, 2 bad input/usage, 3 refused
overwrite.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

POS2 = Path(sys.executable).parent / "pos2"
COMMANDS = ("twin", "economics", "deal", "report", "sources", "serve")
SCENARIO_COMMANDS = ("twin", "economics", "deal", "report", "sources")


def run_pos2(*args: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``pos2 ARGS`` in a subprocess, with a wide uncoloured terminal so messages are not wrapped."""
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [str(POS2), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env, check=False
    )


@dataclass
class Run:
    """What a user sees: exit code, stdout, stderr."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    """``pos2 ARGS`` in-process with a wide terminal."""
    from typer.testing import CliRunner

    from pos2.cli import app

    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Run(r.exit_code, r.stdout, r.stderr)


def _has_command(name: str) -> bool:
    return importlib.util.find_spec(f"pos2.cli.{name}") is not None


def _needs(name: str) -> None:
    if not _has_command(name):
        pytest.skip(f"`pos2 {name}` is not in this build yet (src/pos2/cli/{name}.py)")


def test_help_lists_every_command() -> None:
    r = run_pos2("--help")  # the installed script, as a user runs it
    assert r.returncode == 0
    for name in COMMANDS:
        assert name in r.stdout, name


@pytest.mark.parametrize("name", SCENARIO_COMMANDS)
def test_shared_options_exist_on_every_command(name: str) -> None:
    _needs(name)
    r = run_cli(name, "--help")
    assert r.returncode == 0, r.stderr
    for opt in ("--scenario", "--set", "--out", "--quiet", "--debug"):
        assert opt in r.stdout, f"pos2 {name} lacks {opt}"


@pytest.mark.parametrize("name", ["sources", "report"])
def test_unknown_set_key_suggests_the_nearest(name: str, tmp_path: Path) -> None:
    r = run_cli(name, "--set", "contract.slop=0.1", "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert "contract.slop" in r.stderr
    assert "did you mean 'contract.slope'" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o" / "report.html").exists()


def test_out_of_range_set_value_names_field_and_value() -> None:
    r = run_cli("sources", "--set", "contract.take_or_pay=1.5")
    assert r.returncode == 2
    assert "ScenarioError" in r.stderr
    assert "contract.take_or_pay" in r.stderr
    assert "1.5" in r.stderr


def test_set_without_equals_is_bad_input() -> None:
    r = run_cli("sources", "--set", "contract.slope")
    assert r.returncode == 2
    assert "key=value" in r.stderr


def test_unknown_scenario_is_bad_input() -> None:
    r = run_cli("sources", "--scenario", "pos9")
    assert r.returncode == 2
    assert "pos9" in r.stderr
    assert "pos2" in r.stderr  # lists the known ones


def test_usage_error_exits_2() -> None:
    r = run_cli("sources", "--no-such-option")
    assert r.returncode == 2


def test_out_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert run_cli("sources", "--out", str(out), "--quiet").returncode == 0
    table = out / "sources.csv"
    table.write_text("my own notes\n")
    r = run_cli("sources", "--out", str(out), "--quiet")
    assert r.returncode == 3
    assert "--force" in r.stderr
    assert table.read_text() == "my own notes\n"
    r = run_cli("sources", "--out", str(out), "--quiet", "--force")
    assert r.returncode == 0
    assert table.read_text().startswith("key,")


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("twin", "twin_profile.csv"),
        ("economics", "economics_capex.csv"),
        ("deal", "deal_by_year.csv"),
        ("sources", "sources.csv"),
    ],
)
def test_existing_output_is_refused_before_any_work(name: str, table: str, tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / table).write_text("my own notes\n")
    r = run_cli(name, "--out", str(out), "--quiet")
    assert r.returncode == 3, r.stderr
    assert "OutputError" in r.stderr
    assert "--force" in r.stderr
    assert "Traceback" not in r.stderr
    # nothing was computed or written: the user's file is intact and alone
    assert [p.name for p in out.iterdir()] == [table]
    assert (out / table).read_text() == "my own notes\n"


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "afile"
    f.write_text("keep me\n")
    for cmd in ("sources", "report"):
        r = run_cli(cmd, "--out", str(f))
        assert r.returncode == 3, (cmd, r.stderr)
        assert "not a folder" in r.stderr
    assert f.read_text() == "keep me\n"


def test_debug_shows_the_traceback_only_then() -> None:
    plain = run_pos2("sources", "--set", "contract.take_or_pay=1.5")
    debug = run_pos2("sources", "--set", "contract.take_or_pay=1.5", "--debug")
    assert plain.returncode == debug.returncode == 2
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr
    assert "ScenarioError" in debug.stderr


def test_quiet_prints_nothing_and_json_is_one_object() -> None:
    r = run_cli("sources", "--quiet")
    assert r.returncode == 0
    assert r.stdout == ""
    r = run_cli("sources", "--json", "--set", "contract.slope=0.12")
    assert r.returncode == 0
    import json

    rows = json.loads(r.stdout)
    slope = next(row for row in rows if row["key"] == "contract.slope")
    assert slope["value"] == 0.12
    assert slope["source"] == "user override (--set)"


def test_error_message_is_printed_verbatim_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from pos2.cli.common import handle_errors
    from pos2.errors import ScenarioError

    long_path = "/" + "/".join(["a-rather-long-folder-name"] * 6) + "/user.toml"
    with pytest.raises(typer.Exit) as exc, handle_errors(debug=False):
        raise ScenarioError("table [contract] expected", path=long_path, line=3, field="contract.slope")
    assert exc.value.exit_code == 2
    err = capsys.readouterr().err
    # not wrapped at the terminal width, and '[contract]' not swallowed as rich markup
    assert err.count("\n") == 1
    assert f"ScenarioError: {long_path}:3, field 'contract.slope': table [contract] expected" in err
