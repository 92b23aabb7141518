"""The executive summary: plain-words answers computed from the run's own numbers.

Each answer is built only from the stages' results; when a stage gave no result the answer says
so and why, instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pos2.bargaining import DealResult
from pos2.bargaining.engine import LEVER_LABELS
from pos2.pipeline import PipelineResult, StageOutcome
from pos2.report.extract import deal_numbers, dig, economics_numbers, price_gap_usd_per_kcm
from pos2.report.summits_section import why_sentence
from pos2.report.twin_extras import TwinExtras


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


def _missing(outcome: StageOutcome[Any]) -> str:
    return f"Not answered: {outcome.error}."


def _section_label(name: str) -> str:
    return name.replace("_", "–").title()


def capacity_answer(chain: PipelineResult, extras: TwinExtras | None = None) -> Answer:
    """Can the line carry the throughput, with how many stations and MW?"""
    q = "Can the line carry the design throughput, and with how many compressor stations and MW?"
    twin = chain.twin
    thr = chain.scenario.get("pipeline.throughput_bcm_per_year")
    if not twin.ok or twin.data is None:
        if twin.error:
            return Answer(q, f"No result at {thr:g} bcm/yr: {twin.error}.", False)
        return Answer(q, _missing(twin), False)
    d = twin.data
    stations = d.get("stations") or []
    by_section: dict[str, list[dict[str, Any]]] = {}
    for s in stations:
        by_section.setdefault(str(s.get("section", "?")), []).append(s)
    split = ", ".join(
        f"{len(v)} in {_section_label(sec)} ({sum(float(x.get('power_mw') or 0) for x in v):,.0f} MW)"
        for sec, v in by_section.items()
    )
    fuel = d.get("fuel_share")
    broken = chain.twin_violations()
    verdict = "Yes: the twin carries" if not broken else "Not within its limits: the twin pushes"
    text = (
        f"{verdict} {_n(d.get('throughput_bcm_per_year'), 1)} bcm/yr (20 °C, 101.325 kPa) with "
        f"{len(stations)} compressor stations ({split}), drawing {_n(d.get('total_power_mw'))} MW of shaft "
        f"power in total. Fuel gas is {_n(100 * fuel if fuel is not None else None, 1)} % of the gas "
        f"entering the line ({_n(d.get('fuel_bcm_per_year'), 2)} bcm/yr); pressures stay between "
        f"{_n(d.get('min_pressure_mpa'), 2)} and {_n(d.get('max_pressure_mpa'), 2)} MPa (absolute), the "
        f"gas reaches China at {_n(d.get('delivery_pressure_mpa'), 2)} MPa, and the line holds "
        f"{_n(d.get('linepack_mcm'))} million m³."
    )
    if broken:
        text += f" At this operating point the line breaks {len(broken)} limit(s): " + "; ".join(broken) + "."
    if extras is not None:
        design = extras.table("design")
        if design is not None and {"section", "stations", "total_power_mw"} <= set(design.columns):
            rows = "; ".join(
                f"{int(r['stations'])} in {_section_label(str(r['section']))} "
                f"({float(r['total_power_mw']):,.0f} MW)"
                for r in design.to_dict("records")
            )
            text += (
                f" Designed section by section, the fewest evenly spaced stations that carry it: {rows} "
                "(each section solved on its own from the lowest inlet pressure its head station accepts, "
                "so these MW are an upper bound and differ from the whole-line operating point above)."
            )
        imp = extras.get("implied")
        if imp:
            text += (
                f" The {imp['stations']} published stations of the {imp['section']} section imply a maximum "
                f"operating pressure of at least {imp['max_pressure_mpa']:.1f} MPa "
                f"({imp['flat_terrain_max_pressure_mpa']:.1f} MPa if the ground were flat)."
            )
        cap = extras.get("capacity")
        if cap:
            text += (
                f" With the stations as built the line tops out at {cap['capacity_bcm_per_year']:.1f} bcm/yr "
                f"(then {cap['binding']})."
            )
    return Answer(q, text, not broken)


def tariff_answer(chain: PipelineResult) -> Answer:
    """What does transport cost?"""
    q = "What does transport cost (the tariff)?"
    e = economics_numbers(chain.economics.result)
    if e is None:
        return Answer(q, _missing(chain.economics), False)
    t = e.get("tariff_usd_per_kcm") or {}
    c = e.get("capex_usd_bn") or {}
    parts = [(name, label) for name, label in (("russia", "Russia"), ("mongolia", "Mongolia")) if c.get(name)]
    by_t = ", ".join(f"{label} {_n(t.get(name))}" for name, label in parts)
    by_c = ", ".join(f"{_n(c.get(name), 1)} in {label}" for name, label in parts)
    raw = chain.economics.data or {}
    money = f"{raw.get('currency', 'USD')} of {raw.get('price_year', '?')}"
    cp = dig(raw, "contract_price_usd_per_kcm", "deterministic")
    deck = raw.get("deck")
    at = (
        f"at the scenario's contract price on the {deck} price deck ({_n(cp)} USD per 1,000 m³)"
        if cp is not None
        else "at the scenario's contract price"
    )
    text = (
        f"The levelised transport tariff is {_n(t.get('total'))} USD per 1,000 m³"
        + (f" ({by_t})" if len(parts) > 1 else "")
        + f", for a construction cost of {_n(c.get('total'), 1)} bn USD"
        + (f" ({by_c})" if len(parts) > 1 else "")
        + f" (real money, {money}; gas at 20 °C, 101.325 kPa). Russia breaks even at a border price of "
        f"{_n(e.get('breakeven_price_usd_per_kcm'))} USD per 1,000 m³; {at} the wellhead netback is "
        f"{_n(e.get('netback_usd_per_kcm'))} USD per 1,000 m³."
    )
    return Answer(q, text, True)


def zopa_answer(chain: PipelineResult) -> Answer:
    """Where is the zone of agreement?"""
    q = "Where is the zone of agreement?"
    d = deal_numbers(chain.deal.result)
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


def why_answer(chain: PipelineResult) -> Answer:
    """Why has no deal been signed?"""
    q = "Why has no deal been signed?"
    d = deal_numbers(chain.deal.result)
    if d is None:
        return Answer(q, _missing(chain.deal), False)
    gap = price_gap_usd_per_kcm(d)
    delay = dig(chain.deal.data, "delay") or {}
    if gap is not None and gap < 0:
        floors = d.get("russia_min_price_by_principal_usd_per_kcm") or {}
        state = floors.get("state")
        hi = d.get("china_max_price_usd_per_kcm")
        reason = (
            "The prices do not overlap for the contract as proposed: what China can get from its "
            "alternatives (its contracted LNG, much of it take-or-pay, domestic gas, Central Asia, Power "
            "of Siberia 1, less the cost of depending on one supplier) caps its price below the lowest "
            "price at which Gazprom, paying the export duty and the mineral tax at its sanctions-era "
            "cost of capital, covers the line and the gas."
        )
        if isinstance(state, int | float) and isinstance(hi, int | float) and state <= hi:
            reason += (
                f" The Russian state, for which the taxes are revenue, could accept down to {_n(state)} "
                "USD per 1,000 m³: a zone exists only if the state gives up part of its taxes, which its "
                "finance ministry said in 2025 it has no room to do (deal_inputs.md)."
            )
    elif gap is not None:
        now, wait = delay.get("value_sign_now_usd_per_kcm"), delay.get("value_wait_usd_per_kcm")
        if delay.get("china_signs_now") is False and now is not None and wait is not None:
            reason = (
                f"A zone of agreement exists (width {_n(gap)} USD per 1,000 m³), so the stall is about "
                f"timing. In the delay model China values signing now at {_n(now, 1)} USD per 1,000 m³ of "
                f"surplus but waiting at {_n(wait, 1)}: its outside options may improve and Russia's "
                "reservation price drifts down without Europe, so waiting for a lower price pays."
            )
        elif delay.get("china_signs_now"):
            reason = (
                f"Not for want of a price: a zone of agreement exists (width {_n(gap)} USD per 1,000 m³) "
                "and in the delay model China gains nothing by waiting, so on prices alone a contract "
                "should have been signed. What stalls it lies outside this model: China's cap on how much "
                "gas it takes from one supplier, Russia's demand for PoS1-level prices (a reservation price "
                "above its cost), and who finances the line and carries the volume risk (docs/deal.md §4)."
            )
        else:
            reason = f"A zone of agreement exists (width {_n(gap)} USD per 1,000 m³)."
    else:
        reason = "The deal stage gives no reservation prices to compare."
    p = d.get("p_agreement_by_year") or {}
    years = sorted(p, key=lambda y: int(y))
    if years:
        y0, y1 = years[0], years[-1]
        first = next((y for y in years if p[y] >= 0.5), None)
        reason += (
            f" The chance of a signature by the end of {y0} is {_n(100 * p[y0])} %, by {y1} "
            f"{_n(100 * p[y1])} %"
            + (f"; an even chance is reached in {first}." if first else "; it never reaches an even chance.")
        )
    hc = dig(chain.deal.data, "hindcast") or []
    dynamics = why_sentence(chain.deal.data)
    if dynamics:
        reason += " " + dynamics
    elif hc:
        agree = sum(1 for r in hc if r.get("model_verdict") == r.get("actual_outcome"))
        reason += f" The hindcast of the summits matches {agree} of {len(hc)} rounds."
    return Answer(q, reason, True)


def valuation_levers_text(deal: DealResult | None) -> str:
    """What the contract valuation's levers and efficient terms say closes the gap with Gazprom.

    Each lever's new gap is the headline gap (China's highest minus Gazprom's lowest price) plus the
    lever's change of the two limits (measured on the detail paths, where differences are accurate).
    """
    if deal is None or not deal.valuation.lever_effects:
        return ""
    val = deal.valuation
    gap = float(deal.china_max_usd_per_kcm) - float(val.gazprom_min_usd_per_kcm)
    rows = sorted(
        (
            (
                LEVER_LABELS.get(e["lever"], e["lever"].replace("_", " ")),
                gap + e["china_max_delta"] - e["russia_min_delta"],
            )
            for e in val.lever_effects
        ),
        key=lambda r: -r[1],
    )
    opens = [f"{name} (gap {g:+,.0f})" for name, g in rows if g >= 0]
    out = [
        f"On the contract valuation (China's highest minus Gazprom's lowest price, now {gap:+,.0f} USD "
        "per 1,000 m³), "
        + (
            "these terms open a zone with Gazprom on their own: " + "; ".join(opens) + "."
            if opens
            else "no single term of the lever list opens a zone with Gazprom; the nearest: "
            + "; ".join(f"{n} (gap {g:+,.0f})" for n, g in rows[:3])
            + "."
        )
    ]
    ct = val.contract_terms
    if ct and ct.get("feasible"):
        out.append(
            f"The efficient terms of the search ({ct['acq_bcm']:g} bcm/yr, take-or-pay "
            f"{ct['take_or_pay']:.0%}, flexibility {ct['flex_band']:.0%}, China's equity share "
            f"{ct['china_share']:.0%}) leave a zone from {ct['gazprom_min_price_usd_per_kcm']:,.0f} to "
            f"{ct['china_max_price_usd_per_kcm']:,.0f} USD per 1,000 m³: Chinese capital at China's "
            "lower cost of capital, and the protection it gives against hold-up, is what the price "
            "alone cannot do."
        )
    return " ".join(out)


def closing_answer(
    whatif: pd.DataFrame | None, skipped: int, note: str | None = None, deal: DealResult | None = None
) -> Answer:
    """What change would close the deal (the valuation's levers, then the one-lever-at-a-time re-runs)?"""
    q = "What change of terms or circumstances would close the gap?"
    lead = valuation_levers_text(deal)
    if whatif is None or whatif.empty:
        if lead:
            return Answer(q, f"{lead} (The scenario what-if re-runs: {note or 'not run'}.)", True)
        return Answer(q, f"Not answered: {note or 'no what-if runs'}.", False)
    base = whatif.iloc[0]
    moves = whatif.iloc[1:]
    g0 = base["gap_usd_per_kcm"]
    if g0 is None or pd.isna(g0):
        return Answer(q, f"Not answered: the baseline deal run gave no result ({base['error']}).", False)
    g0 = float(g0)
    w0 = base["waiting_premium_usd_per_kcm"]
    ok = moves[moves["gap_usd_per_kcm"].notna()]
    parts: list[str] = []
    if g0 < 0:
        ok = ok.assign(delta=ok["gap_usd_per_kcm"].astype(float) - g0)
        closing = ok[ok["gap_usd_per_kcm"].astype(float) >= 0]
        if not closing.empty:
            lst = "; ".join(
                f"{r.label} at {r.value_text} ({r.why}, gap {_n(r.gap_usd_per_kcm)})"
                for r in closing.itertuples()
            )
            parts.append(f"Moved one at a time, these open a zone of agreement (gap now {_n(g0)}): {lst}.")
        else:
            parts.append(f"No single lever tried opens a zone of agreement (gap {_n(g0)} USD per 1,000 m³).")
        metric = "delta"
        unit = "change of the gap [USD per 1,000 m³]"
    else:
        w0f = float(w0) if w0 is not None and not pd.isna(w0) else None
        ok = ok[ok["waiting_premium_usd_per_kcm"].notna()]
        ok = ok.assign(delta=(w0f or 0.0) - ok["waiting_premium_usd_per_kcm"].astype(float))
        signs = ok[ok["china_signs_now"].astype(bool)]
        if w0f is None:
            parts.append("The zone of agreement is open; the deal stage gives no delay values to compare.")
        elif w0f <= 0:
            parts.append(
                "On prices alone nothing needs to change: China already prefers to sign now, at any price up "
                "to its highest acceptable one. Closing it takes terms outside this model (a cap on PoS2's "
                "share of China's supply, financing, who carries the volume risk)."
            )
        elif not signs.empty:
            lst = "; ".join(f"{r.label} at {r.value_text} ({r.why})" for r in signs.itertuples())
            parts.append(
                f"The zone is open but China gains {_n(w0f, 1)} USD per 1,000 m³ by waiting. "
                f"Moved one at a time, these make signing now China's better choice: {lst}."
            )
        else:
            parts.append(
                f"The zone is open but China gains {_n(w0f, 1)} USD per 1,000 m³ by waiting, and no single "
                "lever tried removes that gain: it takes a combination."
            )
        metric = "delta"
        unit = "cut in China's gain from waiting [USD per 1,000 m³]"
    flat = moves[
        (moves["gap_usd_per_kcm"].astype(float) - g0).abs().lt(0.5)
        & (moves["waiting_premium_usd_per_kcm"].astype(float) - (float(w0) if w0 is not None else 0.0))
        .abs()
        .lt(0.5)
    ]
    w0v = float(w0) if w0 is not None and not pd.isna(w0) else None
    if g0 >= 0 and w0v is not None and w0v > 0:
        partial = ok[(ok["delta"] >= 0.5) & ~ok["china_signs_now"].astype(bool)]
        if not partial.empty:
            lst = "; ".join(
                f"{r['label']} at {r['value_text']} (China's gain from waiting "
                f"{w0v:,.1f} → {float(r['waiting_premium_usd_per_kcm']):,.1f})"
                for r in partial.sort_values("delta", ascending=False).to_dict("records")
            )
            parts.append(f"Narrow the gap but do not close it on their own: {lst}.")
    signs_already = g0 >= 0 and w0v is not None and w0v <= 0
    if signs_already:
        waits = ok[~ok["china_signs_now"].astype(bool)]
        if not waits.empty:
            lst = "; ".join(f"{r.label} at {r.value_text} ({r.why})" for r in waits.itertuples())
            parts.append(f"Moved one at a time, these would make waiting pay for China again: {lst}.")
    best = ok.sort_values(metric, ascending=False).head(3) if not signs_already else ok.iloc[0:0]
    if not best.empty:
        lst = "; ".join(f"{r.label} at {r.value_text}: {r.delta:+,.1f}" for r in best.itertuples())
        parts.append(f"Strongest single moves, by {unit}: {lst}.")
    if not flat.empty:
        names = ", ".join(dict.fromkeys(str(r.label) for r in flat.itertuples()))
        parts.append(
            f"No effect on the deal in this model (neither the bounds of the zone nor China's choice "
            f"move; they do move the parties' NPVs, see the tornado): {names}."
        )
    if skipped:
        setting = "setting was" if skipped == 1 else "settings were"
        parts.append(f"{skipped} further lever {setting} not tried within the time budget.")
    if lead:
        parts = [lead, "Whole-scenario re-runs (twin, economics and deal again):", *parts]
    return Answer(q, " ".join(parts), True)
