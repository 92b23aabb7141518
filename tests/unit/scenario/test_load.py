"""Scenario loading, sourcing, overrides and error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos2.errors import ScenarioError, UnknownKeyError
from pos2.scenario import available_scenarios, load_scenario, settable_keys

REQUIRED_KEYS = [
    "contract.slope",
    "contract.constant_usd_per_mmbtu",
    "contract.take_or_pay",
    "contract.flex_band",
    "contract.acq_bcm_per_year",
    "finance.china_share",
    "transit.fee_usd_per_kcm_100km",
    "pipeline.throughput_bcm_per_year",
    "hormuz.closure_months",
    "hormuz.closure_probability",
    "bargaining.china_power",
    "demand.growth_per_year",
    "lng.price_usd_per_mmbtu",
]


def test_embedded_scenarios_load() -> None:
    assert {"pos1", "pos2"} <= set(available_scenarios())
    for name in ("pos1", "pos2"):
        scn = load_scenario(name)
        assert scn.name == name


def test_issue_keys_are_settable() -> None:
    keys = set(settable_keys())
    missing = [k for k in REQUIRED_KEYS if k not in keys]
    assert not missing


def test_every_embedded_number_has_a_source() -> None:
    scn = load_scenario("pos2")
    for s in scn.sources:
        assert s.source or (s.assumption and s.note), s.key


def test_override_applies_and_records_source() -> None:
    scn = load_scenario("pos2", ["contract.slope=0.12"])
    assert scn.get("contract.slope") == pytest.approx(0.12)
    src = {s.key: s for s in scn.sources}["contract.slope"]
    assert "override" in src.source


def test_unknown_key_suggests_nearest() -> None:
    with pytest.raises(UnknownKeyError) as e:
        load_scenario("pos2", ["contract.slpe=0.1"])
    assert e.value.suggestion == "contract.slope"


def test_out_of_range_override_names_field_and_value() -> None:
    with pytest.raises(ScenarioError, match=r"contract\.take_or_pay.*1\.5"):
        load_scenario("pos2", ["contract.take_or_pay=1.5"])


def test_user_file_with_base_reports_line(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('base = "pos2"\n\n[contract]\nslope = 0.1\ntake_or_pay = "lots"\n')
    with pytest.raises(ScenarioError) as e:
        load_scenario(str(f))
    assert e.value.line == 5
    assert e.value.field == "contract.take_or_pay"
    assert str(f) in str(e.value)


def test_user_file_unknown_key(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('base = "pos2"\n[contract]\nslop = 0.1\n')
    with pytest.raises(ScenarioError, match=r"did you mean 'contract\.slope'"):
        load_scenario(str(f))


def test_broken_toml_reports_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('base = "pos2"\n[contract\nslope = 0.1\n')
    with pytest.raises(ScenarioError) as e:
        load_scenario(str(f))
    assert e.value.line == 2


def test_unknown_scenario_name() -> None:
    with pytest.raises(ScenarioError, match="no such scenario"):
        load_scenario("pos9")


def test_unknown_base_names_the_users_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('# my scenario\nbase = "pos9"\n')
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(f))
    assert exc.value.path == str(f)
    assert exc.value.line == 2
    assert exc.value.field == "base"
    assert "pos2" in str(exc.value)  # lists the embedded names


def test_incomplete_file_without_base_says_how_to_inherit(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text("[contract]\nslope = 0.1\n")
    with pytest.raises(ScenarioError, match='base = "pos2"'):
        load_scenario(str(f))


def test_a_kept_toml_parse_is_a_fresh_copy_for_each_reader(tmp_path: Path) -> None:
    from pos2.scenario.locate import read_toml

    f = tmp_path / "s.toml"
    f.write_text('[a]\nb = [1, 2]\nc = { d = "x" }\n', encoding="utf-8")
    first, _ = read_toml(f, "s.toml", "scenario file")
    first["a"]["b"].append(3)  # a reader editing what it read ...
    first["a"]["c"]["d"] = "y"
    second, _ = read_toml(f, "s.toml", "scenario file")
    assert second == {"a": {"b": [1, 2], "c": {"d": "x"}}}  # ... does not change the next read
    f.write_text("[a]\nb = [5]\n", encoding="utf-8")  # an edited file is read again
    assert read_toml(f, "s.toml", "scenario file")[0] == {"a": {"b": [5]}}
    f.write_text("[a\n", encoding="utf-8")
    for _ in range(2):  # a parse error is met every time, with its line
        with pytest.raises(ScenarioError, match="not valid TOML"):
            read_toml(f, "s.toml", "scenario file")
