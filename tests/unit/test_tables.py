"""pos2.tables: the one table writer shared by the CLI and the report."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from pos2.errors import OutputError
from pos2.tables import Format, check_format, guard_write, write_table

DF = pd.DataFrame({"km": [0.0, 962.9], "p_bar": [98.1, 75.5]})


def test_csv_and_json_round_trip(tmp_path: Path) -> None:
    csv = write_table(DF, tmp_path, "t", Format.csv, force=False)
    assert csv == tmp_path / "t.csv"
    pd.testing.assert_frame_equal(pd.read_csv(csv), DF)
    js = write_table(DF, tmp_path, "t", Format.json, force=False)
    assert json.loads(js.read_text(encoding="utf-8")) == DF.to_dict(orient="records")


def test_existing_file_needs_force(tmp_path: Path) -> None:
    write_table(DF, tmp_path, "t", Format.csv, force=False)
    with pytest.raises(OutputError, match="pass --force"):
        write_table(DF.iloc[:1], tmp_path, "t", Format.csv, force=False)
    write_table(DF.iloc[:1], tmp_path, "t", Format.csv, force=True)
    assert len(pd.read_csv(tmp_path / "t.csv")) == 1
    with pytest.raises(OutputError, match="exists"):
        guard_write(tmp_path / "t.csv", force=False)


def test_parquet_without_pyarrow_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pyarrow(*args: object, **kwargs: object) -> None:
        raise ImportError("no pyarrow")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_pyarrow)
    with pytest.raises(OutputError, match="pyarrow"):
        write_table(DF, tmp_path, "t", Format.parquet, force=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "pyarrow" else real(n, *a))
    with pytest.raises(OutputError, match="pyarrow"):
        check_format(Format.parquet)
    check_format(Format.csv)


def test_parquet_writes_a_column_of_numbers_and_words_as_text(tmp_path: Path) -> None:
    mixed = pd.DataFrame({"key": ["a", "b", "c"], "value": [1.5, "annual", None]})
    path = write_table(mixed, tmp_path, "t", Format.parquet, force=False)
    back = pd.read_parquet(path)
    assert back["value"].tolist() == ["1.5", "annual", None]
    assert back["key"].tolist() == ["a", "b", "c"]
