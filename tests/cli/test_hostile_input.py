"""Hostile or broken input gives a short, clear error and no traceback (issue 15 item 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from pos2.cli import app


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def _no_traceback(r: Result) -> None:
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n",
        "a = " + "[" * 40 + "]" * 40 + "\n",  # parses, but deeper than any pos2 file
    ],
)
def test_a_deeply_nested_toml_file_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    r = _cli("sources", "-q", "-s", str(path))
    _no_traceback(r)
    assert r.exit_code == 2
    assert str(path) in r.stderr
    assert "nested deeper than 32 levels" in r.stderr


def test_a_deeply_nested_network_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "net.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    r = _cli("solve", str(path))
    _no_traceback(r)
    assert r.exit_code != 0
    assert "nested deeper" in r.stderr


@pytest.mark.parametrize("value", ["1" * 5000, "1" * 5000 + ".5", "[" * 5000])
def test_a_5000_character_set_value_is_a_short_error(value: str) -> None:
    r = _cli("sources", "-q", "--set", f"contract.slope={value}")
    _no_traceback(r)
    assert r.exit_code == 2
    assert "contract.slope" in r.stderr
    assert len(r.stderr) < 1_000  # the value is not echoed back whole


def test_a_deeply_nested_json_network_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    r = _cli("solve", str(path))
    _no_traceback(r)
    assert r.exit_code == 2
    assert "nested too deeply" in r.stderr


def _damaged_stores(tmp_path: Path) -> list[Path]:
    import duckdb

    folders = []
    for name in ("garbage", "truncated", "other"):
        folder = tmp_path / name
        folder.mkdir()
        folders.append(folder)
    (folders[0] / "sweep.duckdb").write_bytes(b"\x00not a database\xff" * 100)
    for folder in folders[1:]:
        con = duckdb.connect(str(folder / "sweep.duckdb"))
        con.execute("CREATE TABLE other AS SELECT range AS x FROM range(100000)")
        con.close()
    store = folders[1] / "sweep.duckdb"
    store.write_bytes(store.read_bytes()[: store.stat().st_size // 3])
    return folders


def test_a_damaged_sweep_store_names_the_file_and_the_way_out(tmp_path: Path) -> None:
    for folder in _damaged_stores(tmp_path):
        r = _cli("sweep", "--report", "--out", str(folder))
        _no_traceback(r)
        assert r.exit_code != 0, folder.name
        assert str(folder / "sweep.duckdb") in r.stderr, r.stderr
        assert "--force" in r.stderr, r.stderr
        assert not (folder / "report.html").exists()


@pytest.mark.parametrize("command", [["report"], ["sources"], ["economics", "--paths", "0"]])
def test_an_unwritable_out_fails_before_any_work(tmp_path: Path, command: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for out in ("/proc/pos2-out", str(blocker / "sub" / "dir")):
        r = _cli(*command, "--out", out, "--set", "contract.slope=9")  # the bad value is never reached
        _no_traceback(r)
        assert r.exit_code == 3, (out, r.output)
        assert out in r.stderr
        assert "contract.slope" not in r.stderr
