"""The report's summit section (issue 14): the hindcast as evidence, the scores, the outlook, the levers.

Pure functions from the ``pos2 deal --json`` object to HTML fragments and sentences, so
:mod:`pos2.report.render` and :mod:`pos2.report.summary` need only a call each. A readable summary
table (round, date, host, observed, model P(deal), leave-one-out P(deal), binding reason) with the
per-round detail in collapsible blocks; the scores beside the base-rate forecaster's; the estimated
parameters; the Hormuz panel; and the "why no deal" / "what would close it" sentences.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd


def _esc(v: Any) -> str:
    return html.escape(str(v))


def _num(v: Any, fmt: str = "{:,.2f}") -> str:
    if v is None:
        return "—"
    try:
        return fmt.format(float(v))
    except (TypeError, ValueError):
        return _esc(v)


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False)
    )
    return f"<div class='tablewrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def has_summits(deal: dict[str, Any] | None) -> bool:
    """True when the deal JSON carries the summit analysis."""
    return bool(deal) and "hindcast_scores" in (deal or {})


def summary_rows(deal: dict[str, Any]) -> pd.DataFrame:
    """One row per round: round, date, host, observed, P(deal), leave-one-out P(deal), binding reason."""
    rows = []
    for i, r in enumerate(deal.get("hindcast") or [], start=1):
        dyn = r.get("dynamics") or {}
        rows.append(
            {
                "round": i,
                "date": r.get("date"),
                "venue": str(r.get("venue", "")).split(" (")[0],
                "host": dyn.get("host", "—"),
                "observed": r.get("actual_outcome"),
                "P(deal)": _num(r.get("p_deal"), "{:.2f}"),
                "P(deal), leave-one-out": _num(r.get("p_deal_leave_one_out"), "{:.2f}"),
                "binding reason": r.get("binding_reason") or "—",
            }
        )
    return pd.DataFrame(rows)


def scores_table(deal: dict[str, Any]) -> pd.DataFrame:
    """The model's scores with the base-rate forecaster's beside them (lower Brier and higher
    log-likelihood are better)."""
    s = deal.get("hindcast_scores") or {}
    rows = [
        ("log-likelihood (in sample)", s.get("log_likelihood"), s.get("log_likelihood_base_rate")),
        ("Brier score (in sample)", s.get("brier"), s.get("brier_base_rate")),
        (
            "log-likelihood (leave one round out)",
            s.get("log_likelihood_leave_one_out"),
            s.get("log_likelihood_base_rate_leave_one_out"),
        ),
        (
            "Brier score (leave one round out)",
            s.get("brier_leave_one_out"),
            s.get("brier_base_rate_leave_one_out"),
        ),
    ]
    out = []
    for name, model, base in rows:
        if model is None or base is None:
            verdict = "—"
        else:
            better = model > base if "log" in name else model < base
            verdict = "beats the base rate" if better else "does NOT beat the base rate"
        out.append(
            {"score": name, "model": _num(model, "{:.3f}"), "base rate": _num(base, "{:.3f}"), "": verdict}
        )
    return pd.DataFrame(out)


def _detail(r: dict[str, Any]) -> str:
    dyn = r.get("dynamics") or {}
    c = dyn.get("china_max_price_usd_per_kcm") or {}
    ru = dyn.get("russia_min_price_usd_per_kcm") or {}
    v = dyn.get("vintage") or {}
    items = [
        (
            "China's highest price, uncapped / capped type",
            f"{_num(c.get('uncapped'), '{:.0f}')} / {_num(c.get('capped'), '{:.0f}')} USD/kcm",
        ),
        (
            "Russia's lowest price, state / Gazprom",
            f"{_num(ru.get('state'), '{:.0f}')} / {_num(ru.get('gazprom'), '{:.0f}')} USD/kcm",
        ),
        (
            "oil outlook of the date",
            f"{_esc(v.get('outlook', '—'))}: long-run Brent "
            f"{_num(v.get('outlook_brent_usd2025_per_bbl'), '{:.0f}')} USD/bbl (2025 money)",
        ),
        ("Hormuz closure hazard (posterior)", f"{_num(v.get('hormuz_hazard_per_year'), '{:.3f}')} /yr"),
        ("Gazprom shut-in share", _num(v.get("gazprom_shut_in_share"), "{:.2f}")),
        ("China's contracts signed before the date", _esc(v.get("contracts_signed_before", "—"))),
        ("who said what", _esc(r.get("who_said", ""))),
        ("what was agreed", _esc(r.get("agreed", ""))),
        ("sources", _esc("; ".join(r.get("sources") or []))),
    ]
    body = "".join(f"<li><b>{_esc(k)}</b>: {val}</li>" for k, val in items)
    title = f"{_esc(r.get('date'))} — {_esc(r.get('venue'))}: observed {_esc(r.get('actual_outcome'))}"
    return f"<details><summary>{title}</summary><ul>{body}</ul></details>"


def hindcast_html(deal: dict[str, Any]) -> str:
    """The summit section's body."""
    s = deal.get("hindcast_scores") or {}
    sm = deal.get("summits") or {}
    out = [
        "<p>Each summit is a round of a bargaining game (docs/deal_dynamics.md): the host proposes a price "
        "for the engine's efficient contract, the other side accepts or waits; each side is unsure of the "
        "other's type (China: dependence cap binding or not; the Russian state: waives its taxes or not). "
        f"Four global parameters are estimated from all {s.get('rounds', '?')} rounds at once "
        f"({s.get('deals', '?')} deal). P(deal) is the model's probability of a signature at the round, "
        "given the earlier rounds; the leave-one-out column predicts each round from parameters estimated "
        "without it.</p>",
        _table(summary_rows(deal)),
        "<h3>Scores against the base rate</h3>",
        _table(scores_table(deal)),
        "<h3>Per-round detail</h3>",
        "".join(_detail(r) for r in deal.get("hindcast") or []),
    ]
    params = deal.get("estimated_parameters") or {}
    if params:
        out.append("<h3>Estimated parameters</h3>")
        out.append(
            _table(
                pd.DataFrame(
                    [
                        {
                            "parameter": k,
                            "value": _num(v.get("value"), "{:.3g}"),
                            "standard error": _num(v.get("standard_error"), "{:.3g}")
                            if v.get("standard_error") is not None
                            else "— (at a grid edge or flat)",
                            "unit": v.get("unit", ""),
                            "prior and its source": v.get("prior", ""),
                        }
                        for k, v in params.items()
                    ]
                )
            )
        )
    hz = deal.get("hormuz") or {}
    if hz:
        out.append("<h3>Hormuz</h3>")
        out.append(
            f"<p>Posterior closure hazard {_num(hz.get('posterior_hazard_per_year'), '{:.3f}')}/yr (before "
            f"the 2026 closure {_num(hz.get('prior_hazard_per_year_before_2026'), '{:.3f}')}/yr); China's "
            f"highest price moves by {_num(hz.get('china_value_delta_usd_per_kcm'), '{:+.1f}')} USD/kcm and "
            f"the probability of a deal by 2030 by {_num(hz.get('p_agreement_2030_delta'), '{:+.3f}')}. "
            "Small, because China's LNG is over-contracted and most of it does not pass the strait: a "
            "closure raises the value of a pipeline only through the share of supply it would replace.</p>"
        )
    if sm:
        q = sm.get("price_at_signature_usd_per_kcm") or {}
        out.append("<h3>Today's game</h3>")
        out.append(
            "<p>From the beliefs left by the summits, the first summit ahead is in "
            f"{sm.get('first_summit_year')}. "
            f"P(deal by 2030) = {_num(sm.get('p_agreement_2030'), '{:.2f}')}; expected delay given a deal "
            f"{_num(sm.get('expected_delay_years'), '{:.1f}')} years; price at signature p10/p50/p90 "
            f"{_num(q.get('p10'), '{:.0f}')}/{_num(q.get('p50'), '{:.0f}')}/"
            f"{_num(q.get('p90'), '{:.0f}')} USD/kcm "
            f"(mean {_num(q.get('mean'), '{:.0f}')}). The dashboard and the sweeps answer moved levers by "
            "the summit game's fast mode (today's game re-solved with this hindcast held): at this "
            f"scenario {_num(sm.get('fast_mode_p_agreement_2030'), '{:.2f}')} by 2030, the same answer. "
            "The closed-form war of attrition (Abreu &amp; Gul), which has no response noise, gives "
            f"{_num(sm.get('abreu_gul_p_agreement_2030'), '{:.2f}')}.</p>"
        )
        lv = sm.get("levers") or []
        if lv:
            out.append(
                _table(
                    pd.DataFrame(
                        [
                            {
                                "lever": x["lever"],
                                "P(deal by 2030)": _num(x.get("p_agreement_2030"), "{:.2f}"),
                                "change": _num(x.get("p_agreement_2030_delta"), "{:+.3f}"),
                                "mean price at signature change [USD/kcm]": _num(
                                    x.get("price_delta_usd_per_kcm"), "{:+.0f}"
                                ),
                            }
                            for x in lv
                        ]
                    )
                )
            )
    return "".join(out)


def why_sentence(deal: dict[str, Any] | None) -> str | None:
    """ "Why no deal" and "what would close it" from the summit model, or None without it."""
    if not has_summits(deal):
        return None
    assert deal is not None
    hc = deal.get("hindcast") or []
    reasons: dict[str, int] = {}
    for r in hc:
        if r.get("actual_outcome") == "no deal" and r.get("binding_reason"):
            reasons[r["binding_reason"]] = reasons.get(r["binding_reason"], 0) + 1
    s = deal.get("hindcast_scores") or {}
    sm = deal.get("summits") or {}
    top = max(reasons, key=lambda k: reasons[k]) if reasons else None
    beats = (s.get("brier_leave_one_out") or 1.0) < (s.get("brier_base_rate_leave_one_out") or 0.0)
    terms = sm.get("contract_terms_at_signature") or {}
    on_terms = (
        f" (on the engine's efficient terms: take-or-pay {_num(terms.get('take_or_pay'), '{:.0%}')}, "
        f"China's capital share {_num(terms.get('china_share'), '{:.0%}')})"
        if terms
        else ""
    )
    text = (
        f"In the bargaining model of the summits{on_terms} the binding obstacle at most failed rounds is "
        f"'{top}' "
        f"({reasons.get(top, 0)} of {sum(reasons.values())})"
        if top
        else "The bargaining model of the summits finds no single binding obstacle"
    )
    text += (
        f"; it predicts the summits {'better' if beats else 'no better'} than the base rate out of sample "
        f"(leave-one-out Brier {_num(s.get('brier_leave_one_out'), '{:.3f}')} against "
        f"{_num(s.get('brier_base_rate_leave_one_out'), '{:.3f}')})."
    )
    lv = sorted(sm.get("levers") or [], key=lambda x: -(x.get("p_agreement_2030_delta") or 0.0))
    if lv:
        best = lv[0]
        text += (
            f" P(deal by 2030) is {_num(sm.get('p_agreement_2030'), '{:.2f}')}; the lever raising it most "
            f"is {best['lever'].replace('_', ' ')} ({_num(best.get('p_agreement_2030_delta'), '{:+.2f}')}, "
            f"mean price at signature {_num(best.get('price_delta_usd_per_kcm'), '{:+.0f}')} USD/kcm)."
        )
    return text
