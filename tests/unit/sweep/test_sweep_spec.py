"""Sweep spec parsing: valid specs, and clear errors (file, line, field, suggestion) for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos2.errors import ScenarioError, UnknownKeyError
from pos2.sweep.spec import CONFIRM_POINTS, check_size, load_spec

GOOD = """\
[sweep]
name = "t"
method = "grid"

[set]
"hormuz.closure_probability" = 0.1

[parameters.contract]
slope = { min = 0.08, max = 0.12, num = 5 }
take_or_pay = { values = [0.7, 0.85] }

[parameters]
"pipeline.throughput_bcm_per_year" = { values = [40.0, 50.0] }
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "spec.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_grid_spec_parses(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, GOOD))
    assert spec.keys == ("contract.slope", "contract.take_or_pay", "pipeline.throughput_bcm_per_year")
    assert spec.n_points() == 5 * 2 * 2
    assert spec.fixed == {"hormuz.closure_probability": 0.1}
    assert spec.parameters[0].grid_values() == pytest.approx((0.08, 0.09, 0.10, 0.11, 0.12))


def test_fingerprint_ignores_chunk_size_but_not_seed(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, GOOD))
    assert spec.with_changes(chunk_size=7).fingerprint() == spec.fingerprint()
    assert spec.with_changes(seed=1).fingerprint() != spec.fingerprint()


def test_unknown_parameter_key_suggests_nearest(tmp_path: Path) -> None:
    text = GOOD.replace("take_or_pay = {", "take_or_py = {")
    with pytest.raises(UnknownKeyError) as e:
        load_spec(_write(tmp_path, text))
    assert e.value.suggestion == "contract.take_or_pay"
    assert e.value.line == 10
    assert "did you mean 'contract.take_or_pay'" in str(e.value)


def test_unknown_fixed_key_suggests_nearest(tmp_path: Path) -> None:
    text = GOOD.replace('"hormuz.closure_probability" = 0.1', '"hormuz.closure_probabilty" = 0.1')
    with pytest.raises(UnknownKeyError, match=r"hormuz\.closure_probability"):
        load_spec(_write(tmp_path, text))


def test_unknown_sweep_key_suggests_nearest(tmp_path: Path) -> None:
    text = GOOD.replace('method = "grid"', 'methd = "grid"')
    with pytest.raises(ScenarioError, match="did you mean 'method'") as e:
        load_spec(_write(tmp_path, text))
    assert e.value.line == 3


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("min = 0.08, max = 0.12", "min = 0.12, max = 0.12", "empty range"),
        ("min = 0.08, max = 0.12", "min = 0.12, max = 0.08", "empty range"),
        ("values = [0.7, 0.85]", "values = []", "empty list of values"),
        ("values = [0.7, 0.85]", "values = [0.7, 0.7]", "repeated values"),
        (", num = 5", "", "needs 'num'"),
        ("num = 5", "num = 1", "'num' must be an integer >= 2"),
        ("values = [0.7, 0.85]", "values = [0.7, 1.5]", "outside the schema's range"),
        ('method = "grid"', 'method = "random"', "method must be one of"),
        ("max = 0.12", "max = 0.12, step = 0.01", "unknown key"),
    ],
)
def test_bad_ranges_are_clear_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(ScenarioError, match=message) as e:
        load_spec(_write(tmp_path, GOOD.replace(old, new)))
    assert str(tmp_path / "spec.toml") in str(e.value)


def test_sampling_methods_need_samples_and_sobol_a_power_of_two(tmp_path: Path) -> None:
    base = '[sweep]\nmethod = "{m}"\n{s}\n[parameters.contract]\nslope = {{ min = 0.08, max = 0.12 }}\n'
    with pytest.raises(ScenarioError, match="needs 'samples'"):
        load_spec(_write(tmp_path, base.format(m="lhs", s="")))
    with pytest.raises(ScenarioError, match=r"power of two .* 64 or 128"):
        load_spec(_write(tmp_path, base.format(m="sobol", s="samples = 100")))
    spec = load_spec(_write(tmp_path, base.format(m="sobol", s="samples = 64")))
    assert spec.n_points() == 64 * 3
    with pytest.raises(ScenarioError, match="'num' only applies"):
        load_spec(
            _write(
                tmp_path, base.format(m="lhs", s="samples = 10").replace("max = 0.12", "max = 0.12, num=3")
            )
        )


def test_swept_and_fixed_key_conflict(tmp_path: Path) -> None:
    text = GOOD.replace('"hormuz.closure_probability" = 0.1', '"contract.slope" = 0.1')
    with pytest.raises(ScenarioError, match="both swept and fixed"):
        load_spec(_write(tmp_path, text))


def test_size_limit_needs_confirmation(tmp_path: Path) -> None:
    text = (
        '[sweep]\nmethod = "lhs"\nsamples = {n}\n'
        "[parameters.contract]\nslope = {{ min = 0.08, max = 0.12 }}\n"
    )
    spec = load_spec(_write(tmp_path, text.format(n=CONFIRM_POINTS + 1)))
    with pytest.raises(ScenarioError, match="pass --yes"):
        check_size(spec, confirm=False)
    assert check_size(spec, confirm=True) == CONFIRM_POINTS + 1


def test_missing_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not found"):
        load_spec(tmp_path / "nope.toml")
    with pytest.raises(ScenarioError, match="not valid TOML") as e:
        load_spec(_write(tmp_path, "[sweep]\nmethod = \n"))
    assert e.value.line == 2
    with pytest.raises(ScenarioError, match="no \\[parameters\\]"):
        load_spec(_write(tmp_path, "[sweep]\nname = 'x'\n"))
