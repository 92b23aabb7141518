"""China's gas import contracts as data (``pos2/data/china/contracts.toml``).

Each contract (or labelled aggregate of contracts whose terms are not public) records its seller,
annual volume, start and end, take-or-pay share, whether its cargoes are destination-locked or
divertible, and its price formula: an oil slope and constant, or a Henry-Hub-linked cost stack
(``1.15 HH + fee + shipping``, the fee sunk). :func:`load_portfolio` validates every contract and
names the file, line, field and value of a problem; :class:`Portfolio` holds the contracts as a
struct of arrays for the vectorised supply stack (:mod:`pos2.bargaining.stack`).

Volumes inside are bcm/yr at the Russian standard reference conditions (20 degC, 101.325 kPa); LNG
volumes are published in Mt/yr and converted with the file's ``[conversion].lng_bcm_per_mt``. Prices
are real USD of 2025.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pos2.errors import BargainingError

KINDS = ("lng", "pipeline")
DESTINATIONS = ("locked", "divertible")
HEAT_BASES = ("gross", "gazprom")
CONFIDENCES = ("H", "M", "L", "INF")
_NUMERIC_FIELDS: dict[str, tuple[float, float]] = {
    # field: (lowest, highest) accepted value
    "take_or_pay": (0.0, 1.0),
    "oil_slope": (0.0, 0.5),
    "constant_usd_per_mmbtu": (-10.0, 30.0),
    "hh_multiplier": (0.0, 3.0),
    "fee_usd_per_mmbtu": (0.0, 20.0),
    "shipping_usd_per_mmbtu": (0.0, 10.0),
    "delivered_fixed_usd_per_kcm": (0.0, 1000.0),
}
_OPTIONAL_ZERO: tuple[str, ...] = (
    "oil_slope",
    "constant_usd_per_mmbtu",
    "hh_multiplier",
    "fee_usd_per_mmbtu",
    "shipping_usd_per_mmbtu",
)


@dataclass(frozen=True)
class SupplyContract:
    """One of China's import contracts (or a labelled aggregate)."""

    name: str
    seller: str
    seller_country: str
    kind: str
    volume_bcm_per_year: float
    """Annual contract quantity [bcm/yr at 20 degC, 101.325 kPa]."""
    start_year: int
    end_year: int
    """Last delivery year (inclusive) [yr]."""
    take_or_pay: float
    """Share of the annual volume paid for at the variable price whether lifted or not [-]."""
    destination: str
    oil_slope: float
    """Brent slope [USD/MMBtu per USD/bbl]."""
    constant_usd_per_mmbtu: float
    hh_multiplier: float
    """Henry Hub multiplier of the variable price [-]."""
    fee_usd_per_mmbtu: float
    """Fee paid on the whole volume whether lifted or not (sunk) [USD/MMBtu]."""
    shipping_usd_per_mmbtu: float
    delivered_fixed_usd_per_kcm: float
    """Regasification or China's internal transport, paid on gas consumed in China [USD/1,000 m3]."""
    mmbtu_per_kcm: float
    """Heat content converting the per-MMBtu terms [MMBtu per 1,000 m3 at 20 degC]."""
    hormuz_dependent: bool
    sources: tuple[str, ...]
    confidence: str
    assumed: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Portfolio:
    """China's contracts as a struct of arrays (one entry per contract), in file order."""

    contracts: tuple[SupplyContract, ...]
    path: str

    def _arr(self, name: str) -> np.ndarray:
        return np.array([getattr(c, name) for c in self.contracts], dtype=float)

    @property
    def names(self) -> tuple[str, ...]:
        """Contract names."""
        return tuple(c.name for c in self.contracts)

    @property
    def n(self) -> int:
        """Number of contracts."""
        return len(self.contracts)

    def volume_bcm(self, years: np.ndarray) -> np.ndarray:
        """Contracted volume per year, shape (years, contracts) [bcm/yr]."""
        y = np.asarray(years)[:, None]
        start = np.array([c.start_year for c in self.contracts])[None, :]
        end = np.array([c.end_year for c in self.contracts])[None, :]
        vol = self._arr("volume_bcm_per_year")[None, :]
        return np.where((y >= start) & (y <= end), vol, 0.0)

    @property
    def take_or_pay(self) -> np.ndarray:
        """Take-or-pay shares [-]."""
        return self._arr("take_or_pay")

    @property
    def divertible(self) -> np.ndarray:
        """True for contracts whose cargoes China may resell."""
        return np.array([c.destination == "divertible" for c in self.contracts])

    @property
    def hormuz_dependent(self) -> np.ndarray:
        """True for contracts whose cargoes pass the Strait of Hormuz."""
        return np.array([c.hormuz_dependent for c in self.contracts])

    @property
    def lng(self) -> np.ndarray:
        """True for LNG contracts."""
        return np.array([c.kind == "lng" for c in self.contracts])

    def from_country(self, country: str) -> np.ndarray:
        """True for contracts whose seller is in ``country``."""
        return np.array([c.seller_country == country for c in self.contracts])

    def variable_usd_per_kcm(self, brent: np.ndarray, hh: np.ndarray) -> np.ndarray:
        """Variable price of a lifted unit, ``brent`` and ``hh`` of shape (...,) -> (..., contracts).

        ``(constant + slope * Brent + hh_multiplier * HH + shipping) * heat`` [USD/1,000 m3].

        Parameters
        ----------
        brent
            Brent [USD/bbl].
        hh
            Henry Hub, broadcastable to ``brent`` [USD/MMBtu].
        """
        b = np.asarray(brent, dtype=float)[..., None]
        h = np.asarray(hh, dtype=float)[..., None]
        per_mmbtu = (
            self._arr("constant_usd_per_mmbtu")
            + self._arr("oil_slope") * b
            + self._arr("hh_multiplier") * h
            + self._arr("shipping_usd_per_mmbtu")
        )
        return per_mmbtu * self._arr("mmbtu_per_kcm")

    @property
    def fee_usd_per_kcm(self) -> np.ndarray:
        """Sunk fee per 1,000 m3 of contract volume [USD/1,000 m3]."""
        return self._arr("fee_usd_per_mmbtu") * self._arr("mmbtu_per_kcm")

    @property
    def delivered_fixed_usd_per_kcm(self) -> np.ndarray:
        """Regas or internal transport per 1,000 m3 consumed [USD/1,000 m3]."""
        return self._arr("delivered_fixed_usd_per_kcm")

    @property
    def mmbtu_per_kcm(self) -> np.ndarray:
        """Heat content per contract [MMBtu per 1,000 m3]."""
        return self._arr("mmbtu_per_kcm")


def default_portfolio_path() -> Path:
    """Path of the contract portfolio shipped with the package."""
    return Path(str(resources.files("pos2") / "data" / "china" / "contracts.toml"))


def _contract_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "[[contract]]"]


def _fail(msg: str, path: Path, line: int | None, field: str, value: Any = None) -> BargainingError:
    where = f"{path}" + (f":{line}" if line else "")
    val = f", value {value!r}" if value is not None else ""
    return BargainingError(f"{where}: contract field '{field}'{val}: {msg}")


def _number(r: dict[str, Any], key: str, path: Path, line: int | None, lo: float, hi: float) -> float:
    v = r.get(key, 0.0 if key in _OPTIONAL_ZERO else None)
    if v is None:
        raise _fail("required field is missing", path, line, key)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _fail("must be a number", path, line, key, v)
    if not lo <= float(v) <= hi:
        raise _fail(f"must be between {lo} and {hi}", path, line, key, v)
    return float(v)


def _conversion(data: dict[str, Any], path: Path, text: str) -> dict[str, float]:
    conv = data.get("conversion")
    line = next((i + 1 for i, s in enumerate(text.splitlines()) if s.strip() == "[conversion]"), None)
    if not isinstance(conv, dict):
        raise _fail("the file needs a [conversion] table", path, line, "conversion")
    out = {}
    for key in ("lng_bcm_per_mt", "gross_mmbtu_per_kcm", "gazprom_mmbtu_per_kcm"):
        leaf = conv.get(key)
        if not isinstance(leaf, dict) or "value" not in leaf:
            raise _fail("needs { value, source, confidence }", path, line, f"conversion.{key}", leaf)
        if not str(leaf.get("source", "")).strip() or leaf.get("confidence") not in CONFIDENCES:
            raise _fail("needs a source and a confidence", path, line, f"conversion.{key}", leaf)
        v = leaf["value"]
        if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
            raise _fail("must be a positive number", path, line, f"conversion.{key}", v)
        out[key] = float(v)
    return out


def load_portfolio(path: Path | None = None) -> Portfolio:
    """Load and validate China's contract portfolio (the shipped one is read once per process).

    See :func:`read_portfolio` for the format and the errors.
    """
    return _shipped_portfolio() if path is None else read_portfolio(path)


@lru_cache(maxsize=1)
def _shipped_portfolio() -> Portfolio:
    return read_portfolio(None)


def read_portfolio(path: Path | None = None) -> Portfolio:
    """Load and validate China's contract portfolio.

    Parameters
    ----------
    path
        TOML file with a ``[conversion]`` table and ``[[contract]]`` tables; ``None`` loads the
        shipped portfolio [-].

    Raises
    ------
    BargainingError
        A contract without sources or confidence, an unknown kind or destination, a volume given in
        the wrong unit for its kind, a value out of range, an end before the start, an assumption
        list naming an unknown field (with file, line, field and value).
    """
    p = path or default_portfolio_path()
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise BargainingError(f"{p}: cannot read the contract portfolio: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise BargainingError(f"{p}: not valid TOML: {e}") from None
    conv = _conversion(data, p, text)
    raw = data.get("contract")
    if not isinstance(raw, list) or not raw:
        raise BargainingError(f"{p}: no [[contract]] tables")
    lines = _contract_lines(text)
    known = set(SupplyContract.__dataclass_fields__) | {"volume_mt_per_year", "heat_basis"}
    out: list[SupplyContract] = []
    names: set[str] = set()
    for i, r in enumerate(raw):
        line = lines[i] if i < len(lines) else None
        for key in r:
            if key not in known:
                raise _fail("unknown field", p, line, key, r[key])
        for key in ("name", "seller", "seller_country", "kind", "destination", "heat_basis", "note"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                raise _fail("required text field is missing or empty", p, line, key, r.get(key))
        if r["name"] in names:
            raise _fail("duplicate contract name", p, line, "name", r["name"])
        names.add(r["name"])
        for key, allowed in (("kind", KINDS), ("destination", DESTINATIONS), ("heat_basis", HEAT_BASES)):
            if r[key] not in allowed:
                raise _fail(f"must be one of {allowed}", p, line, key, r[key])
        srcs = r.get("sources")
        if not isinstance(srcs, list) or not srcs or not all(isinstance(s, str) and s.strip() for s in srcs):
            raise _fail("every contract needs a non-empty list of sources", p, line, "sources", srcs)
        if r.get("confidence") not in CONFIDENCES:
            raise _fail(f"must be one of {CONFIDENCES}", p, line, "confidence", r.get("confidence"))
        assumed = r.get("assumed", [])
        if not isinstance(assumed, list) or any(a not in known for a in assumed):
            raise _fail("must list field names of this contract", p, line, "assumed", assumed)
        if r["kind"] == "lng":
            if "volume_bcm_per_year" in r:
                raise _fail("an LNG contract gives volume_mt_per_year", p, line, "volume_bcm_per_year")
            vol = _number(r, "volume_mt_per_year", p, line, 0.0, 200.0) * conv["lng_bcm_per_mt"]
        else:
            if "volume_mt_per_year" in r:
                raise _fail("a pipeline contract gives volume_bcm_per_year", p, line, "volume_mt_per_year")
            vol = _number(r, "volume_bcm_per_year", p, line, 0.0, 500.0)
        years = {}
        for key in ("start_year", "end_year"):
            v = r.get(key)
            if isinstance(v, bool) or not isinstance(v, int) or not 1950 <= v <= 2150:
                raise _fail("must be a year between 1950 and 2150", p, line, key, v)
            years[key] = v
        if years["end_year"] < years["start_year"]:
            raise _fail("ends before it starts", p, line, "end_year", years["end_year"])
        nums = {k: _number(r, k, p, line, lo, hi) for k, (lo, hi) in _NUMERIC_FIELDS.items()}
        if nums["oil_slope"] == 0 and nums["hh_multiplier"] == 0 and nums["constant_usd_per_mmbtu"] <= 0:
            raise _fail(
                "a contract needs a price: oil_slope, hh_multiplier or a constant", p, line, "oil_slope"
            )
        hormuz = r.get("hormuz_dependent", False)
        if not isinstance(hormuz, bool):
            raise _fail("must be true or false", p, line, "hormuz_dependent", hormuz)
        heat = conv["gross_mmbtu_per_kcm" if r["heat_basis"] == "gross" else "gazprom_mmbtu_per_kcm"]
        out.append(
            SupplyContract(
                name=r["name"],
                seller=r["seller"],
                seller_country=r["seller_country"],
                kind=r["kind"],
                volume_bcm_per_year=vol,
                start_year=years["start_year"],
                end_year=years["end_year"],
                destination=r["destination"],
                mmbtu_per_kcm=heat,
                hormuz_dependent=hormuz,
                sources=tuple(srcs),
                confidence=r["confidence"],
                assumed=tuple(assumed),
                note=r["note"],
                **nums,
            )
        )
    return Portfolio(contracts=tuple(out), path=str(p))
