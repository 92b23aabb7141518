"""docs/network_format.md is generated from the schema; the shipped example loads and solves."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pos2.gas.simple import ConstantZ
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import load_network
from pos2.network.__main__ import main
from pos2.network.docs import EXAMPLE_PATH
from pos2.network.schema import COMPONENTS, markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "network_format.md"


def test_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/network_format.md is stale: run `python -m pos2.network --markdown > docs/network_format.md`"
    )


def test_doc_lists_every_field_and_key() -> None:
    text = markdown()
    for schema in COMPONENTS.values():
        assert f"[[{schema.kind}]]" in text
        for f in schema.fields:
            for key in f.all_keys():
                assert f"`{key}`" in text


def test_cli_usage(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--markdown"]) == 0
    assert capsys.readouterr().out == markdown()
    assert main([]) == 2


def test_example_network_solves() -> None:
    net = load_network(EXAMPLE_PATH)
    assert net.summary()["compressor"] == 1
    gas = ConstantZ(0.88, molar_mass_kg_per_mol=0.0174, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2300.0)
    for thermal in (False, True):
        res = solve_steady(net, gas, SteadyOptions(thermal=thermal))
        p = res.nodes.set_index("name").p_pa
        assert p["cs1_discharge"] == 9.0e6
        assert p["city_grid"] == 3.0e6
        c = res.compressors.iloc[0]
        assert 1.0 < c.ratio < 1.6
        assert 0.0 < c.power_w < 60e6
        supply = res.sources.set_index("name").flow_kg_per_s
        assert np.isclose(supply["field_supply"] + 20.0, 190.0 + c.fuel_kg_per_s, rtol=1e-9)


def test_summary_of_the_example() -> None:
    gas = ConstantZ(0.88, molar_mass_kg_per_mol=0.0174, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2300.0)
    res = solve_steady(load_network(EXAMPLE_PATH), gas)
    text = res.summary()
    assert "'transmission_mesh'" in text
    assert "CS1: ratio" in text
    assert f"{res.iterations} Newton iterations" in text
