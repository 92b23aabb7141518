"""SteadyResult's tables: DataFrames made on first read from the columns, and the same rows without pandas.

`pos2 solve` prints from :meth:`SteadyResult.records` and the summary so that it need not import pandas
(issue 15 item 12); these read the same numbers as the DataFrames every other caller uses.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from pos2.gas import default_gas
from pos2.hydraulics import solve_steady
from pos2.network import load_network

TABLES = ("nodes", "pipes", "compressors", "sources", "sinks", "regulators", "valves", "segments")
MESH = Path(__file__).resolve().parents[3] / "examples" / "transmission_mesh.toml"


def test_records_and_totals_match_the_dataframes() -> None:
    res = solve_steady(load_network(MESH), default_gas())
    for name in TABLES:
        df = getattr(res, name)
        assert isinstance(df, pd.DataFrame)
        assert getattr(res, name) is df  # made once
        assert list(df.columns) == list(res.columns[name])
        assert res.records(name) == df.to_dict("records"), name
        pd.testing.assert_frame_equal(res.table(name), df)
    assert len(res.records("compressors")) == 1
    assert len(res.records("pipes")) == 7
    assert res.linepack_kg == float(res.pipes["linepack_kg"].sum()) > 0
    assert res.total_power_w == float(res.compressors["power_w"].sum()) > 0
    assert res.total_fuel_kg_per_s == float(res.compressors["fuel_kg_per_s"].sum()) > 0
    text = res.summary()
    p = res.nodes["p_pa"]
    assert f"pressure {p.min() / 1e6:.3f} .. {p.max() / 1e6:.3f} MPa" in text
    assert "9 junctions, 7 pipes, 1 compressor stations" in text
    ratio = float(res.compressors["ratio"].iloc[0])
    assert f"CS1: ratio {ratio:.3f}" in text


def test_a_result_pickles_before_and_after_its_tables_are_read() -> None:
    res = solve_steady(load_network(MESH), default_gas())
    fresh = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(fresh.nodes["p_pa"], res.nodes["p_pa"])
    again = pickle.loads(pickle.dumps(res))  # now with the DataFrames made
    pd.testing.assert_frame_equal(again.pipes, res.pipes)
    assert again.summary() == res.summary()
