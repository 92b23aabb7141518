"""The executive summary: plain-words answers computed from the run's own numbers.

Each answer is built only from the stages' results; when a stage gave no result the answer says
so and why, instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pos2.report.extract import deal_numbers, dig, economics_numbers, price_gap_usd_per_kcm
from pos2.report.stages import Chain, StageOutcome


@dataclass(frozen=True)
class Answer:
    """One question of the executive summary and its answer in plain words."""

    question: str
    answer: str
    ok: bool


def _n(x: Any, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    return f"{float(x):,.{digits}f}"


def _missing(outcome: StageOutcome) -> str:
    return f"Not answered: {outcome.error}."


def capacity_answer(chain: Chain) -> Answer:
    """Can the line carry the throughput, with how many stations and MW?"""
    q = "Can the line carry the design throughput, and with how many compressor stations and MW?"
    twin = chain.twin
    thr = chain.scenario.get("pipeline.throughput_bcm_per_year")
    if not twin.ok or twin.data is None:
        if twin.available and twin.error:
            return Answer(q, f"No result at {thr:g} bcm/yr: {twin.error}.", False)
        return Answer(q, _missing(twin), False)
    d = twin.data
    stations = d.get("stations") or []
    by_section: dict[str, int] = {}
    for s in stations:
        by_section[s.get("section", "?")] = by_section.get(s.get("section", "?"), 0) + 1
    split = ", ".join(f"{n} in {sec.capitalize()}" for sec, n in by_section.items())
    text = (
        f"Yes: the twin carries {_n(d.get('throughput_bcm_per_year'), 1)} bcm/yr (20 °C, 101.325 kPa) with "
        f"{len(stations)} compressor stations ({split}) drawing {_n(d.get('total_power_mw'))} MW in total. "
        f"Fuel gas is {_n(100 * d['fuel_share'], 1) if d.get('fuel_share') is not None else 'n/a'} % of the "
        f"gas entering the line; pressures stay between {_n(d.get('min_pressure_mpa'), 2)} and "
        f"{_n(d.get('max_pressure_mpa'), 2)} MPa (absolute) and the gas reaches China at "
        f"{_n(d.get('delivery_pressure_mpa'), 2)} MPa; the line holds {_n(d.get('linepack_mcm'))} million m³."
    )
    return Answer(q, text, True)


def tariff_answer(chain: Chain) -> Answer:
    """What does transport cost?"""
    q = "What does transport cost (the tariff)?"
    e = economics_numbers(chain.economics.data)
    if e is None:
        return Answer(q, _missing(chain.economics), False)
    t = e.get("tariff_usd_per_kcm") or {}
    c = e.get("capex_usd_bn") or {}
    text = (
        f"The levelised transport tariff is {_n(t.get('total'))} USD per 1,000 m³ "
        f"(Russian section {_n(t.get('russia'))}, Mongolian section {_n(t.get('mongolia'))}), for a "
        f"construction cost of {_n(c.get('total'), 1)} bn USD ({_n(c.get('russia'), 1)} in Russia, "
        f"{_n(c.get('mongolia'), 1)} in Mongolia). Russia breaks even at a border price of "
        f"{_n(e.get('breakeven_price_usd_per_kcm'))} USD per 1,000 m³; at the scenario's contract price the "
        f"wellhead netback is {_n(e.get('netback_usd_per_kcm'))} USD per 1,000 m³."
    )
    return Answer(q, text, True)


def zopa_answer(chain: Chain) -> Answer:
    """Where is the zone of agreement?"""
    q = "Where is the zone of agreement?"
    d = deal_numbers(chain.deal.data)
    if d is None:
        return Answer(q, _missing(chain.deal), False)
    hi = d.get("china_max_price_usd_per_kcm")
    lo = d.get("russia_min_price_usd_per_kcm")
    z = d.get("zopa_usd_per_kcm")
    beta = chain.scenario.get("bargaining.china_power")
    if z:
        text = (
            f"Between {_n(z[0])} and {_n(z[1])} USD per 1,000 m³: Russia accepts no less than {_n(lo)}, "
            f"China pays no more than {_n(hi)}. With China's bargaining power β = {beta:g} the Nash "
            f"bargaining price is {_n(d.get('nash_price_usd_per_kcm'))} USD per 1,000 m³."
        )
    else:
        text = (
            f"There is none: China's highest acceptable price ({_n(hi)} USD per 1,000 m³) is below Russia's "
            f"lowest ({_n(lo)}), a gap of {_n(abs((hi or 0) - (lo or 0)))} USD per 1,000 m³."
        )
    return Answer(q, text, True)


def why_answer(chain: Chain) -> Answer:
    """Why has no deal been signed?"""
    q = "Why has no deal been signed?"
    d = deal_numbers(chain.deal.data)
    if d is None:
        return Answer(q, _missing(chain.deal), False)
    gap = price_gap_usd_per_kcm(d)
    p = d.get("p_agreement_by_year") or {}
    years = sorted(p, key=lambda y: int(y))
    first = next((y for y in years if p[y] >= 0.5), None)
    prob = ""
    if years:
        y0, y1 = years[0], years[-1]
        prob = (
            f" The delay model puts the chance of a signature by the end of {y0} at {_n(100 * p[y0])} % "
            f"and by {y1} at {_n(100 * p[y1])} %"
            + (f"; an even chance is reached in {first}." if first else "; it never reaches an even chance.")
        )
    if gap is not None and gap < 0:
        reason = (
            "The prices do not overlap: what China can get from its alternatives (domestic gas, "
            "Central Asia, Power of Siberia 1 and the Far Eastern route, LNG) caps its price below what "
            "Russia needs to cover the line and the gas."
        )
    elif gap is not None:
        reason = (
            f"A zone of agreement exists (width {_n(gap)} USD per 1,000 m³), so the stall is about timing "
            "and split: the buyer gains by waiting while its outside options may improve and the seller's "
            "reservation price drifts down."
        )
    else:
        reason = "The deal stage gives no reservation prices to compare."
    hc = dig(chain.deal.data, "hindcast") or []
    if hc:
        agree = sum(1 for r in hc if r.get("model_verdict") == r.get("actual_outcome"))
        reason += f" The hindcast matches {agree} of {len(hc)} summit rounds."
    return Answer(q, reason + prob, True)


def closing_answer(whatif: pd.DataFrame | None, skipped: int, note: str | None = None) -> Answer:
    """What change would close the gap (from the one-lever-at-a-time re-runs)?"""
    q = "What change of terms or circumstances would close the gap?"
    if whatif is None or whatif.empty:
        return Answer(q, f"Not answered: {note or 'no what-if runs'}.", False)
    base = whatif.iloc[0]
    moves = whatif.iloc[1:]
    if base["gap_usd_per_kcm"] is None or pd.isna(base["gap_usd_per_kcm"]):
        return Answer(q, f"Not answered: the baseline deal run gave no gap ({base['error']}).", False)
    g0 = float(base["gap_usd_per_kcm"])
    ok = moves[moves["gap_usd_per_kcm"].notna()]
    ok = ok.assign(delta=ok["gap_usd_per_kcm"].astype(float) - g0)
    closing = ok[ok["gap_usd_per_kcm"].astype(float) >= 0]
    best = ok.sort_values("delta", ascending=False).head(3)
    parts = []
    if g0 >= 0:
        parts.append(f"The zone is already open in the scenario (gap {_n(g0)} USD per 1,000 m³).")
    elif not closing.empty:
        lst = "; ".join(
            f"{r.label} at {r.value_text} ({r.why}, gap {_n(r.gap_usd_per_kcm)})"
            for r in closing.itertuples()
        )
        parts.append(f"Moved one at a time, these close the gap of {_n(-g0)} USD per 1,000 m³: {lst}.")
    else:
        parts.append(
            f"No single lever tried closes the gap of {_n(-g0)} USD per 1,000 m³ on its own; it takes a "
            "combination."
        )
    if not best.empty:
        lst = "; ".join(f"{r.label} at {r.value_text}: {r.delta:+,.0f}" for r in best.itertuples())
        parts.append(f"The strongest moves of the gap [USD per 1,000 m³] are: {lst}.")
    flat = ok[ok["delta"].abs() < 0.5]
    if not flat.empty:
        parts.append(
            "Moves with almost no effect on the reservation prices: "
            + ", ".join(sorted({str(r.label) for r in flat.itertuples()}))
            + "."
        )
    if skipped:
        parts.append(f"{skipped} further lever settings were not tried within the time budget.")
    return Answer(q, " ".join(parts), True)
