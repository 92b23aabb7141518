"""Tidy-table output shared by the command line and the report: one writer, one set of formats.

Both ``pos2.cli`` and ``pos2.report`` write tables; keeping the writer here (a base module with no
pos2 imports but :mod:`pos2.errors`) lets both use it without the report depending on the CLI.
"""

from __future__ import annotations

import importlib.util
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pos2.errors import OutputError

if TYPE_CHECKING:  # pandas is imported by whoever builds the frame; `pos2 --help` does not pay for it
    import pandas as pd


class Format(StrEnum):
    """Table output format."""

    csv = "csv"
    parquet = "parquet"
    json = "json"


def check_format(fmt: Format) -> None:
    """Refuse (``OutputError``) a format that cannot be written here, before any work starts.

    Parameters
    ----------
    fmt
        Table format asked for (Parquet needs pyarrow) [-].
    """
    if fmt is Format.parquet and importlib.util.find_spec("pyarrow") is None:
        raise OutputError("parquet output needs pyarrow (pip install pyarrow); use --format csv or json")


def guard_write(path: Path, force: bool) -> Path:
    """Refuse (``OutputError``) to overwrite an existing file unless ``force``; return ``path``."""
    if path.exists() and not force:
        raise OutputError(f"{path} exists; pass --force to overwrite it")
    return path


def write_table(df: pd.DataFrame, folder: Path, stem: str, fmt: Format, force: bool) -> Path:
    """Write one tidy table as CSV, Parquet or JSON records to ``folder/stem.<fmt>``.

    Parameters
    ----------
    df
        The table; its index is not written.
    folder
        Existing output folder.
    stem
        File name without suffix; the suffix is the format's name.
    fmt
        Output format.
    force
        Overwrite an existing file instead of raising.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputError
        When the file exists and ``force`` is false, or Parquet is asked for without pyarrow.
    """
    path = guard_write(folder / f"{stem}.{fmt.value}", force)
    if fmt is Format.csv:
        df.to_csv(path, index=False)
    elif fmt is Format.parquet:
        try:
            _parquet_safe(df).to_parquet(path, index=False)
        except ImportError:
            raise OutputError("parquet output needs pyarrow (pip install pyarrow)") from None
    else:
        df.to_json(path, orient="records", indent=2)
    return path


def _parquet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with each mixed-type text column as text (Parquet columns have one type; CSV and JSON
    write such columns as they are, e.g. a sources table's values: numbers next to words)."""
    mixed = [
        c
        for c in df.columns
        if df[c].dtype == object and len({type(v) for v in df[c] if v is not None and v == v}) > 1
    ]
    if not mixed:
        return df
    return df.assign(**{str(c): df[c].map(lambda v: v if v is None or v != v else str(v)) for c in mixed})
