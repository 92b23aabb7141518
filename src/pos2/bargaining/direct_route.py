"""The direct Altai route: Russia and China's way around Mongolia, and the limit it puts on the transit fee.

Before Power of Siberia 2 went through Mongolia, Gazprom's western route to China was the Altai
pipeline: from the Purpeyskaya compressor station in West Siberia through Tomsk, Novosibirsk, Barnaul
and the Altai Republic to the Kanas pass on the short Russia-China border, 2,666 km in Russia, 1,420 mm,
30 bcm/yr, linked in Xinjiang to China's West-East system that carries gas to Shanghai (Gazprom design
as summarised in the Wikipedia article, mirror wts-test.com/2018/08/11/altai-gas-pipeline/; Trend
2014-12-09: about 6,700 km to Shanghai, 2,700 km of it in Russia). It needs no transit state.

The route's extra cost per 1,000 m3 against the line through Mongolia, **excluding** the Mongolian
fee, is ``(L_direct - L_new) c_km + (t_direct - t_C)``:

* ``L_new`` the new pipe of the Mongolian route (its Russian and Mongolian sections, km) and
  ``L_direct`` the Altai route's Russian pipe (km); ``c_km`` the levelised cost of new pipe per
  1,000 m3 and km, the economics' tariff of the line divided by its length (assumption: the Altai
  pipe costs per km what this line does; its mountain stretch is like the Baikal one);
* ``t_C`` China's internal transport from Erenhot and ``t_direct`` from the Kanas pass through the
  West-East system to eastern demand (about 4,000 km of Chinese pipe at the north-western tariff,
  the same figure as Central Asian gas at ``supply.central_asia.fixed_usd_per_kcm``; INF);
* the existing West Siberian system up to the start of either new line is taken as the same tariff
  (assumption: Purpeyskaya is nearer the fields than CS Aganskaya, so this overstates the route's
  cost a little and Mongolia's limit with it).

A Mongolian fee above this difference would make the Altai route cheaper for Russia and China
together: it is the fee's upper bound (Hubert & Ikonnikova 2011: an investment option caps a transit
state's share; Chyong & Hobbs 2014: bypass pipelines as a threat against transit market power). The
same difference sets the direct route's surplus in the Shapley game of the transit (deal.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pos2.errors import BargainingError
from pos2.scenario import ScenarioModel


@dataclass(frozen=True)
class DirectRoute:
    """The Altai route against the line through Mongolia [USD/1,000 m3 unless stated]."""

    available: bool
    """``bargaining.direct_route``: whether Russia and China can build the route at all."""
    new_pipe_km: float
    """New pipe of the route through Mongolia (Russian + Mongolian sections) [km]."""
    direct_pipe_km: float
    """New Russian pipe of the Altai route [km]."""
    pipe_usd_per_kcm_km: float
    """Levelised cost of new pipe per 1,000 m3 and km (the line's tariff over its length)."""
    china_transport_usd_per_kcm: float
    """China's internal transport of the Mongolian route (from Erenhot)."""
    direct_china_transport_usd_per_kcm: float
    """China's internal transport of the Altai route (from the Kanas pass)."""

    @property
    def pipe_difference_usd_per_kcm(self) -> float:
        """Pipe cost of the Altai route less that of the route through Mongolia."""
        return (self.direct_pipe_km - self.new_pipe_km) * self.pipe_usd_per_kcm_km

    @property
    def extra_cost_usd_per_kcm(self) -> float:
        """The Altai route's extra cost, excluding the Mongolian fee (inf when it is not available)."""
        if not self.available:
            return float("inf")
        return self.pipe_difference_usd_per_kcm + (
            self.direct_china_transport_usd_per_kcm - self.china_transport_usd_per_kcm
        )

    def fee_cap_usd_per_kcm(self) -> float:
        """The highest Mongolian fee before the Altai route is cheaper (>= 0; inf without the route)."""
        return max(self.extra_cost_usd_per_kcm, 0.0)

    def capped_fee_usd_per_kcm(self, fee_usd_per_kcm: float) -> float:
        """The fee Mongolia can obtain: the scenario's fee, at most the bypass's extra cost."""
        return min(float(fee_usd_per_kcm), self.fee_cap_usd_per_kcm())

    def to_json(self) -> dict[str, float | bool | None]:
        extra = self.extra_cost_usd_per_kcm
        return {
            "available": self.available,
            "new_pipe_km": self.new_pipe_km,
            "direct_pipe_km": self.direct_pipe_km,
            "pipe_usd_per_kcm_km": self.pipe_usd_per_kcm_km,
            "china_transport_usd_per_kcm": self.china_transport_usd_per_kcm,
            "direct_china_transport_usd_per_kcm": self.direct_china_transport_usd_per_kcm,
            "extra_cost_usd_per_kcm": extra if self.available else None,
            "fee_cap_usd_per_kcm": self.fee_cap_usd_per_kcm() if self.available else None,
        }


def direct_route(m: ScenarioModel, tariff_usd_per_kcm: float, line_km: float) -> DirectRoute:
    """The Altai route of a scenario, costed with the economics' levelised tariff of the line.

    Parameters
    ----------
    m
        Scenario content (``bargaining.direct_route*``, ``russia.length_mongolia_km``,
        ``costs.china_transport_usd_per_kcm``) [-].
    tariff_usd_per_kcm
        Levelised transport tariff of the line, Russia plus Mongolia (economics stage) [USD/1,000 m3].
    line_km
        New pipe of the line, all its sections (the twin's lengths) [km].
    """
    b = m.bargaining
    new_km = float(line_km)
    if new_km <= 0:
        raise BargainingError(f"the line has no length ({new_km} km): the direct route cannot be compared")
    if tariff_usd_per_kcm < 0:
        raise BargainingError(f"the line's tariff must be >= 0 USD/kcm, got {tariff_usd_per_kcm}")
    if m.russia.length_mongolia_km <= 0:
        # a line without a transit state (PoS1) is its own direct route: no extra cost, no fee to cap
        return DirectRoute(
            available=True,
            new_pipe_km=float(new_km),
            direct_pipe_km=float(new_km),
            pipe_usd_per_kcm_km=float(tariff_usd_per_kcm) / new_km,
            china_transport_usd_per_kcm=float(m.costs.china_transport_usd_per_kcm),
            direct_china_transport_usd_per_kcm=float(m.costs.china_transport_usd_per_kcm),
        )
    return DirectRoute(
        available=bool(b.direct_route),
        new_pipe_km=float(new_km),
        direct_pipe_km=float(b.direct_route_russia_km),
        pipe_usd_per_kcm_km=float(tariff_usd_per_kcm) / new_km,
        china_transport_usd_per_kcm=float(m.costs.china_transport_usd_per_kcm),
        direct_china_transport_usd_per_kcm=float(b.direct_route_china_transport_usd_per_kcm),
    )
