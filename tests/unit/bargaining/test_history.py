"""The summits dataset: coverage, sources, and clear errors for bad rounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos2.bargaining.history import load_rounds
from pos2.errors import BargainingError

SEEDS = {
    "000_7b8f6f61d266ed8e.txt",
    "001_a7ec788e00c719ce.txt",
    "002_84c72bdba1e42ebf.txt",
    "003_c71b947da2bfe382.txt",
    "004_b4c5491ec0c2a4f6.txt",
}


def test_rounds_cover_the_required_years_with_sources() -> None:
    rounds = load_rounds()
    assert {2014, 2019, 2022, 2023, 2024, 2025, 2026} <= {r.year for r in rounds}
    for r in rounds:
        assert r.sources
        assert r.market_sources
        assert r.actual_outcome in ("deal", "no deal")
        assert r.brent_usd_per_bbl > 0
        assert r.lng_usd_per_mmbtu > 0


def test_every_seed_is_cited_where_it_reports_a_round() -> None:
    cited = {f for r in load_rounds() for f in r.seed_files}
    assert cited == SEEDS
    by_year = {r.year: set(r.seed_files) for r in load_rounds()}
    assert {"000_7b8f6f61d266ed8e.txt", "001_a7ec788e00c719ce.txt", "002_84c72bdba1e42ebf.txt"} <= by_year[
        2026
    ]
    assert "003_c71b947da2bfe382.txt" in by_year[2024]
    assert "004_b4c5491ec0c2a4f6.txt" in by_year[2023]


def test_2026_round_was_held_with_hormuz_closed() -> None:
    r2026 = [r for r in load_rounds() if r.year == 2026]
    assert r2026
    assert r2026[0].hormuz_status == "closed"


GOOD = """
[[round]]
date = "2024-05-16"
venue = "Beijing"
project = "pos2"
who_said = "x"
agreed = "nothing"
actual_outcome = "no deal"
sources = ["pos2_facts.md §5"]
brent_usd_per_bbl = 80.0
lng_usd_per_mmbtu = 11.5
hormuz_status = "open"
market_sources = ["pos2_facts.md §3e"]
"""


def test_a_good_file_loads(tmp_path: Path) -> None:
    p = tmp_path / "r.toml"
    p.write_text(GOOD)
    assert len(load_rounds(p)) == 1


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('sources = ["pos2_facts.md §5"]', "sources = []", "sources"),
        ('sources = ["pos2_facts.md §5"]', 'sources = ["a blog"]', "sources"),
        ('actual_outcome = "no deal"', 'actual_outcome = "maybe"', "actual_outcome"),
        ("brent_usd_per_bbl = 80.0", "brent_usd_per_bbl = -1.0", "brent_usd_per_bbl"),
        ('date = "2024-05-16"', 'date = "16 May 2024"', "date"),
    ],
)
def test_bad_rounds_name_file_line_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    p = tmp_path / "r.toml"
    p.write_text((GOOD + GOOD).replace(old, new, 2))
    with pytest.raises(BargainingError, match=rf"r\.toml:2: round field '{field}'"):
        load_rounds(p)
