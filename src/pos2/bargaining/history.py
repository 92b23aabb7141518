"""The negotiation rounds 2014-2026 as data (``pos2/data/summits/rounds.toml``).

Each round records its date, venue, who said what, what was agreed, the actual outcome ("deal" only
when an SPA with a price was signed), its sources (seed file names or facts-file sections) and the
market state at the date (Brent, Asian spot LNG, Hormuz status, PoS1 price, whether Europe was still
an outlet for the gas). :func:`load_rounds` validates every round and names the file, line and field
of a problem.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pos2.errors import BargainingError

OUTCOMES = ("deal", "no deal")
PROJECTS = ("pos1", "pos2")
HORMUZ = ("open", "closed")
_SOURCE = re.compile(r"(\d{3}_[0-9a-f]{16}\.txt|pos2_facts\.md|deal_facts\.md|engineering_facts\.md)")


@dataclass(frozen=True)
class Round:
    """One negotiation round with the market state at its date."""

    date: dt.date
    venue: str
    project: str
    who_said: str
    agreed: str
    actual_outcome: str
    sources: tuple[str, ...]
    brent_usd_per_bbl: float
    lng_usd_per_mmbtu: float
    hormuz_status: str
    europe_outlet: bool
    europe_price_usd_per_kcm: float | None
    pos1_price_usd_per_kcm: float | None
    market_sources: tuple[str, ...]
    market_notes: str

    @property
    def year(self) -> int:
        """Calendar year of the round [yr]."""
        return self.date.year

    @property
    def seed_files(self) -> tuple[str, ...]:
        """Seed files cited by the round."""
        return tuple(m for s in self.sources for m in re.findall(r"\d{3}_[0-9a-f]{16}\.txt", s))


def default_rounds_path() -> Path:
    """Path of the rounds dataset shipped with the package."""
    return Path(str(resources.files("pos2") / "data" / "summits" / "rounds.toml"))


def _line_of(text: str, index: int) -> int | None:
    """1-based line of the ``index``-th ``[[round]]`` header."""
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "[[round]]"]
    return lines[index] if index < len(lines) else None


def _fail(msg: str, path: Path, line: int | None, field: str, value: Any = None) -> BargainingError:
    where = f"{path}" + (f":{line}" if line else "")
    val = f", value {value!r}" if value is not None else ""
    return BargainingError(f"{where}: round field '{field}'{val}: {msg}")


def load_rounds(path: Path | None = None) -> tuple[Round, ...]:
    """Load and validate the negotiation rounds, sorted by date.

    Parameters
    ----------
    path
        TOML file with ``[[round]]`` tables; ``None`` loads the shipped dataset [-].

    Raises
    ------
    BargainingError
        A round without sources, an unknown outcome or project, a missing or non-positive market
        value (with file, line and field).
    """
    p = path or default_rounds_path()
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise BargainingError(f"{p}: cannot read the rounds dataset: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise BargainingError(f"{p}: not valid TOML: {e}") from None
    raw = data.get("round")
    if not isinstance(raw, list) or not raw:
        raise BargainingError(f"{p}: no [[round]] tables")
    out: list[Round] = []
    for i, r in enumerate(raw):
        line = _line_of(text, i)
        for key in ("date", "venue", "project", "who_said", "agreed", "actual_outcome", "hormuz_status"):
            if key not in r:
                raise _fail("required field is missing", p, line, key)
        srcs = r.get("sources")
        if not isinstance(srcs, list) or not srcs or not all(isinstance(s, str) and s.strip() for s in srcs):
            raise _fail("every round needs a non-empty list of sources", p, line, "sources", srcs)
        for s in srcs:
            if not _SOURCE.search(s):
                raise _fail(
                    "a source must cite a seed file name or a facts file (pos2_facts.md ...)",
                    p,
                    line,
                    "sources",
                    s,
                )
        date = r["date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise _fail("not an ISO date (YYYY-MM-DD)", p, line, "date", r["date"]) from None
        if not isinstance(date, dt.date):
            raise _fail("not a date", p, line, "date", date)
        if r["actual_outcome"] not in OUTCOMES:
            raise _fail(f"must be one of {OUTCOMES}", p, line, "actual_outcome", r["actual_outcome"])
        if r["project"] not in PROJECTS:
            raise _fail(f"must be one of {PROJECTS}", p, line, "project", r["project"])
        if r["hormuz_status"] not in HORMUZ:
            raise _fail(f"must be one of {HORMUZ}", p, line, "hormuz_status", r["hormuz_status"])
        nums: dict[str, float | None] = {}
        for key, required in (
            ("brent_usd_per_bbl", True),
            ("lng_usd_per_mmbtu", True),
            ("europe_price_usd_per_kcm", False),
            ("pos1_price_usd_per_kcm", False),
        ):
            v = r.get(key)
            if v is None:
                if required:
                    raise _fail("required market value is missing", p, line, key)
                nums[key] = None
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
                raise _fail("must be a positive number", p, line, key, v)
            nums[key] = float(v)
        europe = bool(r.get("europe_outlet", False))
        if europe and nums["europe_price_usd_per_kcm"] is None:
            raise _fail(
                "a round with a European outlet needs europe_price_usd_per_kcm", p, line, "europe_outlet"
            )
        msrc = r.get("market_sources")
        if not isinstance(msrc, list) or not msrc:
            raise _fail("the market state needs a non-empty list of sources", p, line, "market_sources", msrc)
        out.append(
            Round(
                date=date,
                venue=str(r["venue"]),
                project=str(r["project"]),
                who_said=str(r["who_said"]),
                agreed=str(r["agreed"]),
                actual_outcome=str(r["actual_outcome"]),
                sources=tuple(srcs),
                brent_usd_per_bbl=float(nums["brent_usd_per_bbl"] or 0.0),
                lng_usd_per_mmbtu=float(nums["lng_usd_per_mmbtu"] or 0.0),
                hormuz_status=str(r["hormuz_status"]),
                europe_outlet=europe,
                europe_price_usd_per_kcm=nums["europe_price_usd_per_kcm"],
                pos1_price_usd_per_kcm=nums["pos1_price_usd_per_kcm"],
                market_sources=tuple(str(s) for s in msrc),
                market_notes=str(r.get("market_notes", "")),
            )
        )
    return tuple(sorted(out, key=lambda x: x.date))
