"""China's contract portfolio: the shipped file loads; bad contracts are named with file, line, field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pos2.bargaining.portfolio import default_portfolio_path, load_portfolio
from pos2.errors import BargainingError


def test_shipped_portfolio_is_sourced() -> None:
    p = load_portfolio()
    assert p.n >= 10
    assert all(c.sources and c.confidence for c in p.contracts)
    # LNG converted from Mt/yr at 1.384 bcm/Mt (20 degC): the NFE contracts are 8 Mt/yr
    nfe = next(c for c in p.contracts if c.name.startswith("QatarEnergy NFE"))
    assert nfe.volume_bcm_per_year == pytest.approx(8.0 * 1.384)
    # contracted LNG in 2026 is about 80 Mt/yr (deal_inputs.md: > 80 Mt/yr)
    lng_2026 = p.volume_bcm(np.array([2026]))[0, p.lng].sum() / 1.384
    assert 75.0 < lng_2026 < 85.0


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = default_portfolio_path().read_text(encoding="utf-8")
    assert old in text
    f = tmp_path / "contracts.toml"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('destination = "locked"', 'destination = "anywhere"', "destination"),
        ("take_or_pay = 0.85", "take_or_pay = 1.5", "take_or_pay"),
        ("volume_bcm_per_year = 38.0", "volume_mt_per_year = 38.0", "volume_mt_per_year"),
        ('confidence = "M"', 'confidence = "maybe"', "confidence"),
        ("end_year = 2049", "end_year = 2010", "end_year"),
        ('assumed = ["take_or_pay"]', 'assumed = ["price_of_tea"]', "assumed"),
    ],
)
def test_bad_contract_names_file_line_field_value(tmp_path: Path, old: str, new: str, field: str) -> None:
    f = _write(tmp_path, old, new)
    with pytest.raises(BargainingError) as e:
        load_portfolio(f)
    msg = str(e.value)
    assert f"{f}:" in msg
    assert f"'{field}'" in msg
    line = int(msg.split(f"{f}:")[1].split(":")[0])
    assert f.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "[[contract]]"
